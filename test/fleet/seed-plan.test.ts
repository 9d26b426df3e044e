import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FLEET_SERVICES } from '../../services/fleet/fleet-services';
import { insertStatement, rowCounts, SeedPlanError } from '../../services/fleet/seed/seed-plan';
import type { ServiceSeedPlan } from '../../services/fleet/seed/seed-plan';
import { checkSeedRequest, SeedRequestError, splitRecords } from '../../services/fleet/seed/seed-tenant';
import { FLEET_INSTANCES } from '../../services/fleet/topology';

const plan: ServiceSeedPlan = {
  shared: [],
  tables: [
    { table: 'parents', share: 1, columns: { id: (s) => s.id('parents'), tenant_id: (s) => s.tenant } },
    { table: 'children', share: 3, columns: { id: (s) => s.id('children'), parent_id: (s) => s.ref('parents') } },
  ],
};

describe('rowCounts', () => {
  test('splits the records by share', () => {
    expect(Object.fromEntries(rowCounts(plan, 400))).toEqual({ parents: 100, children: 300 });
  });

  test('gives every table at least one row, so every foreign key finds a parent', () => {
    expect(Object.fromEntries(rowCounts(plan, 1))).toEqual({ parents: 1, children: 1 });
  });
});

describe('insertStatement', () => {
  test("is one INSERT … SELECT over generate_series, a child's reference being its parent's id by index", () => {
    const sql = insertStatement(plan.tables[1], rowCounts(plan, 400));
    expect(sql).toBe(
      'INSERT INTO "children" ("id", "parent_id") ' +
        "SELECT md5(p.seed_key || ':children:' || (g))::uuid, md5(p.seed_key || ':parents:' || ((g) % 100))::uuid " +
        'FROM generate_series(0, $3::int - 1) AS g, (SELECT $1::text AS seed_key, $2::text AS tenant_id) AS p',
    );
  });

  test('refuses a reference to a table the plan does not fill', () => {
    const table = {
      table: 'orphans',
      share: 1,
      columns: { parent_id: (s: { ref(t: string): string }) => s.ref('nowhere') },
    };
    expect(() => insertStatement(table, rowCounts(plan, 10))).toThrow(SeedPlanError);
  });
});

describe('the fleet seed plans', () => {
  test.each(Object.entries(FLEET_SERVICES))(
    '%s fills only tables of its own schema and builds every statement',
    (_, service) => {
      const schema = readdirSync(service.migrationsDir)
        .map((file) => readFileSync(path.join(service.migrationsDir, file), 'utf8'))
        .join('\n');
      const counts = rowCounts(service.seedPlan, 10_000);
      for (const table of service.seedPlan.tables) {
        expect(schema).toContain(`CREATE TABLE ${table.table} (`);
        expect(insertStatement(table, counts)).toMatch(/^INSERT INTO /);
      }
    },
  );

  test('500,000 records split over the topology land within 1% of the target, pos and sales largest', () => {
    const split = splitRecords(500_000, FLEET_INSTANCES);
    let total = 0;
    const byType = new Map<string, number>();
    for (const instance of FLEET_INSTANCES) {
      const rows = [
        ...rowCounts(FLEET_SERVICES[instance.serviceType].seedPlan, split.get(instance.serviceInstanceId)!).values(),
      ];
      const records = rows.reduce((sum, n) => sum + n, 0);
      total += records;
      byType.set(instance.serviceType, (byType.get(instance.serviceType) ?? 0) + records);
    }
    expect(Math.abs(total - 500_000)).toBeLessThan(5_000);
    const ranked = [...byType].sort((a, b) => b[1] - a[1]).map(([type]) => type);
    expect(ranked.slice(0, 2).sort()).toEqual(['pos', 'sales']);
    expect(ranked.slice(-2).sort()).toEqual(['external', 'recipes']);
  });
});

describe('checkSeedRequest', () => {
  test.each([
    ['an id breaking the identifier rule', 'bad id!', 10],
    ['an id that cannot name a directory', '..', 10],
    ['no records', 'tenant-1', 0],
    ['a fraction of a record', 'tenant-1', 1.5],
  ])('refuses %s', (_, tenantId, records) => {
    expect(() => checkSeedRequest(tenantId, records)).toThrow(SeedRequestError);
  });

  test('accepts a valid tenant and count', () => {
    expect(() => checkSeedRequest('tenant-12345', 500_000)).not.toThrow();
  });
});
