import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requestDeletion } from '@tenant-deletion/client';
import type { RunningFleet } from '../../services/fleet/fleet';
import { PROGRAMS } from '../../scripts/build/programs';
import { e2eWorkerConfig, seed, startE2eFleet, temporalClient, uniqueTenant } from '../e2e/e2e-stack';
import { answers, DistProcesses, ensureDist, freePort, REPO, waitUntil } from './dist-process';

/**
 * `npm run build`, then each program with plain `node dist/...` against the real local stack (Temporal, Kafka,
 * PostgreSQL; the e2e fleet in this process): `--help` of every one, the worker deleting a tenant with the
 * prebuilt workflow bundle, the API, the bridge and the codec server answering their health endpoints, the
 * migrations and the keys' init doing their work.
 */

const distOf = (entry: string) => path.join('dist', entry.replace(/\.ts$/, '.js'));
const processes = new DistProcesses();
let buildOutput = '';
let fleet: RunningFleet;

beforeAll(async () => {
  buildOutput = ensureDist(true);
  fleet = await startE2eFleet();
}, 400_000);
afterAll(async () => {
  processes.stopAll();
  await fleet?.close();
});

describe('npm run build', () => {
  it('compiles every program, copies its assets and prebuilds the workflow bundles, leaving no sources', () => {
    expect(buildOutput).toMatch(/built \d+ programs, \d+ assets and 4 workflow bundles/);
    for (const { entry } of PROGRAMS)
      expect([entry, fs.existsSync(path.join(REPO, distOf(entry)))]).toEqual([entry, true]);
    for (const file of [
      'workers/worker-config.json',
      'workers/workflow-bundle.codec-off.js',
      'workers/workflow-bundle.traced.js',
      'common/encrypted-failure-converter.cjs',
    ])
      expect([file, fs.existsSync(path.join(REPO, 'dist', file))]).toEqual([file, true]);
    expect(fs.readdirSync(path.join(REPO, 'dist/db/migrations'))).toEqual(
      fs.readdirSync(path.join(REPO, 'db/migrations')),
    );
    // Nothing to bundle workflows from: a worker that polls used the prebuilt bundle.
    expect(fs.existsSync(path.join(REPO, 'dist/workflows'))).toBe(false);
  });

  it.each(PROGRAMS.map(({ entry }) => entry))('starts %s with plain node (--help)', (entry) => {
    const result = spawnSync(process.execPath, [distOf(entry), '--help'], { cwd: REPO, encoding: 'utf8' });
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^Usage: /);
  });

  it('applies the migrations from dist/db/migrations', () => {
    const result = spawnSync(process.execPath, ['dist/db/cli.js', 'up'], { cwd: REPO, encoding: 'utf8' });
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/no migrations to run|up: /);
  });

  it('makes every key with the init', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-keys-'));
    try {
      const run = () =>
        spawnSync(process.execPath, ['dist/scripts/keys/init.js', '--state-dir', `${root}/all`, '--root', root], {
          cwd: REPO,
          encoding: 'utf8',
        });
      const first = run();
      expect([first.status, first.stderr]).toEqual([0, '']);
      const key = fs.readFileSync(path.join(root, 'service-token/service-token-key.pem'), 'utf8');
      expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(fs.statSync(path.join(root, 'service-token/service-token-key.pem')).mode & 0o777).toBe(0o600);
      // A second run keeps the keys.
      expect(run().status).toBe(0);
      expect(fs.readFileSync(path.join(root, 'service-token/service-token-key.pem'), 'utf8')).toBe(key);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs the worker from dist/ with the prebuilt bundle until a deletion completes', async () => {
    const configFile = path.join(os.tmpdir(), `tdel-build-worker-${randomUUID()}.json`);
    fs.writeFileSync(configFile, JSON.stringify(e2eWorkerConfig()));
    const healthPort = await freePort();
    const temporal = await temporalClient();
    try {
      const started = Date.now();
      const worker = processes.start(
        [process.execPath, 'dist/workers/main.js', '--config', configFile, '--health-port', String(healthPort)],
        { ...process.env, TENANT_REGISTRY_URL: fleet.registryUrl, BLAST_RADIUS_MAX_WHOLE_TENANT: '1000000' },
      );
      await waitUntil('worker polling', async () => worker.output().includes('workers polling'), worker);
      console.log(`worker from dist/ polling in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(await answers(`http://127.0.0.1:${healthPort}/livez`)).toBe(true);
      const tenant = uniqueTenant('build');
      await seed(fleet, tenant, 200);
      const handle = await requestDeletion(temporal.client, {
        requestId: `r-${randomUUID()}`,
        tenantId: tenant,
        requestedBy: 'admin-build-test',
        traceId: 'trace-build',
        gdprMode: false,
        dryRun: false,
      });
      const result = await handle.result();
      expect(result.status).toBe('COMPLETED');
      expect(result.instances.length).toBeGreaterThan(0);
    } finally {
      processes.stopAll();
      await temporal.close();
      fs.rmSync(configFile, { force: true });
    }
  }, 180_000);

  it.each([
    ['the deletion API', 'dist/client/api/main.js', 'API_PORT', '/healthz'],
    ['the Kafka bridge', 'dist/client/bridge/main.js', 'BRIDGE_PORT', '/readyz'],
    ['the codec server', 'dist/client/codec-server/main.js', 'CODEC_SERVER_PORT', '/healthz'],
  ])(
    'runs %s from dist/ until it answers %s',
    async (_name, program, portVariable, probe) => {
      const port = await freePort();
      const running = processes.start([process.execPath, program], {
        ...process.env,
        [portVariable]: String(port),
        TENANT_REGISTRY_URL: fleet.registryUrl,
      });
      try {
        await waitUntil(program, () => answers(`http://127.0.0.1:${port}${probe}`), running);
      } finally {
        processes.stopAll();
      }
    },
    120_000,
  );
});
