/**
 * Needs the local stack's PostgreSQL: throwaway databases with small schemas, on which a kit service
 * must refuse to start (naming the table and the problem) or start with its bookkeeping tables in place.
 */
import { KitCoverageError } from '../../services/kit/coverage-guard';
import type { DeletableServiceDefinition } from '../../services/kit/service-definition';
import { KitDefinitionError } from '../../services/kit/service-definition';
import { KitPlanError } from '../../services/kit/deletion-plan';
import { startDeletableService, type KitOptions } from '../../services/kit/deletable-service';
import { kitOptions, startupError } from './kit-startup';
import { throwawayDatabases, type TestDatabase } from './kit-test-db';
import { kitClient } from './kit-http';
import { testTokens } from './test-tokens';

const INVOICING = `
  CREATE TABLE invoices (id bigserial PRIMARY KEY, tenant_id text NOT NULL, total numeric NOT NULL);
  CREATE TABLE invoice_lines (id bigserial PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices (id), amount numeric NOT NULL);
  CREATE TABLE templates (id serial PRIMARY KEY, tenant_id text, is_system boolean NOT NULL DEFAULT false);
  CREATE TABLE exports (id bigserial PRIMARY KEY, tenant_id text NOT NULL, file_path text);
`;

const database = throwawayDatabases();
const tokens = testTokens();

function options(
  db: TestDatabase,
  definition: Partial<DeletableServiceDefinition>,
  extra: Partial<KitOptions> = {},
): KitOptions {
  return kitOptions(db, tokens, { serviceType: 'invoicing', ...definition }, extra);
}

describe('start-up', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await database(INVOICING);
  });

  it('refuses to start when a table holding tenant data is neither planned nor excluded, naming it', async () => {
    const error = await startupError(options(db, { exclude: { invoices: 'kept ten years for the tax authority' } }));
    expect(error).toBeInstanceOf(KitCoverageError);
    expect(error.message).toMatch(/table "invoice_lines" holds tenant data/);
  });

  it('starts once that table is excluded with a reason too, with its bookkeeping tables created', async () => {
    const service = await startDeletableService(
      options(db, {
        exclude: {
          invoices: 'kept ten years for the tax authority',
          invoice_lines: 'kept with their invoices for the tax authority',
        },
        keep: { templates: 'is_system' },
      }),
    );
    try {
      expect(service.plan.tables.map((table) => table.name).sort()).toEqual(['exports', 'templates']);
      expect(service.baseUrl).toBe(`${service.url}/api/v1/invoicing`);
      const { rows } = await db.pool.query(
        "SELECT relname FROM pg_class WHERE relname LIKE 'kit\\_%' AND relkind = 'r' ORDER BY 1",
      );
      expect(rows.map((row) => row.relname)).toEqual([
        'kit_deletion_runs',
        'kit_file_removals',
        'kit_idempotency_keys',
        'kit_legal_hold_history',
        'kit_legal_holds',
      ]);
    } finally {
      await service.close();
    }
  });

  it("migrates an older kit's legal holds: the hold stays, without a placer, and its lift is recorded", async () => {
    const older = await database(`
      CREATE TABLE exports (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
      CREATE TABLE kit_legal_holds (tenant_id text PRIMARY KEY, reason text NOT NULL,
                                    placed_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO kit_legal_holds (tenant_id, reason, placed_at) VALUES ('held-before', 'case 1', '2026-01-02T03:04:05Z');
    `);
    const service = await startDeletableService(options(older, {}));
    const call = kitClient(tokens, 'invoicing');
    try {
      const holdUrl = `${service.baseUrl}/admin/legal-holds/held-before`;
      expect((await call('GET', holdUrl)).body).toEqual({
        tenant_id: 'held-before',
        held: true,
        reason: 'case 1',
        placed_at: '2026-01-02T03:04:05.000Z',
        lifted_holds: [],
      });
      const refused = await call<{ error: Record<string, string> }>('DELETE', `${service.baseUrl}/tenant/held-before`);
      expect(refused.body.error).toEqual({
        code: 'LEGAL_HOLD',
        message: expect.stringContaining('under legal hold since 2026-01-02T03:04:05.000Z'),
        held_since: '2026-01-02T03:04:05.000Z',
      });
      await call('DELETE', holdUrl, { subject: 'counsel-4' });
      const { rows } = await older.pool.query('SELECT tenant_id, placed_by, lifted_by FROM kit_legal_hold_history');
      expect(rows).toEqual([{ tenant_id: 'held-before', placed_by: null, lifted_by: 'counsel-4' }]);
    } finally {
      await service.close();
    }
  });

  it('refuses keep, exclude and files entries naming tables that do not exist', async () => {
    await expect(startDeletableService(options(db, { keep: { templatez: 'is_system' } }))).rejects.toThrow(
      /keep names table "templatez", which does not exist/,
    );
    await expect(
      startDeletableService(options(db, { exclude: { archive: 'moved to cold storage in 2025' } })),
    ).rejects.toThrow(/exclude names table "archive"/);
    await expect(
      startDeletableService(
        options(
          db,
          { files: [{ table: 'export', pathColumn: 'file_path', countAs: 'export_files' }] },
          { fileRoot: '/tmp' },
        ),
      ),
    ).rejects.toThrow(/files names table "export"/);
  });

  it('refuses a keep predicate that does not run against the schema, naming the table', async () => {
    const error = await startupError(options(db, { keep: { templates: 'is_sytem' } }));
    expect(error).toBeInstanceOf(KitDefinitionError);
    expect(error.message).toMatch(/table "templates" do not run \(check its keep predicate\)/);
  });

  it('refuses files without a file root', async () => {
    await expect(
      startDeletableService(
        options(db, { files: [{ table: 'exports', pathColumn: 'file_path', countAs: 'export_files' }] }),
      ),
    ).rejects.toThrow(/no fileRoot/);
  });
});

describe('start-up with a foreign key cycle', () => {
  it('refuses to start, naming the tables of the cycle', async () => {
    const db = await database(`
      CREATE TABLE accounts (id bigserial PRIMARY KEY, tenant_id text NOT NULL, owner_id bigint);
      CREATE TABLE users (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id));
      ALTER TABLE accounts ADD FOREIGN KEY (owner_id) REFERENCES users (id);
    `);
    const error = await startupError(options(db, {}));
    expect(error).toBeInstanceOf(KitPlanError);
    expect(error.message).toContain('accounts -> users -> accounts');
  });
});
