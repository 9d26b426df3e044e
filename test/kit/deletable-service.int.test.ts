/**
 * Needs the local stack's PostgreSQL: a throwaway database with the bakery schema, a kit service
 * started on it, and real HTTP. Covers the contract's preview and DELETE in one transaction, shared
 * rows, files, auth, id validation, legal holds, idempotency, the write guard, fault knobs and logs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import pino from 'pino';
import { ADMIN_TOKEN_ISSUER, TOKEN_ISSUER, type Scope } from '@tenant-deletion/contract/service-token';
import type { RunningDeletableService } from '../../services/kit/deletable-service';
import { startDeletableService } from '../../services/kit/deletable-service';
import { FaultInjector } from '../../services/kit/faults';
import { BAKERY_DEFINITION, BAKERY_SCHEMA, expectedCounts, seedTenant, tableSizes } from './bakery-schema';
import { kitClient } from './kit-http';
import { testTokens } from './test-tokens';
import { createTestDatabase, type TestDatabase } from './kit-test-db';

const tokens = testTokens();
const call = kitClient(tokens, 'bakery');
const logLines: string[] = [];
const sentTokens: string[] = [];
const suspended = new Set<string>();
let registryDown = false;

let db: TestDatabase;
let fileRoot: string;
let service: RunningDeletableService;

const SHAPE = { customers: 3, ordersPerCustomer: 2, itemsPerOrder: 2 };

function tenantUrl(tenantId: string, suffix = ''): string {
  return `${service.baseUrl}/tenant/${encodeURIComponent(tenantId)}${suffix}`;
}

async function seedWithFiles(tenantId: string): Promise<void> {
  await seedTenant(db.pool, tenantId, SHAPE);
  await mkdir(path.join(fileRoot, tenantId), { recursive: true });
  for (const name of ['model-1.bin', 'model-2.bin']) {
    await writeFile(path.join(fileRoot, tenantId, name), 'weights');
    await db.pool.query('INSERT INTO model_files (tenant_id, path) VALUES ($1, $2)', [tenantId, `${tenantId}/${name}`]);
  }
  // A row whose file was never written: it counts 0 and is no error.
  await db.pool.query('INSERT INTO model_files (tenant_id, path) VALUES ($1, $2)', [
    tenantId,
    `${tenantId}/missing.bin`,
  ]);
}

beforeAll(async () => {
  db = await createTestDatabase(BAKERY_SCHEMA);
  fileRoot = await mkdtemp(path.join(tmpdir(), 'kit-files-'));
  const logger = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
  service = await startDeletableService({
    definition: BAKERY_DEFINITION,
    databaseUrl: db.url,
    port: 0,
    tokens: tokens.verifier,
    fileRoot,
    logger,
    faults: new FaultInjector(),
    isSuspended: async (tenantId) => {
      if (registryDown) throw new Error('registry unreachable');
      return suspended.has(tenantId);
    },
  });
});

afterAll(async () => {
  await service?.close();
  await db?.drop();
  if (fileRoot) await rm(fileRoot, { recursive: true, force: true });
});

describe('the plan derived at start-up', () => {
  it('plans every tenant table, children before parents, and leaves excluded and unrelated tables out', () => {
    const order = service.plan.tables.map((table) => table.name);
    expect(new Set(order)).toEqual(
      new Set([
        'customers',
        'orders',
        'order_items',
        'order_item_notes',
        'note_attachments',
        'order_status_history',
        'categories',
        'products',
        'weather_observations',
        'notification_templates',
        'model_files',
        'audit_log',
      ]),
    );
    const before = (child: string, parent: string) => expect(order.indexOf(child)).toBeLessThan(order.indexOf(parent));
    before('note_attachments', 'order_item_notes');
    before('order_item_notes', 'order_items');
    before('order_items', 'orders');
    before('order_status_history', 'orders');
    before('orders', 'customers');
    before('products', 'categories');
    expect(service.plan.tables.find((table) => table.name === 'note_attachments')?.reach).toBe('indirect');
  });

  it('warns at start-up about indexes whose absence would make deletion scan whole tables', () => {
    const advice = logLines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'missing index slows deletion')
      .map((entry) => entry.advice as string);
    expect(advice).toEqual(
      expect.arrayContaining([
        expect.stringContaining('index "weather_observations" (tenant_id)'),
        expect.stringContaining('index "audit_log" (tenant_id)'),
      ]),
    );
    expect(advice.join('\n')).not.toMatch(/"orders" \(|"order_items" \(|"order_status_history" \(/);
  });
});

describe('preview and DELETE', () => {
  const a = 'tenant-a.1';
  const b = 'tenant-b:2';

  beforeAll(async () => {
    await seedWithFiles(a);
    await seedWithFiles(b);
  });

  it('previews every planned table and the files, deleting nothing', async () => {
    const expected = await expectedCounts(db.pool, a);
    const sizes = await tableSizes(db.pool);
    const preview = await call<{ counts: Record<string, number>; total: number; timestamp: string }>(
      'GET',
      tenantUrl(a, '/deletion-preview'),
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ tenant_id: a, service_name: 'bakery' });
    expect(preview.body.counts).toEqual({ ...expected, model_files_on_disk: 2 });
    expect(preview.body.total).toBe(Object.values(expected).reduce((sum, n) => sum + n, 0) + 2);
    expect(Date.parse(preview.body.timestamp)).not.toBeNaN();
    expect(await tableSizes(db.pool)).toEqual(sizes);
  });

  it("deletes all of one tenant's rows and files, and none of another's or the shared ones", async () => {
    const expected = await expectedCounts(db.pool, a);
    const otherBefore = await expectedCounts(db.pool, b);
    const sizes = await tableSizes(db.pool);

    const deleted = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl(a));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ tenant_id: a, service_name: 'bakery', success: true, errors: [] });
    expect(deleted.body.deleted_counts).toEqual({ ...expected, model_files_on_disk: 2 });

    expect(Object.values(await expectedCounts(db.pool, a)).every((n) => n === 0)).toBe(true);
    expect(await expectedCounts(db.pool, b)).toEqual(otherBefore);
    const after = await tableSizes(db.pool);
    for (const [table, n] of Object.entries(expected)) expect(after[table]).toBe(sizes[table] - n);
    expect(after.cities).toBe(sizes.cities);
    expect(after.report_cache).toBe(sizes.report_cache);

    const shared = await db.pool.query(
      `SELECT (SELECT count(*) FROM categories WHERE tenant_id IS NULL)::int AS system_categories,
              (SELECT count(*) FROM weather_observations WHERE tenant_id IS NULL)::int AS city_weather,
              (SELECT count(*) FROM notification_templates WHERE is_system)::int AS system_templates`,
    );
    // One system template with no tenant, and one marked is_system for each of the two tenants.
    expect(shared.rows[0]).toEqual({ system_categories: 1, city_weather: 4, system_templates: 3 });
    expect(existsSync(path.join(fileRoot, a, 'model-1.bin'))).toBe(false);
    expect(existsSync(path.join(fileRoot, b, 'model-1.bin'))).toBe(true);
  });

  it('answers a repeat with 200 and zero counts, and the preview shows zero', async () => {
    const repeat = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl(a), {
      headers: { 'content-type': 'application/json' },
    });
    expect(repeat.status).toBe(200);
    expect(Object.keys(repeat.body.deleted_counts)).toContain('model_files_on_disk');
    expect(Object.values(repeat.body.deleted_counts).every((n) => n === 0)).toBe(true);
    const preview = await call('GET', tenantUrl(a, '/deletion-preview'));
    expect(preview.body.total).toBe(0);
  });

  it('answers an unknown tenant with 200 and zero counts', async () => {
    const answer = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl('never-heard-of'));
    expect(answer.status).toBe(200);
    expect(Object.values(answer.body.deleted_counts).every((n) => n === 0)).toBe(true);
  });
});

describe('a deletion the database refuses', () => {
  it('answers 500 naming the constraint, and the one transaction leaves everything in place', async () => {
    const tenant = 'tenant-referenced';
    await seedTenant(db.pool, tenant, SHAPE);
    // Another tenant's order pointing at this tenant's customer: a data bug the kit must not paper over.
    await db.pool.query(
      `INSERT INTO orders (tenant_id, customer_id) SELECT 'tenant-elsewhere', id FROM customers WHERE tenant_id = $1 LIMIT 1`,
      [tenant],
    );
    const before = await expectedCounts(db.pool, tenant);
    const answer = await call<{ error: { code: string; message: string } }>('DELETE', tenantUrl(tenant));
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('DATABASE_ERROR');
    expect(answer.body.error.message).toContain('orders_customer_id_fkey');
    expect(await expectedCounts(db.pool, tenant)).toEqual(before);
    await db.pool.query(`DELETE FROM orders WHERE tenant_id = 'tenant-elsewhere'`);
  });
});

describe('auth', () => {
  const tenant = 'tenant-auth';
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(() => seedTenant(db.pool, tenant, SHAPE));

  /** A token built by hand, signed with the orchestrator's own key unless the case says otherwise. */
  async function token(build: (jwt: SignJWT) => SignJWT, signer = tokens.signers[TOKEN_ISSUER]): Promise<string> {
    const jwt = build(
      new SignJWT({ scope: 'tenant-data:delete' })
        .setProtectedHeader({ alg: 'EdDSA', kid: signer.keyId })
        .setIssuer(TOKEN_ISSUER)
        .setAudience('bakery')
        .setSubject('kit-test')
        .setIssuedAt(),
    );
    const signed = await jwt.sign(signer.privateKey);
    sentTokens.push(signed);
    return signed;
  }

  it.each([
    ['no token', async () => null, 401],
    ['an expired token', () => token((jwt) => jwt.setIssuedAt(now() - 120).setExpirationTime(now() - 60)), 401],
    ['a token for another service', () => token((jwt) => jwt.setAudience('orders').setExpirationTime('60s')), 403],
    ['a preview token', () => tokens.mint('bakery', 'tenant-data:preview'), 403],
    ['a legal-hold admin token', () => tokens.mint('bakery', 'legal-hold:admin'), 403],
    [
      'a token claiming the orchestrator as issuer but signed with the admin key',
      () => token((jwt) => jwt.setExpirationTime('60s'), { ...tokens.signers[ADMIN_TOKEN_ISSUER], keyId: 'x' }),
      401,
    ],
    [
      'a delete scope granted by the admin authority',
      () =>
        token((jwt) => jwt.setIssuer(ADMIN_TOKEN_ISSUER).setExpirationTime('60s'), tokens.signers[ADMIN_TOKEN_ISSUER]),
      403,
    ],
    [
      'a token from an unknown issuer',
      () => token((jwt) => jwt.setIssuer('someone-else').setExpirationTime('60s')),
      401,
    ],
    [
      'an HS256 token',
      async () => {
        const signed = await new SignJWT({ scope: 'tenant-data:delete' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(TOKEN_ISSUER)
          .setAudience('bakery')
          .setSubject('kit-test')
          .setIssuedAt()
          .setExpirationTime('60s')
          .sign(new TextEncoder().encode(randomBytes(32).toString('hex')));
        sentTokens.push(signed);
        return signed;
      },
      401,
    ],
    ['a token living longer than 5 minutes', () => token((jwt) => jwt.setExpirationTime('10m')), 401],
  ])('refuses %s on DELETE and deletes nothing', async (_name, makeToken, status) => {
    const before = await expectedCounts(db.pool, tenant);
    const answer = await call<{ error: { code: string; message: string } }>('DELETE', tenantUrl(tenant), {
      token: await makeToken(),
    });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    expect(answer.body.error.message.length).toBeGreaterThan(0);
    expect(await expectedCounts(db.pool, tenant)).toEqual(before);
  });

  it('guards preview, admin and job routes too, but not /healthz', async () => {
    expect((await call('GET', tenantUrl(tenant, '/deletion-preview'), { token: null })).status).toBe(401);
    expect((await call('PUT', `${service.baseUrl}/admin/faults`, { token: null, body: { errorRate: 1 } })).status).toBe(
      401,
    );
    expect(
      (await call('PUT', `${service.baseUrl}/admin/legal-holds/${tenant}`, { token: null, body: { reason: 'x' } }))
        .status,
    ).toBe(401);
    const health = await call('GET', `${service.url}/healthz`, { token: null });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', service: 'bakery' } });
  });

  it("refuses a token on every route but its scope's", async () => {
    const jobUrl = `${service.baseUrl}/deletions/${randomUUID()}`;
    const routes: [string, string, Scope, unknown?][] = [
      ['GET', tenantUrl(tenant, '/deletion-preview'), 'tenant-data:preview'],
      ['DELETE', tenantUrl(tenant), 'tenant-data:delete'],
      ['GET', jobUrl, 'tenant-data:delete'],
      ['GET', `${service.baseUrl}/admin/legal-holds/${tenant}`, 'legal-hold:admin'],
      ['DELETE', `${service.baseUrl}/admin/legal-holds/${tenant}`, 'legal-hold:admin'],
      ['PUT', `${service.baseUrl}/admin/faults`, 'kit:faults', { errorRate: 1 }],
      ['GET', `${service.baseUrl}/admin/request-counts`, 'kit:faults'],
    ];
    const before = await expectedCounts(db.pool, tenant);
    const scopes: Scope[] = ['tenant-data:preview', 'tenant-data:delete', 'legal-hold:admin', 'kit:faults'];
    for (const [method, url, needed, body] of routes) {
      for (const scope of scopes.filter((other) => other !== needed)) {
        const answer = await call<{ error: { code: string; message: string } }>(method, url, { scope, body });
        expect([method, url, scope, answer.status, answer.body.error.message]).toEqual([
          method,
          url,
          scope,
          403,
          `token lacks scope ${needed}`,
        ]);
      }
    }
    expect(await expectedCounts(db.pool, tenant)).toEqual(before);
    expect((await call('GET', `${service.baseUrl}/admin/faults`)).body).toMatchObject({ errorRate: 0 });
  });
});

