/**
 * Needs the local stack's PostgreSQL. A partitioned table is planned as one table (its partitions are
 * reached through it); in batches its rows are addressed by (tableoid, ctid), because partitions reuse
 * the same ctids and another tenant's row may sit at the same ctid in a sibling partition.
 */
import pino from 'pino';
import { startDeletableService, type RunningDeletableService } from '../../services/kit/deletable-service';
import { kitClient } from './kit-http';
import { testTokens } from './test-tokens';
import { createTestDatabase, type TestDatabase } from './kit-test-db';

const tokens = testTokens();
const call = kitClient(tokens, 'events');
let db: TestDatabase;
let service: RunningDeletableService;

beforeAll(async () => {
  db = await createTestDatabase(`
    CREATE TABLE events (tenant_id text NOT NULL, at date NOT NULL, payload text NOT NULL) PARTITION BY RANGE (at);
    CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    -- The other tenant's rows come first in 2026, so they share ctids with the leaving tenant's rows in 2025.
    INSERT INTO events SELECT 'staying', DATE '2026-03-01', 'x' FROM generate_series(1, 3);
    INSERT INTO events SELECT 'leaving', DATE '2025-03-01', 'x' FROM generate_series(1, 3);
    INSERT INTO events SELECT 'leaving', DATE '2026-03-01', 'x' FROM generate_series(1, 2);
  `);
  service = await startDeletableService({
    definition: { serviceType: 'events' },
    databaseUrl: db.url,
    port: 0,
    tokens: tokens.verifier,
    singleTransactionMaxRows: 0,
    batchSize: 2,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await service?.close();
  await db?.drop();
});

it("plans the partitioned parent only, and deletes the tenant's rows in batches without touching a sibling's", async () => {
  expect(service.plan.tables.map((table) => table.name)).toEqual(['events']);
  const answer = await call<{ deleted_counts: Record<string, number> }>('DELETE', `${service.baseUrl}/tenant/leaving`);
  expect(answer.status).toBe(200);
  expect(answer.body.deleted_counts).toEqual({ events: 5 });
  const { rows } = await db.pool.query('SELECT tenant_id, count(*)::int AS n FROM events GROUP BY tenant_id');
  expect(rows).toEqual([{ tenant_id: 'staying', n: 3 }]);
});
