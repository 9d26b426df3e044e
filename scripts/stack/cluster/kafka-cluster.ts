import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TOPICS } from '@tenant-deletion/contract';
import type { StackPaths } from '../../../common/stack-paths';
import type { Component, Health } from '../component';
import { runLogged, runningPid, startDaemon, stopDaemon, waitWhileRunning } from '../daemon';
import { installKafkaJars, kafkaJavaArgs, kafkaLibsDir, log4jProperties } from '../kafka';
import { ensureTopics, missingTopics, stackKafka, TOPIC_PARTITIONS } from '../kafka-topics';
import { isPortOpen, refuseHeldPorts, waitUntil } from '../ports';
import { StackError } from '../stack-error';
import {
  brokerAddresses,
  KAFKA_NODES,
  MIN_INSYNC_REPLICAS,
  nodeProperties,
  REPLICATION_FACTOR,
  type KafkaNode,
} from './kafka-cluster-config';

/** Where a node keeps its pid; its config file's path, in its command line, tells it from the other nodes. */
export function kafkaNodeDaemon(paths: StackPaths, node: KafkaNode) {
  const dataDir = path.join(paths.stateDir, 'cluster', 'kafka', `kafka-${node.id}`);
  const configFile = path.join(dataDir, 'server.properties');
  return {
    dataDir,
    configFile,
    pidFile: path.join(dataDir, 'kafka.pid'),
    signature: configFile,
    logFile: path.join(paths.logDir, `cluster-kafka-${node.id}.log`),
  };
}

/** One node of the cluster, started and stopped on its own: the chaos suite kills one while the others serve. */
export function kafkaNodeComponent(paths: StackPaths, node: KafkaNode): Component {
  const name = `kafka-${node.id}`;
  const clusterDir = path.join(paths.stateDir, 'cluster', 'kafka');
  const { dataDir, configFile, logFile, ...pidSpec } = kafkaNodeDaemon(paths, node);
  const daemon = { ...pidSpec, logFile };
  const address = `localhost:${node.brokerPort}`;
  // Three JVMs share the machine with Temporal and the workers.
  const java = (mainClass: string, args: string[]) =>
    kafkaJavaArgs(kafkaLibsDir(paths), dataDir, mainClass, args, '512m');

  /** Every node is formatted with the one cluster id, made by whichever node formats first. */
  function clusterId(): string {
    const file = path.join(clusterDir, 'cluster-id');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(clusterDir, { recursive: true });
      fs.writeFileSync(file, `${randomBytes(16).toString('base64url')}\n`, { flag: 'wx' });
    }
    return fs.readFileSync(file, 'utf8').trim();
  }

  return {
    name,
    address,
    logFile,
    async install() {
      installKafkaJars(paths, name, logFile);
    },
    async start() {
      if (runningPid(daemon) !== undefined) return;
      await refuseHeldPorts(name, [node.brokerPort, node.controllerPort]);
      const logDirs = path.join(dataDir, 'data');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(configFile, nodeProperties(node, logDirs));
      fs.writeFileSync(path.join(dataDir, 'log4j.properties'), log4jProperties(logFile));
      if (!fs.existsSync(path.join(logDirs, 'meta.properties'))) {
        try {
          runLogged('java', java('kafka.tools.StorageTool', ['format', '-t', clusterId(), '-c', configFile]), logFile);
        } catch (error) {
          throw new StackError(name, `formatting the KRaft log dir failed: ${(error as Error).message}`, logFile);
        }
      }
      startDaemon({ ...daemon, command: 'java', args: java('kafka.Kafka', [configFile]) });
      const up = await waitWhileRunning(name, daemon, () => isPortOpen(node.brokerPort), 60_000);
      if (!up) throw new StackError(name, `broker did not listen on ${address} within 60 s`, logFile);
    },
    async health() {
      return (await isPortOpen(node.brokerPort))
        ? { healthy: true, detail: `broker+controller ${node.id}` }
        : { healthy: false, detail: `nothing listens on ${address}` };
    },
    async stop() {
      await stopDaemon(daemon);
    },
    async purge() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Partitions of the contract topics with fewer in-sync replicas than the replication factor. */
async function underReplicated(brokers: string[]): Promise<string[]> {
  const admin = stackKafka(brokers).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: Object.keys(TOPIC_PARTITIONS) });
    return topics.flatMap((topic) =>
      topic.partitions
        .filter((partition) => partition.isr.length < REPLICATION_FACTOR)
        .map((partition) => `${topic.name}/${partition.partitionId}`),
    );
  } finally {
    await admin.disconnect();
  }
}

/** The three nodes as one stack component: started together (a KRaft quorum needs a majority), then the topics. */
export function kafkaClusterComponent(paths: StackPaths): Component & { nodes: Component[] } {
  const name = 'kafka';
  const nodes = KAFKA_NODES.map((node) => kafkaNodeComponent(paths, node));
  const brokers = brokerAddresses();

  async function health(): Promise<Health> {
    const down = (
      await Promise.all(nodes.map(async (node) => ((await node.health()).healthy ? [] : [node.name])))
    ).flat();
    if (down.length === nodes.length) return { healthy: false, detail: `no broker listens on ${brokers.join(', ')}` };
    try {
      const missing = await missingTopics(brokers);
      if (missing.length > 0) return { healthy: false, detail: `topics missing: ${missing.join(', ')}` };
      const lagging = await underReplicated(brokers);
      const replicas = lagging.length === 0 ? 'all in sync' : `${lagging.length} partitions under-replicated`;
      const detail = `${nodes.length - down.length}/${nodes.length} KRaft brokers+controllers (${brokers.join(', ')}), ${Object.keys(TOPICS).length} topics RF ${REPLICATION_FACTOR} min.insync ${MIN_INSYNC_REPLICAS}, ${replicas}`;
      return down.length === 0
        ? { healthy: true, detail }
        : { healthy: false, detail: `${down.join(', ')} down; ${detail}` };
    } catch (error) {
      return { healthy: false, detail: `cluster does not answer: ${(error as Error).message}` };
    }
  }

  return {
    name,
    address: brokers[0],
    logFile: nodes[0].logFile,
    nodes,
    async install() {
      installKafkaJars(paths, name, nodes[0].logFile);
    },
    async start() {
      await Promise.all(nodes.map((node) => node.start()));
      const created = await waitUntil(
        async () => (
          await ensureTopics(brokers, {
            replicationFactor: REPLICATION_FACTOR,
            minInsyncReplicas: MIN_INSYNC_REPLICAS,
          }),
          true
        ),
        { timeoutMs: 60_000, intervalMs: 2_000 },
      );
      if (!created) throw new StackError(name, 'could not create the contract topics', nodes[0].logFile);
    },
    health,
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
    async purge() {
      await Promise.all(nodes.map((node) => node.purge()));
      fs.rmSync(path.join(paths.stateDir, 'cluster', 'kafka'), { recursive: true, force: true });
    },
  };
}
