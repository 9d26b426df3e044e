import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TOPICS } from '../../common/contract';
import { requestDeletion } from '../../client/request-deletion';
import type { RunningFleet } from '../../services/fleet/fleet';
import {
  config,
  e2eWorkerConfig,
  previews,
  secret,
  seed,
  startE2eFleet,
  temporalClient,
  topicMessages,
  uniqueTenant,
} from './e2e-stack';

const repo = path.resolve(__dirname, '../..');
const workerConfigFile = path.join(os.tmpdir(), `tdel-e2e-worker-${randomUUID()}.json`);
let fleet: RunningFleet;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });

/** Every worker process started, so that a failed test cannot leave one polling the shared queues. */
const workerProcesses: ChildProcess[] = [];

/** `npm run worker` as its own process group, so that SIGKILL takes tsx and node alike. */
function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(path.join(repo, 'node_modules/.bin/tsx'), ['workers/main.ts', '--config', workerConfigFile], {
    cwd: repo,
    detached: true,
    // The blast-radius cap counts the whole day's test runs too: capping is the guard-rail tests' business.
    env: {
      ...process.env,
      SERVICE_TOKEN_SECRET: secret,
      TENANT_REGISTRY_URL: fleet.registryUrl,
      BLAST_RADIUS_MAX_WHOLE_TENANT: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workerProcesses.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('workers polling')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before polling:\n${output}`)));
  });
}

beforeAll(async () => {
  // Every call to a service is slowed, so that the kill lands mid-deletion.
  fleet = await startE2eFleet({ faults: { latencyMs: 600 } });
  temporal = await temporalClient();
  fs.writeFileSync(workerConfigFile, JSON.stringify(e2eWorkerConfig()));
}, 120_000);
afterAll(async () => {
  for (const child of workerProcesses) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already: the test stopped it.
    }
  }
  await temporal?.close();
  await fleet?.close();
  await db.end();
  fs.rmSync(workerConfigFile, { force: true });
});

describe('a worker SIGKILLed mid-deletion', () => {
  it('is restarted and the deletion finishes with correct counts and one finalization', async () => {
    const tenant = uniqueTenant('crash');
    await seed(fleet, tenant, 4_000);
    const seeded = await previews(fleet, tenant);
    let worker = await startWorkerProcess();
    const requestId = `r-${randomUUID()}`;
    const handle = await requestDeletion(temporal.client, {
      requestId,
      tenantId: tenant,
      requestedBy: 'admin-e2e',
      traceId: 'trace-crash',
      gdprMode: false,
      dryRun: false,
    });

    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM service_deletion_requests WHERE deletion_request_id = $1 AND status = 'COMPLETED'`,
        [requestId],
      );
      if (rows[0].n >= 3) break;
      if (Date.now() > deadline) throw new Error('no progress before the kill');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-worker.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    worker = await startWorkerProcess();
    try {
      const result = await handle.result();
      expect(result.status).toBe('COMPLETED');
      for (const instance of result.instances) {
        const deleted = Object.values(instance.deletedCounts).reduce((sum, n) => sum + n, 0);
        expect([instance.serviceInstanceId, deleted]).toEqual([
          instance.serviceInstanceId,
          seeded[instance.serviceInstanceId],
        ]);
      }
      expect(Object.values(await previews(fleet, tenant)).every((total) => total === 0)).toBe(true);
      const lifecycle = await topicMessages(TOPICS.lifecycleEvents, tenant, 2);
      const distinct = new Map(lifecycle.map((m) => [m.eventId, m.value.type]));
      expect([...distinct.values()].sort()).toEqual(['TENANT_DELETED', 'TENANT_EMPTY']);
    } finally {
      process.kill(-worker.pid!, 'SIGTERM');
    }
  }, 240_000);
});