describe('ids', () => {
  const tenant = 'tenant-ids';
  beforeAll(() => seedTenant(db.pool, tenant, SHAPE));

  it.each(["a'; DROP TABLE customers;--", '../etc', 'x'.repeat(65), 'tenant 1', 'tenant/1', 'tenänt'])(
    'answers 400 for %j before any SQL runs',
    async (badId) => {
      const sizes = await tableSizes(db.pool);
      for (const [method, suffix] of [
        ['GET', '/deletion-preview'],
        ['DELETE', ''],
        ['POST', '/audit-events'],
      ]) {
        const answer = await call<{ error: { code: string } }>(method, tenantUrl(badId, suffix), {
          body: method === 'POST' ? { action: 'x' } : undefined,
        });
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('INVALID_TENANT_ID');
      }
      const hold = await call('PUT', `${service.baseUrl}/admin/legal-holds/${encodeURIComponent(badId)}`, {
        body: { reason: 'r' },
      });
      expect(hold.status).toBe(400);
      expect(await tableSizes(db.pool)).toEqual(sizes);
    },
  );

  it('accepts a 64-character id and refuses a bad job id and a bad Idempotency-Key', async () => {
    expect((await call('GET', tenantUrl('x'.repeat(64), '/deletion-preview'))).status).toBe(200);
    expect((await call('GET', `${service.baseUrl}/deletions/not-a-uuid`)).status).toBe(400);
    const badKey = await call<{ error: { code: string } }>('DELETE', tenantUrl(tenant), {
      headers: { 'idempotency-key': 'a b' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect((await expectedCounts(db.pool, tenant)).orders).toBe(6);
  });
});

describe('legal holds', () => {
  const tenant = 'tenant-held';
  beforeAll(() => seedTenant(db.pool, tenant, SHAPE));

  it('answers 409 while held, naming who placed it, deleting nothing, and 200 once lifted', async () => {
    const holdUrl = `${service.baseUrl}/admin/legal-holds/${tenant}`;
    const placed = await call('PUT', holdUrl, { body: { reason: 'litigation 2026-17' }, subject: 'counsel-7' });
    expect(placed).toMatchObject({ status: 200, body: { tenant_id: tenant, held: true, placed_by: 'counsel-7' } });
    // Re-worded by someone else: the first placer and time stay.
    const reworded = await call('PUT', holdUrl, { body: { reason: 'litigation 2026-17b' }, subject: 'counsel-8' });
    expect(reworded.body).toMatchObject({ placed_by: 'counsel-7', placed_at: placed.body.placed_at });
    expect((await call('GET', holdUrl)).body).toMatchObject({ held: true, placed_by: 'counsel-7' });

    const before = await expectedCounts(db.pool, tenant);
    const refused = await call<{ error: Record<string, string> }>('DELETE', tenantUrl(tenant), {
      headers: { 'idempotency-key': 'req-held-1' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'LEGAL_HOLD',
      held_by: 'counsel-7',
      held_since: placed.body.placed_at,
    });
    expect(refused.body.error.message).toContain('placed by counsel-7');
    expect(await expectedCounts(db.pool, tenant)).toEqual(before);
    expect((await call('GET', tenantUrl(tenant, '/deletion-preview'))).body.total).toBeGreaterThan(0);

    const lifted = await call('DELETE', holdUrl, { subject: 'counsel-9' });
    expect(lifted.body).toMatchObject({ held: false, lifted: true, lifted_by: 'counsel-9' });
    const history = await call<{ held: boolean; lifted_holds: Record<string, unknown>[] }>('GET', holdUrl);
    expect(history.body.held).toBe(false);
    expect(history.body.lifted_holds[0]).toMatchObject({
      reason: 'litigation 2026-17b',
      placed_by: 'counsel-7',
      placed_at: placed.body.placed_at,
      lifted_by: 'counsel-9',
      lifted_at: lifted.body.lifted_at,
    });
    expect((await call('DELETE', holdUrl)).body).toEqual({ tenant_id: tenant, held: false, lifted: false });
    // The same request retried after the hold: a 409 is never replayed.
    const deleted = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl(tenant), {
      headers: { 'idempotency-key': 'req-held-1' },
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted_counts.orders).toBe(before.orders);
  });

  it('refuses to lift a hold with a deleting token (403), and the hold stays', async () => {
    const holdUrl = `${service.baseUrl}/admin/legal-holds/${tenant}-2`;
    await call('PUT', holdUrl, { body: { reason: 'audit' } });
    const refused = await call<{ error: { code: string } }>('DELETE', holdUrl, { scope: 'tenant-data:delete' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await call('GET', holdUrl)).body.held).toBe(true);
    await call('DELETE', holdUrl);
  });

  it('refuses a hold without a reason', async () => {
    expect((await call('PUT', `${service.baseUrl}/admin/legal-holds/${tenant}`, { body: {} })).status).toBe(400);
  });
});

describe('Idempotency-Key', () => {
  const tenant = 'tenant-idem';
  beforeAll(() => seedTenant(db.pool, tenant, SHAPE));

  it('replays the first answer for the same key and tenant, and refuses the key for another tenant', async () => {
    const headers = { 'idempotency-key': 'req-7f3a:1' };
    const first = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl(tenant), { headers });
    expect(first.status).toBe(200);
    expect(first.body.deleted_counts.orders).toBe(6);

    const replay = await call('DELETE', tenantUrl(tenant), { headers });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');

    const fresh = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl(tenant));
    expect(fresh.body.deleted_counts.orders).toBe(0);

    const reused = await call<{ error: { code: string } }>('DELETE', tenantUrl('tenant-other'), { headers });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('writes', () => {
  const tenant = 'tenant-writes';

  async function auditRows(): Promise<number> {
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1', [tenant]);
    return rows[0].n;
  }

  it('records an audit event, and refuses writes with 423 while the tenant is suspended', async () => {
    const written = await call('POST', tenantUrl(tenant, '/audit-events'), { body: { action: 'price-changed' } });
    expect(written).toMatchObject({ status: 201, body: { tenant_id: tenant, action: 'price-changed' } });
    expect(await auditRows()).toBe(1);

    suspended.add(tenant);
    const refused = await call<{ error: { code: string } }>('POST', tenantUrl(tenant, '/audit-events'), {
      body: { action: 'price-changed' },
    });
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe('TENANT_SUSPENDED');
    expect(await auditRows()).toBe(1);
    suspended.delete(tenant);
  });

  it('fails closed with 503 when the registry cannot say, and 400 on a bad body', async () => {
    registryDown = true;
    const answer = await call('POST', tenantUrl(tenant, '/audit-events'), { body: { action: 'x' } });
    registryDown = false;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect((await call('POST', tenantUrl(tenant, '/audit-events'), { body: { act: 'x' } })).status).toBe(400);
    expect(await auditRows()).toBe(1);
  });
});

describe('fault knobs', () => {
  const faultsUrl = () => `${service.baseUrl}/admin/faults`;
  afterEach(async () => {
    await call('PUT', faultsUrl(), { body: {} });
  });

  it('answers 503 with Retry-After on the tenant endpoints only', async () => {
    const set = await call('PUT', faultsUrl(), { body: { unavailableRate: 1, retryAfterSeconds: 7 } });
    expect(set).toMatchObject({ status: 200, body: { unavailableRate: 1, retryAfterSeconds: 7, errorRate: 0 } });
    const answer = await call<{ error: { code: string } }>('GET', tenantUrl('tenant-faults', '/deletion-preview'));
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.body.error.code).toBe('UNAVAILABLE');
    expect((await call('GET', `${service.url}/healthz`)).status).toBe(200);
    expect((await call('GET', faultsUrl())).status).toBe(200);
  });

  it('answers 429 and 500 at their rates, and turns off again', async () => {
    await call('PUT', faultsUrl(), { body: { rateLimitedRate: 1 } });
    const limited = await call('DELETE', tenantUrl('tenant-faults'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    await call('PUT', faultsUrl(), { body: { errorRate: 1 } });
    expect((await call('GET', tenantUrl('tenant-faults', '/deletion-preview'))).status).toBe(500);
    await call('PUT', faultsUrl(), { body: {} });
    expect((await call('GET', tenantUrl('tenant-faults', '/deletion-preview'))).status).toBe(200);
  });

  it('hangs past a client timeout, and adds latency', async () => {
    await call('PUT', faultsUrl(), { body: { hangRate: 1, hangMs: 1500 } });
    await expect(call('GET', tenantUrl('tenant-faults', '/deletion-preview'), { timeoutMs: 300 })).rejects.toThrow();
    await call('PUT', faultsUrl(), { body: { latencyMs: 250 } });
    const started = Date.now();
    expect((await call('GET', tenantUrl('tenant-faults', '/deletion-preview'))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('refuses knobs that break the schema', async () => {
    expect((await call('PUT', faultsUrl(), { body: { unavailableRate: 2 } })).status).toBe(400);
    expect((await call('PUT', faultsUrl(), { body: { unavailableRate: 0.6, errorRate: 0.6 } })).status).toBe(400);
    expect((await call('PUT', faultsUrl(), { body: { surprise: true } })).status).toBe(400);
  });
});

describe('logs', () => {
  it('carry the trace id, and never a token, an Authorization header or row values', async () => {
    await call('GET', tenantUrl('tenant-logs', '/deletion-preview'), { headers: { 'x-trace-id': 'trace-kit-42' } });
    const traced = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.traceId === 'trace-kit-42');
    expect(traced.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    for (const sent of sentTokens) expect(all).not.toContain(sent);
    expect(all.toLowerCase()).not.toContain('authorization');
    expect(all).not.toContain('Bearer');
    expect(all).not.toContain('rye bread');
    expect(all).not.toContain('litigation 2026-17');
    expect(all).not.toContain('price-changed');
  });
});
