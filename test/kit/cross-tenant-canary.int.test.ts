/**
 * Needs the local stack's PostgreSQL. The cross-tenant canary: random schemas (test/kit/random-schema.ts) with
 * rows for several tenants, each created in the schema `public` of one throwaway database (dropped and created
 * again between runs); a kit service is started on it and one tenant is deleted through its DELETE endpoint.
 * Either the kit refuses to start, naming a table, or every row the tenant does not own alone is byte-identical
 * afterwards (compared as Postgres prints it) and every row it owns alone is gone; a deletion that fails must
 * change nothing, and only for a reason the schema gives (a staying row referencing a leaving one).
 *
 * CANARY_SCHEMAS=<n> runs n schemas (300 by default); FUZZ_SEED=<n> replays a run. A counterexample is shrunk
 * and printed as SQL to paste into psql.
 */
import fc from 'fast-check';
import pino from 'pino';
import { startDeletableService } from '../../services/kit/deletable-service';
import { fuzzSeed } from '../fuzz-seed';
import { type HttpAnswer, kitClient } from './kit-http';
import { testTokens } from './test-tokens';
import { createTestDatabase, type TestDatabase } from './kit-test-db';
import { dataSql, expectedDeletion, type RandomSchema, randomSchema, schemaDdl, schemaFeatures } from './random-schema';

const runs = schemaCount(process.env.CANARY_SCHEMAS);
// A run takes about 0.1 s; the rest of the budget is for shrinking a counterexample, which stops there
// and reports the smallest one found so far. Running out of time before any failure fails too.
const timeLimitMs = runs * 500 + 120_000;
jest.setTimeout(timeLimitMs + 60_000);

const SERVICE_TYPE = 'canary';
const tokens = testTokens();
const call = kitClient(tokens, SERVICE_TYPE);
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('SELECT 1');
});

afterAll(async () => {
  await db?.drop();
});

function schemaCount(given: string | undefined): number {
  if (given === undefined) return 300;
  if (!/^[1-9]\d*$/.test(given)) throw new Error(`CANARY_SCHEMAS must be a whole number of at least 1, got "${given}"`);
  return Number(given);
}

interface Row {
  table: string;
  key: string;
  text: string;
}

/** Every row of the generated tables, as Postgres prints it. */
async function snapshot(schema: RandomSchema): Promise<Row[]> {
  const rows: Row[] = [];
  for (const table of schema.tables) {
    const { rows: found } = await db.pool.query<{ key: string; text: string }>(
      `SELECT concat_ws(',', ${table.keyColumns.join(', ')}) AS key, t::text AS text FROM ${table.name} t ORDER BY 1`,
    );
    rows.push(...found.map(({ key, text }) => ({ table: table.name, key, text })));
  }
  return rows;
}

function differences(expected: Row[], actual: Row[]): string[] {
  const line = (row: Row) => `${row.table} ${row.text}`;
  const want = new Set(expected.map(line));
  const got = new Set(actual.map(line));
  return [
    ...[...want].filter((row) => !got.has(row)).map((row) => `  missing   ${row}`),
    ...[...got].filter((row) => !want.has(row)).map((row) => `  unwanted  ${row}`),
  ];
}

const isMissing = (line: string) => line.startsWith('  missing');

type Outcome = { kind: 'refused'; reason: string } | { kind: 'failed'; reason: string } | { kind: 'deleted' };

interface DeleteBody {
  deleted_counts?: Record<string, number>;
  error?: { code: string; message: string };
}

interface Case {
  schema: RandomSchema;
  /** null: one transaction; otherwise batches of this many rows */
  batchSize: number | null;
}

