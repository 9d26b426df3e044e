/**
 * Random inventory files for `tdel inventory import -`, run in-process against the local stack's PostgreSQL
 * (`npm run stack:up`): whatever a file holds (garbage, wrong types, injection strings, oversized values, unknown
 * dependencies), the import answers 0 or 2 with a message, never crashes, and writes all of its rows or none.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { runInProcess } from './run-in-process';
import { looksLikeCrash } from './run-tdel';
import { fuzzSeed } from '../fuzz-seed';

jest.setTimeout(180_000);

const run = `fuzz-inv-${randomUUID().slice(0, 8)}`;
const pool = new pg.Pool({ connectionString: loadConfig().DATABASE_URL, max: 2 });
afterAll(async () => {
  await pool.query('DELETE FROM service_instances WHERE tenant_id LIKE $1', [`${run}-%`]);
  await pool.end();
});

const NASTY = [
  "'; DROP TABLE service_instances; --",
  "x' OR '1'='1",
  '../../etc/passwd',
  '\u0000',
  'x'.repeat(300),
  '',
  ' ',
  'tënant',
  '$(rm -rf /)',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'http://',
  'ftp://example.com',
];
const text = fc.oneof(fc.constantFrom(...NASTY), fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.string({ maxLength: 30 }));
const anything = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const instanceId = fc.constantFrom('orders-1', 'inventory-1', 'pos-1', 'ghost-9');
const usually = <T>(likely: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: likely }, { weight: 1, arbitrary: anything });

const row = fc.record(
  {
    tenantId: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(`${run}-a`, `${run}-b`) },
      { weight: 1, arbitrary: text.map((suffix) => `${run}-${suffix}`) },
      // Strings outside the run's prefix could be valid ids and write other tenants' rows: wrong types only.
      { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string()), fc.object()) },
    ),
    serviceInstanceId: usually(instanceId),
    serviceType: usually(fc.constantFrom('orders', 'inventory', 'pos')),
    baseUrl: usually(fc.constantFrom('http://localhost:8101/api/v1/orders', 'https://pos.example.com/api')),
    dependsOn: usually(fc.array(instanceId, { maxLength: 2 })),
    status: usually(fc.constantFrom('ACTIVE', 'DELETED')),
    extra: anything,
  },
  { requiredKeys: ['tenantId', 'serviceInstanceId', 'serviceType', 'baseUrl'] },
);
const validRow = fc.record({
  tenantId: fc.constantFrom(`${run}-a`, `${run}-b`),
  serviceInstanceId: fc.constantFrom('orders-1', 'inventory-1', 'pos-1'),
  serviceType: fc.constantFrom('orders', 'inventory', 'pos'),
  baseUrl: fc.constantFrom('http://localhost:8101/api/v1/orders', 'https://pos.example.com/api'),
});
const file = fc.oneof(
  { weight: 3, arbitrary: fc.array(validRow, { minLength: 1, maxLength: 4 }).map((rows) => JSON.stringify(rows)) },
  { weight: 8, arbitrary: fc.array(row, { maxLength: 6 }).map((rows) => JSON.stringify(rows)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

async function onRecord(): Promise<string[]> {
  const { rows } = await pool.query<{ row: string }>(
    `SELECT tenant_id || '/' || service_instance_id || ' ' || base_url AS row
       FROM service_instances WHERE tenant_id LIKE $1 ORDER BY 1`,
    [`${run}-%`],
  );
  return rows.map(({ row }) => row);
}

describe('tdel inventory import with random files', () => {
  it('answers 0 or 2 with a message, never crashes, and writes all rows or none', async () => {
    const codes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(file, async (content) => {
        const before = await onRecord();
        const { code, stdout, stderr } = await runInProcess(['inventory', 'import', '-'], {
          env: process.env,
          stdin: content,
        });
        codes.add(code);
        const context = `${content}\n${stdout}${stderr}`;
        expect([context, code]).toEqual([context, expect.any(Number)]);
        expect([0, 2]).toContain(code);
        expect(looksLikeCrash(stdout + stderr)).toBe(false);
        const after = await onRecord();
        if (code !== 0) {
          expect(stderr.length).toBeGreaterThan(0);
          expect(after).toEqual(before);
          return;
        }
        const rows = JSON.parse(content) as { tenantId: string; serviceInstanceId: string; baseUrl: string }[];
        const last = new Map(rows.map((r) => [`${r.tenantId}/${r.serviceInstanceId}`, r.baseUrl]));
        for (const [key, baseUrl] of last) expect(after).toContain(`${key} ${baseUrl}`);
      }),
      { numRuns: 300, seed: fuzzSeed('tdel inventory import with random files') },
    );
    // Both outcomes were reached: valid files are written, not only refused.
    expect(codes).toEqual(new Set([0, 2]));
  });
});
