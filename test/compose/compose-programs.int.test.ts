import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { stackPaths } from '../../common/stack-paths';
import { DistProcesses, ensureDist, freePort, REPO, waitUntil, type DistProcess } from '../build/dist-process';
import { isOneShot, programOf, readCompose, type ComposeService } from './compose-file';

/**
 * docker-compose.yml's orchestrator services without Docker: the same `node dist/...` commands with the same
 * environment, translated to the local stack (its Temporal, Kafka and PostgreSQL for the compose host names, a
 * temporary directory for /keys, free ports for the published and probed ones), each with an empty HOME so that
 * nothing falls back to the local stack's key files. The keys' init and the migrations run to completion; every
 * long-running service must pass its own compose healthcheck command. Not covered here: the images, the volumes,
 * the shared network namespace and the demo profile's fleet (its ports are fixed), which need Docker.
 */

const compose = readCompose();
const local = loadConfig();
const processes = new DistProcesses();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-compose-'));
const home = path.join(root, 'home');

/** `${VAR:-default}` as compose reads it with none of the variables set. */
function interpolate(value: string | number): string {
  return String(value).replace(/\$\{[A-Z_]+(?::-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '');
}

interface Translated {
  argv: string[];
  env: NodeJS.ProcessEnv;
  probe?: string[];
}

async function translate(service: ComposeService): Promise<Translated> {
  const ports = new Map<string, string>();
  const portOf = async (port: string) => {
    if (!ports.has(port)) ports.set(port, String(await freePort()));
    return ports.get(port)!;
  };
  const { program, args } = programOf(service)!;
  const argv = [process.execPath, program];
  for (let i = 0; i < args.length; i += 1) {
    argv.push(/^--(health|metrics)-port$/.test(args[i - 1] ?? '') ? await portOf(args[i]) : args[i]);
  }
  const env: NodeJS.ProcessEnv = { HOME: home, NODE_ENV: 'production', NODE_OPTIONS: '--enable-source-maps' };
  for (const [variable, raw] of Object.entries(service.environment ?? {})) {
    const value = interpolate(raw)
      .replace('temporal:7233', local.TEMPORAL_ADDRESS)
      .replace('kafka:19092', local.KAFKA_BROKERS.join(','))
      .replace('@postgres:5432/', '@localhost:5432/')
      .replace(/^\/keys\//, `${root}/`);
    env[variable] = /_PORT$/.test(variable) ? await portOf(value) : value;
  }
  const probe = service.healthcheck?.test
    ?.slice(1)
    .map((word) =>
      word.replace(/127\.0\.0\.1:(\d+)/, (_match, port: string) => `127.0.0.1:${ports.get(port) ?? port}`),
    );
  return { argv, env, probe: probe && probe[0] === 'node' ? [process.execPath, ...probe.slice(1)] : probe };
}

function run(argv: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(argv[0], argv.slice(1), { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
}

beforeAll(() => {
  ensureDist();
  fs.mkdirSync(home);
  // The local stack's keys, so that what these processes sign and encrypt is what the shared stack's other
  // clients accept; the init copies them into one directory per key, as it does into the compose volumes.
  fs.cpSync(path.join(stackPaths().stateDir, 'secrets'), path.join(root, 'all', 'secrets'), { recursive: true });
}, 400_000);
afterAll(() => {
  processes.stopAll();
  fs.rmSync(root, { recursive: true, force: true });
});

const longRunning = Object.entries(compose.services).filter(
  ([name, service]) => service.build === '.' && !isOneShot(service) && !service.profiles && name !== 'pod',
);

describe('the compose services, started from dist/ with their compose environment', () => {
  it('makes the keys with the keys-init command', () => {
    const argv = programOf(compose.services['keys-init'])!;
    const args = argv.args.map((arg) => arg.replace(/^\/keys/, root));
    const result = run([process.execPath, argv.program, ...args], { HOME: home });
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  it('migrates with the migrate command', async () => {
    const { argv, env } = await translate(compose.services.migrate);
    const result = run(argv, env);
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  it.each(longRunning.map(([name]) => name))(
    'runs %s until its compose healthcheck passes',
    async (name) => {
      const { argv, env, probe } = await translate(compose.services[name]);
      const running: DistProcess = processes.start(argv, env);
      await waitUntil(
        `${name}'s healthcheck (${probe?.join(' ')})`,
        async () => run(probe!, process.env).status === 0,
        running,
      );
    },
    120_000,
  );
});