async function deleteOneTenant({ schema, batchSize }: Case): Promise<Outcome> {
  await db.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await db.pool.query(schemaDdl(schema));
  await db.pool.query(dataSql(schema));
  const before = await snapshot(schema);

  const service = await startDeletableService({
    definition: { serviceType: SERVICE_TYPE },
    databaseUrl: db.url,
    port: 0,
    tokens: tokens.verifier,
    logger: pino({ level: 'silent' }),
    ...(batchSize === null ? {} : { singleTransactionMaxRows: 0, batchSize }),
  }).catch((error: Error) => error);
  if (service instanceof Error) return refusal(schema, service, before);

  let answer: HttpAnswer<DeleteBody>;
  try {
    answer = await call<DeleteBody>('DELETE', `${service.baseUrl}/tenant/${encodeURIComponent(schema.victim)}`);
  } finally {
    await service.close();
  }
  const after = await snapshot(schema);
  const expectation = expectedDeletion(schema);
  const staying = before.filter((row) => !expectation.gone.get(row.table)!.has(row.key));
  const said = `the kit answered ${answer.status} ${JSON.stringify(answer.body)}`;
  if (answer.status !== 200) {
    // Batches commit one by one, so a failed batched deletion may have taken some of the tenant's own rows.
    const wrong =
      batchSize === null
        ? differences(before, after)
        : [
            ...differences(staying, after).filter(isMissing),
            ...differences(before, after).filter((l) => !isMissing(l)),
          ];
    if (wrong.length > 0)
      throw new Error(`deleting "${schema.victim}" failed half-way (${said}):\n${wrong.join('\n')}`);
    if (expectation.mayFail.length === 0) {
      throw new Error(`deleting "${schema.victim}" failed for no reason the schema gives: ${said}`);
    }
    return { kind: 'failed', reason: `${answer.body.error?.code}: ${expectation.mayFail[0]}` };
  }

  const wrong = differences(staying, after);
  if (wrong.length > 0) {
    throw new Error(
      `deleting "${schema.victim}" changed rows it does not own alone, or left its own behind (${said}):\n` +
        `${wrong.join('\n')}\n(missing: a row that must stay is gone or changed; unwanted: a changed row, or one that must go)`,
    );
  }
  const counts = answer.body.deleted_counts ?? {};
  const miscounted = [...expectation.gone].filter(([table, keys]) => (counts[table] ?? 0) !== keys.size);
  if (miscounted.length > 0) {
    const actual = miscounted.map(([table, keys]) => `${table}: ${keys.size}`).join(', ');
    throw new Error(`deleting "${schema.victim}" counted ${JSON.stringify(counts)} but deleted ${actual}`);
  }
  return { kind: 'deleted' };
}

/** A refusal to start passes when it names a table and left every row alone. */
async function refusal(schema: RandomSchema, error: Error, before: Row[]): Promise<Outcome> {
  if (!/^Kit\w*Error$/.test(error.name)) throw error;
  const named = schema.tables.some((table) => new RegExp(`\\b${table.name}\\b`).test(error.message));
  if (!named) throw new Error(`the kit refused to start without naming a table: ${error.message}`);
  const changed = differences(before, await snapshot(schema));
  if (changed.length > 0) throw new Error(`the kit refused to start but changed rows:\n${changed.join('\n')}`);
  return { kind: 'refused', reason: `${error.name}: ${error.message.split('\n').slice(0, 2).join(' ')}` };
}

const cases: fc.Arbitrary<Case> = fc.record({
  schema: randomSchema(),
  batchSize: fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant(null) },
    fc.integer({ min: 1, max: 4 }),
  ),
});

describe('the cross-tenant canary', () => {
  it(`deletes one tenant from ${runs} random schemas and never touches another tenant's rows, or refuses to start`, async () => {
    const tally = {
      deleted: 0,
      refused: new Map<string, number>(),
      failed: new Map<string, number>(),
      depth: new Map<number, number>(),
    };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(cases, async (testCase) => {
        // Tallied for the report of a passing run (a failing one is reported by its counterexample).
        const outcome = await deleteOneTenant(testCase);
        const depth = schemaFeatures(testCase.schema).depth;
        tally.depth.set(depth, (tally.depth.get(depth) ?? 0) + 1);
        if (outcome.kind === 'deleted') tally.deleted++;
        else {
          const reasons = tally[outcome.kind];
          // One line per kind of reason: names of tables, keys and foreign keys vary from schema to schema.
          const reason = outcome.reason
            .replace(/\b\w*(?:direct|child|lookup)\d\w*/g, 'T')
            .replace(/\([^)]*\)/g, '(…)')
            .slice(0, 200);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }),
      {
        numRuns: runs,
        seed: fuzzSeed('the cross-tenant canary'),
        interruptAfterTimeLimit: timeLimitMs,
        markInterruptAsFailure: true,
      },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const list = (reasons: Map<string, number>) =>
      [...reasons]
        .sort((a, b) => b[1] - a[1])
        .map(([reason, n]) => `\n    ${n} × ${reason}`)
        .join('');
    process.stdout.write(
      `the cross-tenant canary: ${runs} schemas in ${seconds} s; depths ${JSON.stringify(Object.fromEntries([...tally.depth].sort()))}\n` +
        `  deleted: ${tally.deleted}\n  refused to start:${list(tally.refused)}\n  deletion failed, nothing changed:${list(tally.failed)}\n`,
    );
    // Not vacuous: some schemas are deleted from, not all refused.
    expect(tally.deleted).toBeGreaterThan(runs / 20);
  });
});
