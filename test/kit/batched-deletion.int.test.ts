/**
 * Needs the local stack's PostgreSQL: a throwaway database with the bakery schema and kit services
 * with small thresholds, driven over real HTTP. Covers resumable batches (a crash, then a repeat that
 * reports the total), self-references deleted leaves first, and 202 jobs: polling, a second DELETE,
 * a crashed or paused job resumed by a poll, a legal hold placed mid-job, and an Idempotency-Key replay.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { KitOptions, RunningDeletableService } from '../../services/kit/deletable-service';
import { startDeletableService } from '../../services/kit/deletable-service';
import { FaultInjector } from '../../services/kit/faults';
import { BAKERY_DEFINITION, BAKERY_SCHEMA, expectedCounts, seedTenant, type TenantShape } from './bakery-schema';
import { kitClient, type HttpAnswer } from './kit-http';
import { testTokens } from './test-tokens';
import { createTestDatabase, type TestDatabase } from './kit-test-db';

const tokens = testTokens();
const call = kitClient(tokens, 'bakery');
const SHAPE: TenantShape = { customers: 10, ordersPerCustomer: 5, itemsPerOrder: 4 };

// Each batch of the big tables takes a little while, as on a loaded database, so a job is seen running.
const SLOW_BATCHES = `
  CREATE FUNCTION slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(0.03); RETURN NULL; END $$;
  CREATE TRIGGER slow_batch AFTER DELETE ON note_attachments FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();
  CREATE TRIGGER slow_batch AFTER DELETE ON order_item_notes FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();
  CREATE TRIGGER slow_batch AFTER DELETE ON order_items FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();
`;

let db: TestDatabase;
const services: RunningDeletableService[] = [];

async function start(options: Partial<KitOptions>): Promise<RunningDeletableService> {
  const service = await startDeletableService({
    definition: { ...BAKERY_DEFINITION, files: [] },
    databaseUrl: db.url,
    port: 0,
    tokens: tokens.verifier,
    singleTransactionMaxRows: 100,
    batchSize: 50,
    logger: pino({ level: 'silent' }),
    faults: new FaultInjector(),
    ...options,
  });
  services.push(service);
  return service;
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

async function openRun(tenantId: string): Promise<Record<string, number> | undefined> {
  const { rows } = await db.pool.query(
    "SELECT deleted_counts FROM kit_deletion_runs WHERE tenant_id = $1 AND status = 'running'",
    [tenantId],
  );
  return rows[0]?.deleted_counts;
}

/** Polls a Location until it answers something other than 202. */
async function pollUntilSettled(location: string, limitMs = 30_000): Promise<HttpAnswer> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const answer = await call('GET', location);
    if (answer.status !== 202) return answer;
    if (Date.now() > deadline) throw new Error(`job at ${location} still running after ${limitMs} ms`);
    await sleep(50);
  }
}

beforeAll(async () => {
  db = await createTestDatabase(BAKERY_SCHEMA + SLOW_BATCHES);
});

afterAll(async () => {
  for (const service of services) await service.close();
  await db?.drop();
});

