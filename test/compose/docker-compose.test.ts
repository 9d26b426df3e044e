import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import { TOPIC_PARTITIONS } from '../../scripts/stack/kafka-topics';

const file = path.resolve(__dirname, '../../docker-compose.yml');
// `merge`: the services extend the shared environment with `<<: *orchestrator-env`, as docker compose reads it.
const compose = parse(fs.readFileSync(file, 'utf8'), { merge: true });
const hasDockerCompose = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  it('publishes the local stack ports', () => {
    const published = Object.values<{ ports?: string[] }>(compose.services).flatMap((service) => service.ports ?? []);
    expect(published.sort()).toEqual(['5432:5432', '7233:7233', '8090:8090', '8233:8233', '9092:9092']);
  });

  it('registers every contract search attribute', () => {
    const flags = (compose.services.temporal.command as string[]).filter((arg) =>
      arg.startsWith('--search-attribute='),
    );
    expect(flags.sort()).toEqual(
      Object.entries(SEARCH_ATTRIBUTES)
        .map(([name, type]) => `--search-attribute=${name}=${type}`)
        .sort(),
    );
  });

  it('creates the contract topics with the same partitions as stack:up', () => {
    const script = (compose.services['kafka-topics'].command as string[]).join('\n');
    for (const [topic, partitions] of Object.entries(TOPIC_PARTITIONS))
      expect(script).toContain(`${topic}:${partitions}`);
    expect(compose.services.kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('creates the tenant_deletion database with local trust, as DATABASE_URL expects', () => {
    expect(compose.services.postgres.environment).toMatchObject({
      POSTGRES_DB: 'tenant_deletion',
      POSTGRES_USER: 'postgres',
      POSTGRES_HOST_AUTH_METHOD: 'trust',
    });
  });

  it('runs the worker, bridge and fleet from the Dockerfile with the contract env, worker and bridge beside the fleet', () => {
    for (const name of ['migrate', 'fleet', 'worker', 'bridge']) {
      expect([name, compose.services[name].build]).toEqual([name, '.']);
      expect(Object.keys(compose.services[name].environment).sort()).toEqual(
        expect.arrayContaining([
          'DATABASE_URL',
          'KAFKA_BROKERS',
          'SERVICE_TOKEN_JWKS_URL',
          'TEMPORAL_ADDRESS',
          'TEMPORAL_NAMESPACE',
        ]),
      );
    }
    expect(compose.services.worker.network_mode).toBe('service:fleet');
    for (const name of ['migrate', 'fleet', 'worker', 'bridge', 'api']) {
      expect(compose.services[name].environment).not.toHaveProperty('SERVICE_TOKEN_SECRET');
    }
    expect(compose.services.bridge.network_mode).toBe('service:fleet');
    // The API reaches the registry on the fleet's localhost; the fleet publishes its port.
    expect(compose.services.api).toMatchObject({ build: '.', network_mode: 'service:fleet' });
    expect(compose.services.api.command).toEqual(['npm', 'run', 'api']);
    const scripts = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')).scripts;
    for (const name of ['migrate', 'fleet', 'worker', 'bridge', 'api']) {
      const [, , script] = compose.services[name].command as string[];
      expect([name, script in scripts]).toEqual([name, true]);
    }
  });

  it("gives the orchestrator's private key to the workers alone, the readers' to the fleet, bridge and API", () => {
    const keyOf = (name: string) =>
      Object.keys(compose.services[name].environment).filter((variable) => variable.endsWith('_SIGNING_KEY_FILE'));
    expect(keyOf('worker')).toEqual(['SERVICE_TOKEN_SIGNING_KEY_FILE']);
    for (const name of ['fleet', 'bridge', 'api'])
      expect([name, keyOf(name)]).toEqual([name, ['READER_TOKEN_SIGNING_KEY_FILE']]);
    expect(keyOf('migrate')).toEqual([]);
    // The keys are made before anything that reads them starts.
    expect(compose.services['token-keys'].command).toEqual(['npx', 'tsx', 'scripts/stack/cli.ts', 'token-keys']);
    expect(compose.services.migrate.depends_on['token-keys']).toEqual({ condition: 'service_completed_successfully' });
    for (const name of ['migrate', 'fleet', 'worker', 'bridge', 'api']) {
      expect([name, compose.services[name].volumes]).toEqual([name, ['token-keys:/keys:ro']]);
    }
  });

  (hasDockerCompose ? it : it.skip)('is accepted by docker compose config', () => {
    const result = spawnSync('docker', ['compose', '-f', file, 'config', '--quiet'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
