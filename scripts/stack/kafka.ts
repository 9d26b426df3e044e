import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Component, Health } from './component';
import { runLogged, runningPid, startDaemon, stopDaemon, waitWhileRunning } from './daemon';
import { ensureTopics, missingTopics } from './kafka-topics';
import type { StackPaths } from '../../common/stack-paths';
import { isPortOpen, refuseHeldPorts, waitUntil } from './ports';
import { StackError } from './stack-error';

export const KAFKA_VERSION = '3.9.1';
const BROKER_PORT = 9092;
const CONTROLLER_PORT = 9093;

function serverProperties(dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@localhost:${CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://localhost:${BROKER_PORT},CONTROLLER://localhost:${CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://localhost:${BROKER_PORT}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${path.join(dataDir, 'data')}`,
    // Topics are part of the contract: a typo in a producer must fail, not create a new topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

export function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka=INFO',
    'log4j.logger.org.apache.kafka=INFO',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n');
}

export function kafkaLibsDir(paths: StackPaths): string {
  return path.join(paths.cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
}

/** A Kafka tool or server run from the cached jars, logging through log4j.properties in its data dir. */
export function kafkaJavaArgs(
  libsDir: string,
  dataDir: string,
  mainClass: string,
  args: string[],
  heap = '768m',
): string[] {
  return [
    '-Xms256m',
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    `-Dlog4j.configuration=file:${path.join(dataDir, 'log4j.properties')}`,
    `-Dkafka.logs.dir=${path.join(dataDir, 'logs')}`,
    '-cp',
    `${libsDir}/*`,
    mainClass,
    ...args,
  ];
}

/** The Kafka jars from Maven Central into the cache, once; a no-op when they are there. */
export function installKafkaJars(paths: StackPaths, component: string, logFile: string): void {
  const libsDir = kafkaLibsDir(paths);
  if (fs.existsSync(path.join(libsDir, `kafka_2.13-${KAFKA_VERSION}.jar`))) return;
  console.log(`${component}: fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first time only)`);
  // Resolved into a scratch folder and renamed, so an interrupted download never looks complete.
  const scratch = `${libsDir}.partial`;
  fs.rmSync(scratch, { recursive: true, force: true });
  try {
    runLogged(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        path.join(paths.repoDir, 'scripts', 'stack', 'kafka', 'pom.xml'),
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${scratch}`,
      ],
      logFile,
    );
  } catch (error) {
    throw new StackError(
      component,
      `downloading the Kafka jars failed (needs Java 17 and Maven): ${(error as Error).message}`,
      logFile,
    );
  }
  fs.rmSync(libsDir, { recursive: true, force: true });
  fs.renameSync(scratch, libsDir);
}

export function kafkaComponent(paths: StackPaths): Component {
  const name = 'kafka';
  const libsDir = kafkaLibsDir(paths);
  const dataDir = path.join(paths.stateDir, 'kafka');
  const logFile = path.join(paths.logDir, 'kafka.log');
  const daemon = { pidFile: path.join(dataDir, 'kafka.pid'), signature: 'kafka.Kafka', logFile };
  const address = `localhost:${BROKER_PORT}`;
  const brokers = [address];
  const java = (mainClass: string, args: string[]) => kafkaJavaArgs(libsDir, dataDir, mainClass, args);

  async function health(): Promise<Health> {
    if (!(await isPortOpen(BROKER_PORT))) return { healthy: false, detail: `nothing listens on ${address}` };
    try {
      const missing = await missingTopics(brokers);
      return missing.length === 0
        ? { healthy: true, detail: 'KRaft broker+controller, 5 contract topics' }
        : { healthy: false, detail: `topics missing: ${missing.join(', ')}` };
    } catch (error) {
      return { healthy: false, detail: `broker does not answer: ${(error as Error).message}` };
    }
  }

  function configure(): string {
    fs.mkdirSync(dataDir, { recursive: true });
    const configFile = path.join(dataDir, 'server.properties');
    fs.writeFileSync(configFile, serverProperties(dataDir));
    fs.writeFileSync(path.join(dataDir, 'log4j.properties'), log4jProperties(logFile));
    return configFile;
  }

  return {
    name,
    address,
    logFile,
    async install() {
      installKafkaJars(paths, name, logFile);
    },
    async start() {
      if (runningPid(daemon) === undefined) {
        await refuseHeldPorts(name, [BROKER_PORT, CONTROLLER_PORT]);
        const configFile = configure();
        if (!fs.existsSync(path.join(dataDir, 'data', 'meta.properties'))) {
          const clusterId = randomBytes(16).toString('base64url');
          try {
            runLogged('java', java('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', configFile]), logFile);
          } catch (error) {
            throw new StackError(name, `formatting the KRaft log dir failed: ${(error as Error).message}`, logFile);
          }
        }
        startDaemon({ ...daemon, command: 'java', args: java('kafka.Kafka', [configFile]) });
        const up = await waitWhileRunning(name, daemon, () => isPortOpen(BROKER_PORT), 60_000);
        if (!up) throw new StackError(name, `broker did not listen on ${address} within 60 s`, logFile);
      }
      const created = await waitUntil(async () => (await ensureTopics(brokers), true), { timeoutMs: 30_000 });
      if (!created) throw new StackError(name, 'could not create the contract topics', logFile);
    },
    health,
    async stop() {
      await stopDaemon(daemon);
    },
    async purge() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
