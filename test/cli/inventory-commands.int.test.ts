/**
 * inventory import/list and preview, spawned as processes against the local stack's PostgreSQL
 * (tenant_deletion.service_instances, `npm run stack:up`). preview runs through Temporal: a real worker process
 * (`npm run worker`, the local stack's keys) previews a stub service started here, which verifies the bearer token
 * against the orchestrator's public JWKS and the preview scope, as the contract says. Each run uses its own tenant
 * ids and removes its rows.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { serviceTokenVerifier, TOKEN_ISSUER, TokenRejected } from '@tenant-deletion/contract/service-token';
import { ensureLocalTokenKeys, tokenAuthorities } from '../../common/service-token-keys';
import { parseWorkerConfig } from '../../common/worker-config';
import type { RunningFleet } from '../../services/fleet/fleet';
import { WorkerProcesses } from '../e2e/worker-processes';
import { json, looksLikeCrash, REPO, tdel } from './run-tdel';

jest.setTimeout(60_000);

const run = `cli-inv-${randomUUID().slice(0, 8)}`;
const tenant = (name: string) => `${run}-${name}`;
const pool = new pg.Pool({ connectionString: loadConfig().DATABASE_URL });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-inventory-'));

afterAll(async () => {
  await pool.query('DELETE FROM service_instances WHERE tenant_id LIKE $1', [`${run}-%`]);
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: unknown): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return target;
}

/** A worker config that serves the stubs' made-up types (cache, app, old, locked, gone), which the shipped one lacks. */
function workerConfig(name: string, serviceTypes: string[]): string {
  return file(name, { groups: { orchestration: { orchestration: true }, stubs: { serviceTypes } } });
}
const STUB_TYPES = {
  WORKER_CONFIG: workerConfig('stub-workers.json', ['orders', 'inventory', 'cache', 'app', 'old', 'locked', 'gone']),
};

async function rowsOf(tenantId: string): Promise<unknown[]> {
  const { rows } = await pool.query(
    'SELECT service_instance_id, base_url FROM service_instances WHERE tenant_id = $1 ORDER BY 1',
    [tenantId],
  );
  return rows;
}

const orders = (tenantId: string, extra: Record<string, unknown> = {}) => ({
  tenantId,
  serviceInstanceId: 'orders-1',
  serviceType: 'orders',
  baseUrl: 'http://localhost:8101/api/v1/orders',
  dependsOn: ['inventory-1'],
  ...extra,
});
const inventory = (tenantId: string) => ({
  tenantId,
  serviceInstanceId: 'inventory-1',
  serviceType: 'inventory',
  baseUrl: 'http://localhost:8102/api/v1/inventory',
  dependsOn: [],
  status: 'ACTIVE',
});