describe('resumable batches', () => {
  let service: RunningDeletableService;
  beforeAll(async () => {
    service = await start({ asyncThresholdRows: 1_000_000, faults: new FaultInjector({ crashAfterBatches: 3 }) });
  });
  afterEach(async () => {
    await call('PUT', `${service.baseUrl}/admin/faults`, { body: {} });
  });

  it('survives crashes mid-way: each repeat resumes, and the last reports the total of all attempts', async () => {
    const tenant = 'tenant-crash';
    const other = 'tenant-bystander';
    await seedTenant(db.pool, tenant, SHAPE);
    await seedTenant(db.pool, other, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    const untouched = await expectedCounts(db.pool, other);
    expect(total(expected)).toBeGreaterThan(500);

    const url = `${service.baseUrl}/tenant/${tenant}`;
    await expect(call('DELETE', url)).rejects.toThrow();
    const progress = (await openRun(tenant))!;
    expect(total(progress)).toBeGreaterThan(0);
    expect(total(progress)).toBeLessThan(total(expected));
    // Exactly what the progress row says is gone: it committed with the rows.
    const left = await expectedCounts(db.pool, tenant);
    for (const table of Object.keys(expected)) expect(expected[table] - left[table]).toBe(progress[table]);

    await expect(call('DELETE', url)).rejects.toThrow();
    expect(total((await openRun(tenant))!)).toBeGreaterThan(total(progress));

    await call('PUT', `${service.baseUrl}/admin/faults`, { body: {} });
    const finished = await call<{ deleted_counts: Record<string, number> }>('DELETE', url);
    expect(finished.status).toBe(200);
    expect(finished.body.deleted_counts).toEqual(expected);
    expect(await openRun(tenant)).toBeUndefined();

    const repeat = await call<{ deleted_counts: Record<string, number> }>('DELETE', url);
    expect(total(repeat.body.deleted_counts)).toBe(0);
    expect((await call('GET', `${url}/deletion-preview`)).body.total).toBe(0);
    expect(await expectedCounts(db.pool, other)).toEqual(untouched);
  });

  it('deletes a deep self-reference leaves first, and rows referencing each other in a loop', async () => {
    const tenant = 'tenant-tree';
    await db.pool.query(
      `WITH RECURSIVE chain(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM chain WHERE n < 160)
       INSERT INTO categories (tenant_id, name) SELECT $1, 'level ' || n FROM chain`,
      [tenant],
    );
    // Each category under the previous one: a chain 160 deep, more than three batches.
    await db.pool.query(
      `UPDATE categories c SET parent_id = p.id FROM categories p
        WHERE c.tenant_id = $1 AND p.tenant_id = $1 AND p.name = 'level ' || (substring(c.name from 7)::int - 1)`,
      [tenant],
    );
    const loop = await db.pool.query<{ id: string }>(
      `INSERT INTO categories (tenant_id, name) VALUES ($1, 'loop a'), ($1, 'loop b') RETURNING id`,
      [tenant],
    );
    const [first, second] = loop.rows.map((row) => row.id);
    await db.pool.query('UPDATE categories SET parent_id = $2 WHERE id = $1', [first, second]);
    await db.pool.query('UPDATE categories SET parent_id = $2 WHERE id = $1', [second, first]);

    const answer = await call<{ deleted_counts: Record<string, number> }>(
      'DELETE',
      `${service.baseUrl}/tenant/${tenant}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.deleted_counts.categories).toBe(162);
    expect((await expectedCounts(db.pool, tenant)).categories).toBe(0);
  });
});

describe('202 jobs', () => {
  let service: RunningDeletableService;
  beforeAll(async () => {
    service = await start({ asyncThresholdRows: 200 });
  });
  afterEach(async () => {
    await call('PUT', `${service.baseUrl}/admin/faults`, { body: {} });
  });

  it('answers 202 with a Location, the same Location to a second DELETE, and 200 with the counts when done', async () => {
    const tenant = 'tenant-async';
    await seedTenant(db.pool, tenant, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    const url = `${service.baseUrl}/tenant/${tenant}`;

    const accepted = await call('DELETE', url);
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${service.baseUrl}/deletions/[0-9a-f-]{36}$`));
    expect(accepted.body).toMatchObject({ tenant_id: tenant, status: 'running', location });

    const second = await call('DELETE', url);
    expect(second.status).toBe(202);
    expect(second.headers.get('location')).toBe(location);

    const running = await call('GET', location);
    expect(running.status).toBe(202);
    expect(running.body).toMatchObject({ status: 'running', tenant_id: tenant, service_name: 'bakery' });

    const done = await pollUntilSettled(location);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ tenant_id: tenant, success: true, errors: [], deleted_counts: expected });
    expect((await call('GET', location)).body).toEqual(done.body);

    const repeat = await call<{ deleted_counts: Record<string, number> }>('DELETE', url);
    expect(repeat.status).toBe(200);
    expect(total(repeat.body.deleted_counts)).toBe(0);
  });

  it('holds a poll sent with Prefer: wait=N until the job ends: one poll answers 200 with the counts', async () => {
    const tenant = 'tenant-async-long-poll';
    await seedTenant(db.pool, tenant, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    const accepted = await call('DELETE', `${service.baseUrl}/tenant/${tenant}`);
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get('location')!;
    expect((await call('GET', location)).status).toBe(202);

    const held = await call('GET', location, { headers: { Prefer: 'wait=30' } });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ tenant_id: tenant, success: true, deleted_counts: expected });
  });

  it('resumes a crashed job when it is polled, until it finishes with the total', async () => {
    const tenant = 'tenant-async-crash';
    await seedTenant(db.pool, tenant, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    await call('PUT', `${service.baseUrl}/admin/faults`, { body: { crashAfterBatches: 2 } });

    const accepted = await call('DELETE', `${service.baseUrl}/tenant/${tenant}`);
    expect(accepted.status).toBe(202);
    const done = await pollUntilSettled(accepted.headers.get('location')!);
    expect(done.status).toBe(200);
    expect(done.body.deleted_counts).toEqual(expected);
    expect(Object.values(await expectedCounts(db.pool, tenant)).every((n) => n === 0)).toBe(true);
  });

  it('stops a job under a legal hold placed mid-way (409 to polls), and finishes it once lifted', async () => {
    const tenant = 'tenant-async-held';
    await seedTenant(db.pool, tenant, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    const holdUrl = `${service.baseUrl}/admin/legal-holds/${tenant}`;

    const accepted = await call('DELETE', `${service.baseUrl}/tenant/${tenant}`);
    await call('PUT', holdUrl, { body: { reason: 'regulator request' } });
    const location = accepted.headers.get('location')!;
    const held = await pollUntilSettled(location);
    expect(held.status).toBe(409);
    expect(total(await expectedCounts(db.pool, tenant))).toBeGreaterThan(0);
    expect((await call('DELETE', `${service.baseUrl}/tenant/${tenant}`)).status).toBe(409);

    await call('DELETE', holdUrl);
    const done = await pollUntilSettled(location);
    expect(done.status).toBe(200);
    expect(done.body.deleted_counts).toEqual(expected);
  });

  it('reports a failed job to a poll with the reason, and retries it on the next poll', async () => {
    const tenant = 'tenant-async-fails';
    await seedTenant(db.pool, tenant, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    await db.pool.query(
      `UPDATE customers SET name = 'locked' WHERE id = (SELECT min(id) FROM customers WHERE tenant_id = $1)`,
      [tenant],
    );
    await db.pool.query(`
      CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'customer deletion refused by the test'; END $$;
      CREATE TRIGGER refuse_delete BEFORE DELETE ON customers FOR EACH ROW
        WHEN (OLD.name = 'locked') EXECUTE FUNCTION refuse_delete();
    `);

    const accepted = await call('DELETE', `${service.baseUrl}/tenant/${tenant}`);
    const location = accepted.headers.get('location')!;
    const failed = await pollUntilSettled(location);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ error: { code: 'DELETION_FAILED' } });
    expect(JSON.stringify(failed.body)).toContain('customer deletion refused by the test');

    await db.pool.query('DROP TRIGGER refuse_delete ON customers; DROP FUNCTION refuse_delete()');
    const done = await pollUntilSettled(location);
    expect(done.status).toBe(200);
    expect(done.body.deleted_counts).toEqual(expected);
  });

  it('replays the 202 for an Idempotency-Key, leading to the same job', async () => {
    const tenant = 'tenant-async-idem';
    await seedTenant(db.pool, tenant, SHAPE);
    const headers = { 'idempotency-key': 'req-async-1' };
    const first = await call('DELETE', `${service.baseUrl}/tenant/${tenant}`, { headers });
    expect(first.status).toBe(202);
    await pollUntilSettled(first.headers.get('location')!);
    const replay = await call('DELETE', `${service.baseUrl}/tenant/${tenant}`, { headers });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect((await call('GET', replay.headers.get('location')!)).status).toBe(200);
  });

  it('answers 404 for a job it never gave', async () => {
    const answer = await call('GET', `${service.baseUrl}/deletions/00000000-0000-4000-8000-000000000000`);
    expect(answer.status).toBe(404);
  });

  it('leaves a job paused by shutdown for the next instance to resume on a poll', async () => {
    const tenant = 'tenant-restart';
    await seedTenant(db.pool, tenant, SHAPE);
    const expected = await expectedCounts(db.pool, tenant);
    const first = await start({ asyncThresholdRows: 200 });
    const accepted = await call('DELETE', `${first.baseUrl}/tenant/${tenant}`);
    expect(accepted.status).toBe(202);
    const jobId = accepted.body.job_id as string;
    await first.close();
    services.splice(services.indexOf(first), 1);
    expect(await openRun(tenant)).toBeDefined();

    const second = await start({ asyncThresholdRows: 200 });
    const done = await pollUntilSettled(`${second.baseUrl}/deletions/${jobId}`);
    expect(done.status).toBe(200);
    expect(done.body.deleted_counts).toEqual(expected);
  });
});
