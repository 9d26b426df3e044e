import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import { readWorkerConfig } from '../../common/worker-config';
import { PROGRAMS } from '../../scripts/build/programs';
import { KEY_FILES, keyPath } from '../../scripts/keys/key-volumes';
import { TOPIC_PARTITIONS } from '../../scripts/stack/kafka-topics';
import { COMPOSE_FILE, isOneShot, mountsOf, probedUrl, programOf, readCompose, variablesRead } from './compose-file';
import { composeSchema, dockerCompose } from './compose-schema';

const compose = readCompose();
const services = Object.entries(compose.services);
const ours = services.filter(([, service]) => service.build === '.');
const longRunning = services.filter(([, service]) => !isOneShot(service));
const KEYS_ROOT = '/keys';

/** Which key directories (scripts/keys/key-volumes.ts) each orchestrator service may mount, and no other. */
const KEYS_HELD: Record<string, string[]> = {
  'keys-init': ['all', 'service-token', 'reader-token', 'admin-token', 'payload-codec', 'certificate', 'public'],
  migrate: [],
  pod: [],
  'worker-orchestration': ['service-token', 'payload-codec', 'certificate', 'public'],
  'worker-fleet': ['service-token', 'payload-codec', 'public'],
  'worker-slow': ['service-token', 'payload-codec', 'public'],
  bridge: ['reader-token', 'payload-codec', 'public'],
  api: ['reader-token', 'payload-codec', 'public'],
  'codec-server': ['payload-codec'],
  fleet: ['reader-token', 'public'],
  'fleet-seed': ['admin-token', 'public'],
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema docker compose uses', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(composeSchema());
    // The file as written (anchors and merges resolved, variables not yet interpolated), as compose-go checks it.
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  (dockerCompose() ? it.each : it.skip.each)([[[]], [['--profile', 'demo']]])(
    'is accepted by docker compose config %j',
    (profile: string[]) => {
      const [command, ...args] = dockerCompose()!;
      const result = spawnSync(command, [...args, '-f', COMPOSE_FILE, ...profile, 'config', '--quiet'], {
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );

  it('publishes the local stack ports on the loopback address only', () => {
    const published = services.flatMap(([, service]) => service.ports ?? []);
    expect(published.sort()).toEqual(
      ['5432', '7233', '8081', '8090', '8233', '9092'].map((port) => `127.0.0.1:${port}:${port}`),
    );
  });

  it('registers every contract search attribute', () => {
    const flags = compose.services.temporal.command!.filter((arg) => arg.startsWith('--search-attribute='));
    expect(flags.sort()).toEqual(
      Object.entries(SEARCH_ATTRIBUTES)
        .map(([name, type]) => `--search-attribute=${name}=${type}`)
        .sort(),
    );
  });

  it("keeps Temporal's database in the volume under the image user's home, and Kafka's logs in its volume", () => {
    const temporalData = mountsOf(compose.services.temporal).find((mount) => mount.volume === 'temporal-data')!;
    expect(temporalData.target).toBe('/home/temporal');
    expect(compose.services.temporal.command).toContain(`--db-filename=${temporalData.target}/temporal.db`);
    const kafkaData = mountsOf(compose.services.kafka).find((mount) => mount.volume === 'kafka-data')!;
    expect(compose.services.kafka.environment!.KAFKA_LOG_DIRS).toBe(kafkaData.target);
  });

  it('wires the codec server into the Web UI at the address the browser reaches it on', () => {
    const codec = compose.services['codec-server'];
    const port = codec.environment!.CODEC_SERVER_PORT;
    expect(codec.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(compose.services.temporal.command).toContain(`--ui-codec-endpoint=http://localhost:${port}`);
    const uiPort = compose.services.temporal.command!.find((arg) => arg.startsWith('--ui-port='))!.split('=')[1];
    expect(codec.environment!.CODEC_SERVER_CORS_ORIGINS).toBe(`http://localhost:${uiPort}`);
  });

  it('creates the contract topics with the same partitions as stack:up', () => {
    const script = compose.services['kafka-topics'].command!.join('\n');
    for (const [topic, partitions] of Object.entries(TOPIC_PARTITIONS))
      expect(script).toContain(`${topic}:${partitions}`);
    expect(compose.services.kafka.environment!.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('authenticates PostgreSQL with a password, the one every DATABASE_URL carries', () => {
    const postgres = compose.services.postgres.environment!;
    expect(postgres).not.toHaveProperty('POSTGRES_HOST_AUTH_METHOD');
    expect(postgres.POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD:-tenant-deletion}');
    for (const [name, service] of ours) {
      const url = service.environment?.DATABASE_URL;
      if (url !== undefined)
        expect([name, url]).toEqual([
          name,
          `postgres://postgres:${postgres.POSTGRES_PASSWORD}@postgres:5432/tenant_deletion`,
        ]);
    }
  });

  it('gives every long-running service a healthcheck and a restart policy, and starts each after what it needs', () => {
    for (const [name, service] of longRunning) {
      expect([name, service.healthcheck?.disable ?? false, (service.healthcheck?.test ?? []).length > 0]).toEqual([
        name,
        false,
        true,
      ]);
      expect([name, service.restart]).toEqual([name, 'unless-stopped']);
    }
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const expected = isOneShot(compose.services[dependency]) ? 'service_completed_successfully' : 'service_healthy';
        expect([name, dependency, condition]).toEqual([name, dependency, expected]);
      }
    }
  });

  it('runs each orchestrator service as a program npm run build compiles, probing its own health port', () => {
    const built = PROGRAMS.map(({ entry }) => `dist/${entry.replace(/\.ts$/, '.js')}`);
    for (const [name, service] of ours) {
      const run = programOf(service);
      if (name === 'pod') continue;
      expect([name, built.includes(run?.program ?? '')]).toEqual([name, true]);
    }
    const probes = longRunning.flatMap(([name, service]) => {
      const url = probedUrl(service.healthcheck);
      return url ? [[name, url] as const] : [];
    });
    // The services sharing the pod's network namespace each probe a port of their own.
    const podPorts = probes.filter(([name]) => compose.services[name].network_mode === 'service:pod');
    expect(new Set(podPorts.map(([, url]) => url.port)).size).toBe(podPorts.length);
    for (const [name, url] of probes) {
      const service = compose.services[name];
      const args = programOf(service)?.args ?? [];
      const env = service.environment ?? {};
      const port =
        args[args.indexOf('--health-port') + 1] ??
        env.BRIDGE_PORT ??
        env.API_PORT ??
        env.CODEC_SERVER_PORT ??
        (name === 'fleet' ? 8100 : undefined);
      expect([name, url.hostname, url.port]).toEqual([name, '127.0.0.1', String(port)]);
    }
  });

  it('runs one worker service per group of workers/worker-config.json', () => {
    const groups = Object.keys(readWorkerConfig(path.resolve(__dirname, '../../workers/worker-config.json')).groups);
    const workers = ours.filter(([, service]) => programOf(service)?.program === 'dist/workers/main.js');
    expect(workers.map(([name]) => name).sort()).toEqual(groups.map((group) => `worker-${group}`).sort());
    for (const [name, service] of workers) {
      const { args } = programOf(service)!;
      expect(args.slice(0, 2)).toEqual(['--group', name.replace(/^worker-/, '')]);
      // Draining takes up to shutdownGraceSeconds (60) plus the 30 s margin.
      expect([name, (service as { stop_grace_period?: string }).stop_grace_period]).toEqual([name, '90s']);
    }
  });

  it('sets only variables the program reads', () => {
    for (const [name, service] of ours) {
      const run = programOf(service);
      const known = run ? variablesRead(run.program) : new Set<string>();
      const unknown = Object.keys(service.environment ?? {}).filter((variable) => !known.has(variable));
      expect([name, unknown]).toEqual([name, []]);
    }
  });

  it('points every key variable at a file the init service writes, in a volume the service mounts read-only', () => {
    const init = mountsOf(compose.services['keys-init']);
    for (const [name, service] of ours) {
      if (name === 'keys-init') continue;
      const mounts = mountsOf(service);
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (!String(value).startsWith(`${KEYS_ROOT}/`)) continue;
        const key = KEY_FILES.find((file) => keyPath(KEYS_ROOT, file) === value);
        expect([name, variable, key?.variable]).toEqual([name, variable, variable]);
        const mount = mounts.find((entry) => entry.target === path.dirname(String(value)));
        const written = init.find((entry) => entry.target === path.dirname(String(value)));
        expect([name, variable, mount?.volume, mount?.readOnly]).toEqual([name, variable, written?.volume, true]);
      }
    }
  });

  it('gives each process the key volumes it holds and no other', () => {
    const keyVolumes = new Map(mountsOf(compose.services['keys-init']).map((mount) => [mount.volume, mount.target]));
    for (const [name, service] of ours) {
      const held = mountsOf(service)
        .filter((mount) => keyVolumes.has(mount.volume))
        .map((mount) => path.basename(keyVolumes.get(mount.volume)!));
      expect([name, held.sort()]).toEqual([name, [...(KEYS_HELD[name] ?? ['(not listed)'])].sort()]);
    }
  });

  it('mounts each key volume where the image made that directory for the node user', () => {
    const dockerfile = fs.readFileSync(path.resolve(__dirname, '../../Dockerfile'), 'utf8');
    const made = /RUN mkdir -p ([^&]+)&&/
      .exec(dockerfile)![1]
      .split(/\s+|\\/)
      .filter((word) => word.startsWith('/'));
    const targets = mountsOf(compose.services['keys-init']).map((mount) => mount.target);
    expect(made.sort()).toEqual(targets.sort());
    expect(targets.sort()).toEqual(
      [...new Set([...KEY_FILES.map((key) => `${KEYS_ROOT}/${key.dir}`), `${KEYS_ROOT}/all`])].sort(),
    );
    expect(compose.services['keys-init'].command).toEqual(
      expect.arrayContaining(['--state-dir', `${KEYS_ROOT}/all`, '--root', KEYS_ROOT]),
    );
  });

  it('puts the demo fleet and its seeder behind the demo profile, and nothing else', () => {
    const profiled = services
      .filter(([, service]) => service.profiles)
      .map(([name, service]) => [name, service.profiles]);
    expect(profiled).toEqual([
      ['fleet', ['demo']],
      ['fleet-seed', ['demo']],
    ]);
  });
});