describe('tdel inventory (PostgreSQL tenant_deletion.service_instances)', () => {
  it('imports a valid file row by row, then lists each tenant in the contract shape', async () => {
    const [a, b] = [tenant('a'), tenant('b')];
    const source = file('valid.json', [
      orders(a),
      inventory(a),
      { tenantId: b, serviceInstanceId: 'pos-1', serviceType: 'pos', baseUrl: 'https://pos.example.com/api' },
    ]);
    const imported = await tdel(['inventory', 'import', source]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`0\\s+${a}\\s+orders-1\\s+inserted`));
    expect(imported.stdout).toMatch(new RegExp(`2\\s+${b}\\s+pos-1\\s+inserted`));
    expect(imported.stdout).toContain('imported 3 row(s) for 2 tenant(s): 3 inserted, 0 updated, 0 unchanged');

    const listed = await tdel(['inventory', 'list', a, '--json']);
    expect(listed.code).toBe(0);
    expect(json<unknown[]>(listed)).toEqual([
      {
        serviceInstanceId: 'inventory-1',
        serviceType: 'inventory',
        baseUrl: 'http://localhost:8102/api/v1/inventory',
        dependsOn: [],
        status: 'ACTIVE',
      },
      {
        serviceInstanceId: 'orders-1',
        serviceType: 'orders',
        baseUrl: 'http://localhost:8101/api/v1/orders',
        dependsOn: ['inventory-1'],
        status: 'ACTIVE',
      },
    ]);
    const text = await tdel(['inventory', 'list', b]);
    expect(text.stdout).toMatch(/pos-1\s+pos\s+ACTIVE\s+-\s+https:\/\/pos.example.com\/api/);

    const again = await tdel([
      'inventory',
      'import',
      file('update.json', [orders(a, { baseUrl: 'http://orders:8000/api' }), inventory(a)]),
      '--json',
    ]);
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({
      written: true,
      summary: { rows: 2, invalid: 0, inserted: 0, updated: 1, unchanged: 1, tenants: 1 },
      rows: [
        { index: 0, tenantId: a, serviceInstanceId: 'orders-1', result: 'updated', problems: [] },
        { index: 1, tenantId: a, serviceInstanceId: 'inventory-1', result: 'unchanged', problems: [] },
      ],
    });
  });

  it('refuses a file with bad rows: reports every row and its problems, writes nothing for any tenant', async () => {
    const [c, d] = [tenant('c'), tenant('d')];
    expect((await tdel(['inventory', 'import', file('d.json', [inventory(d)])])).code).toBe(0);
    const before = await rowsOf(d);

    const source = file('bad.json', [
      inventory(c),
      orders(c, { baseUrl: 'ftp://orders' }),
      { ...inventory(d), baseUrl: 'http://changed:1/x' },
      { tenantId: c, serviceInstanceId: 'cache-1', serviceType: 'cache', baseUrl: 'http://c', depends_on: ['x'] },
      { tenantId: c, serviceInstanceId: 'app-1', serviceType: 'app', baseUrl: 'http://a', dependsOn: ['ghost-9'] },
      'not a row',
      { serviceInstanceId: 'x-1', serviceType: 'X', baseUrl: 'http://x' },
    ]);
    const result = await tdel(['inventory', 'import', source], { env: STUB_TYPES });
    expect(looksLikeCrash(result.stderr)).toBe(false);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/1\s+\S+\s+orders-1\s+invalid: baseUrl: must be an http:\/\/ or https:\/\/ URL/);
    expect(result.stdout).toMatch(/3\s+\S+\s+cache-1\s+invalid: unknown field\(s\) depends_on/);
    expect(result.stdout).toMatch(/4\s+\S+\s+app-1\s+invalid: dependsOn names ghost-9/);
    expect(result.stdout).toMatch(/5\s+\?\s+\?\s+invalid: row: must be a JSON object/);
    expect(result.stdout).toMatch(/6\s+\?\s+x-1\s+invalid: tenantId: missing; serviceType: must be 1-50 characters/);
    expect(result.stdout).toMatch(/0\s+\S+\s+inventory-1\s+valid, not written/);
    expect(result.stdout).toContain('refused: 5 of 7 row(s) invalid (rows 1, 3, 4, 5, 6); nothing was written');

    expect(await rowsOf(c)).toEqual([]);
    expect(await rowsOf(d)).toEqual(before);
    const listed = await tdel(['inventory', 'list', c, '--json']);
    expect(listed.code).toBe(3);
    expect(json(listed)).toMatchObject({
      error: { code: 'NOT_FOUND', message: `tenant ${c} has no service instances on record` },
    });
  });

  it('--dry-run validates and writes nothing; - reads standard input', async () => {
    const e = tenant('e');
    const dry = await tdel(['inventory', 'import', file('e.json', [inventory(e)]), '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/inventory-1\s+would be inserted/);
    expect(await rowsOf(e)).toEqual([]);

    const piped = await tdel(['inventory', 'import', '-', '--json'], { input: JSON.stringify([inventory(e)]) });
    expect(piped.code).toBe(0);
    expect(json(piped)).toMatchObject({ file: '-', written: true, summary: { inserted: 1 } });
    expect(await rowsOf(e)).toHaveLength(1);
  });

  it.each([
    ['{ not json', /is not valid JSON/],
    ['{"tenantId": "t"}', /must hold a JSON array of instances/],
    ['[]', /empty array: nothing to import/],
  ])('refuses %s with exit 2', async (content, message) => {
    const result = await tdel(['inventory', 'import', file(`bad-${randomUUID()}.json`, content)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('tdel inventory import refuses service types no worker group serves (issue #15)', () => {
  const SHIPPED = path.join(REPO, 'workers/worker-config.json');
  const billing = (tenantId: string) => ({
    tenantId,
    serviceInstanceId: 'billing-1',
    serviceType: 'billing',
    baseUrl: 'http://localhost:8199/api/v1/billing',
  });

  it('refuses a type no group of workers/worker-config.json lists: exit 2, every row named, nothing written', async () => {
    const [u, v] = [tenant('u'), tenant('v')];
    const source = file('unserved.json', [inventory(u), billing(u), billing(v)]);

    for (const extra of [[], ['--dry-run']]) {
      const result = await tdel(['inventory', 'import', source, ...extra]);
      expect(looksLikeCrash(result.stderr)).toBe(false);
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(
        new RegExp(`1\\s+${u}\\s+billing-1\\s+invalid: serviceType: billing is in no worker group's serviceTypes`),
      );
      expect(result.stdout).toMatch(/0\s+\S+\s+inventory-1\s+valid, not written/);
      expect(result.stdout).toContain('refused: 2 of 3 row(s) invalid (rows 1, 2); nothing was written');
      expect(result.stderr).toContain(
        `error: no worker group in ${SHIPPED} lists service type billing: no worker polls its queue, so its ` +
          "instances' deletions would wait forever; nothing was written:\n" +
          `  billing (queue service-deletion.billing): rows 1 (${u}/billing-1), 2 (${v}/billing-1)\n`,
      );
      expect(result.stderr).toMatch(
        /hint: add each type to the serviceTypes of a group in .*\(groups: orchestration, fleet, slow\)/,
      );
      expect(result.stderr).toContain('--allow-unserved-types');
      // Only unserved rows: the generic "fix the rows" note with an example row would mislead.
      expect(result.stderr).not.toContain('each row:');
    }
    expect(await rowsOf(u)).toEqual([]);
    expect(await rowsOf(v)).toEqual([]);

    const document = await tdel(['inventory', 'import', source, '--json']);
    expect(document.code).toBe(2);
    expect(json(document)).toMatchObject({
      written: false,
      summary: { rows: 3, invalid: 2 },
      workerConfig: SHIPPED,
      unservedServiceTypes: [{ serviceType: 'billing', rows: [1, 2] }],
    });
    expect(await rowsOf(u)).toEqual([]);
  });

  it('--allow-unserved-types imports them with a warning on stderr', async () => {
    const w = tenant('w');
    const result = await tdel([
      'inventory',
      'import',
      file('w.json', [inventory(w), billing(w)]),
      '--allow-unserved-types',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 2 row(s) for 1 tenant(s): 2 inserted, 0 updated, 0 unchanged');
    expect(result.stderr).toBe(
      `warning: no worker group in ${SHIPPED} lists service type billing, allowed by --allow-unserved-types: its ` +
        "instances' deletions will wait until a group lists it and that group's workers run:\n" +
        `  billing (queue service-deletion.billing): row 1 (${w}/billing-1)\n`,
    );
    expect(await rowsOf(w)).toEqual([
      { service_instance_id: 'billing-1', base_url: 'http://localhost:8199/api/v1/billing' },
      { service_instance_id: 'inventory-1', base_url: 'http://localhost:8102/api/v1/inventory' },
    ]);
  });

  it('imports served types as before, saying nothing on stderr (an empty WORKER_CONFIG counts as unset)', async () => {
    const x = tenant('x');
    const result = await tdel(['inventory', 'import', file('x.json', [orders(x), inventory(x)]), '--json'], {
      env: { WORKER_CONFIG: '' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(json(result)).toMatchObject({
      written: true,
      summary: { inserted: 2 },
      workerConfig: SHIPPED,
      unservedServiceTypes: [],
    });
    expect(await rowsOf(x)).toHaveLength(2);
  });

  it('honours WORKER_CONFIG: its groups decide, and an unreadable one refuses unless unserved types are allowed', async () => {
    const y = tenant('y');
    const custom = workerConfig('billing-workers.json', ['billing', 'inventory']);
    const served = await tdel(['inventory', 'import', file('y.json', [billing(y)])], {
      env: { WORKER_CONFIG: custom },
    });
    expect(served.stderr).toBe('');
    expect(served.code).toBe(0);
    expect(await rowsOf(y)).toHaveLength(1);

    // orders is in the shipped config, not in this one.
    const z = tenant('z');
    const refused = await tdel(['inventory', 'import', file('z.json', [orders(z), inventory(z)])], {
      env: { WORKER_CONFIG: custom },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`error: no worker group in ${custom} lists service type orders`);
    expect(refused.stderr).toContain(`(groups: orchestration, stubs)`);
    expect(await rowsOf(z)).toEqual([]);

    const missing = path.join(dir, 'no-such-workers.json');
    const unreadable = await tdel(['inventory', 'import', file('z2.json', [inventory(z)])], {
      env: { WORKER_CONFIG: missing },
    });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain(
      `error: cannot check the rows' service types against the worker config: invalid worker config ${missing}`,
    );
    expect(await rowsOf(z)).toEqual([]);

    const unchecked = await tdel(['inventory', 'import', file('z3.json', [inventory(z)]), '--allow-unserved-types'], {
      env: { WORKER_CONFIG: missing },
    });
    expect(unchecked.code).toBe(0);
    expect(unchecked.stderr).toContain(
      `warning: service types not checked (--allow-unserved-types): invalid worker config ${missing}`,
    );
    expect(await rowsOf(z)).toHaveLength(1);
  });
});

describe('tdel preview (through a worker process on Temporal; inventory in PostgreSQL, a stub service over HTTP)', () => {
  const seen: { path: string; audience: string | null; trace: string | undefined; scopes: string[] }[] = [];
  let server: http.Server;
  let base: string;
  let workers: WorkerProcesses;

  beforeAll(async () => {
    await ensureLocalTokenKeys();
    // The services trust the orchestrator's public keys only: a token tdel could mint would not do.
    const verify = serviceTokenVerifier(tokenAuthorities([TOKEN_ISSUER]));
    server = http.createServer((request, response) => {
      const match = /^\/svc\/([a-z0-9-]+)\/tenant\/([^/]+)\/deletion-preview$/.exec(request.url ?? '');
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (!match || request.method !== 'GET') return answer(404, { error: { message: 'no such route' } });
      const [, serviceType, tenantId] = match;
      verify(request.headers.authorization, { audience: serviceType, scope: 'tenant-data:preview' }).then(
        ({ scopes }) => {
          seen.push({
            path: request.url!,
            audience: serviceType,
            trace: request.headers['x-trace-id'] as string,
            scopes,
          });
          if (serviceType === 'locked') return answer(403, { error: { message: 'tenant is not yours' } });
          const counts = serviceType === 'orders' ? { orders: 120, order_items: 480 } : { stock: 7, empty: 0 };
          const total = Object.values(counts).reduce((x, y) => x + y, 0);
          answer(200, {
            tenant_id: tenantId,
            service_name: serviceType,
            counts,
            total,
            timestamp: new Date().toISOString(),
          });
        },
        (error: TokenRejected) => answer(error.status ?? 401, { error: { message: error.message } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/svc`;
    // The shipped worker, polling tenant-deletion and the stubs' preview queues; the registry is not asked.
    workers = new WorkerProcesses(
      { registryUrl: 'http://127.0.0.1:9' } as RunningFleet,
      parseWorkerConfig({
        groups: { all: { orchestration: true, serviceTypes: ['orders', 'inventory', 'locked', 'gone'] } },
        metricsPort: 0,
        shutdownGraceSeconds: 0,
      }),
    );
    await workers.start();
  }, 120_000);
  afterAll(async () => {
    workers?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const instance = (tenantId: string, id: string, type: string, extra: Record<string, unknown> = {}) => ({
    tenantId,
    serviceInstanceId: id,
    serviceType: type,
    baseUrl: `${base}/${type}`,
    ...extra,
  });
  const env = { TDEL_USER: 'preview-test' };

  it('shows per-service counts and the total, with a token per service type, deleting nothing', async () => {
    const p = tenant('p');
    const rows = [
      instance(p, 'orders-1', 'orders', { dependsOn: ['inventory-1'] }),
      instance(p, 'inventory-1', 'inventory'),
      instance(p, 'old-1', 'old', { status: 'DELETED' }),
    ];
    expect((await tdel(['inventory', 'import', file('p.json', rows)], { env: STUB_TYPES })).code).toBe(0);

    const text = await tdel(['preview', p], { env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/orders-1\s+orders\s+600\s+orders=120, order_items=480/);
    expect(text.stdout).toMatch(/inventory-1\s+inventory\s+7\s+stock=7/);
    expect(text.stdout).toContain('607 records in 2/2 instance(s) would be deleted (1 already deleted)');
    expect(text.stdout).toContain('nothing was deleted');
    expect(seen.map((call) => call.path).sort()).toEqual([
      `/svc/inventory/tenant/${p}/deletion-preview`,
      `/svc/orders/tenant/${p}/deletion-preview`,
    ]);
    expect(seen[0].trace).toMatch(/^cli-preview-/);
    expect(seen.map((call) => call.scopes)).toEqual([['tenant-data:preview'], ['tenant-data:preview']]);

    const document = json(await tdel(['preview', p, '--json'], { env }));
    expect(document).toMatchObject({
      tenantId: p,
      total: 607,
      complete: true,
      deletedInstances: 1,
      exceedsApprovalThreshold: false,
      instances: expect.arrayContaining([
        expect.objectContaining({
          serviceInstanceId: 'orders-1',
          counts: { orders: 120, order_items: 480 },
          total: 600,
          error: null,
        }),
      ]),
    });
  });

  it('exits 1 when a service refuses, 3 when one cannot be reached, 3 for an unknown tenant', async () => {
    const q = tenant('q');
    expect(
      (
        await tdel(
          [
            'inventory',
            'import',
            file('q.json', [instance(q, 'vault-1', 'locked'), instance(q, 'inventory-1', 'inventory')]),
          ],
          { env: STUB_TYPES },
        )
      ).code,
    ).toBe(0);
    const refused = await tdel(['preview', q], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/vault-1\s+locked\s+error\s+locked answered GET with 403: tenant is not yours/);
    expect(refused.stdout).toContain('1 gave no preview, so the total is incomplete');

    const r = tenant('r');
    const gone = { tenantId: r, serviceInstanceId: 'gone-1', serviceType: 'gone', baseUrl: 'http://127.0.0.1:1/gone' };
    expect((await tdel(['inventory', 'import', file('r.json', [gone])], { env: STUB_TYPES })).code).toBe(0);
    const unreachable = await tdel(['preview', r, '--json'], { env });
    expect(unreachable.code).toBe(3);
    expect(json(unreachable)).toMatchObject({ complete: false, instances: [{ errorType: 'ServiceUnreachable' }] });

    const unknown = await tdel(['preview', tenant('nobody')], { env });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('has no service instances on record');
  });
});
