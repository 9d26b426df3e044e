/**
 * Needs the local stack's PostgreSQL: a throwaway database, kit services started on it and real HTTP.
 * Covers the file outbox (files unlinked only after the deletion commits: a rollback keeps them, a
 * crash between the commit and the unlinks is finished by the next DELETE or the next start, each file
 * removed and counted once) and per-tenant confinement (a row naming another tenant's file is refused
 * and nothing is deleted, in one transaction or in batches).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { KitOptions, RunningDeletableService } from '../../services/kit/deletable-service';
import { startDeletableService } from '../../services/kit/deletable-service';
import { FaultInjector } from '../../services/kit/faults';
import type { DeletableServiceDefinition } from '../../services/kit/service-definition';
import { kitClient } from './kit-http';
import { testTokens } from './test-tokens';
import { createTestDatabase, type TestDatabase } from './kit-test-db';

// documents reach the tenant through accounts, so they are deleted first; a locked account makes the
// transaction fail after the documents' files were recorded.
const SCHEMA = `
  CREATE TABLE accounts (id bigserial PRIMARY KEY, tenant_id text NOT NULL, locked boolean NOT NULL DEFAULT false);
  CREATE INDEX ON accounts (tenant_id);
  CREATE TABLE documents (
    id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), path text);
  CREATE INDEX ON documents (account_id);
  CREATE FUNCTION refuse_locked() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF OLD.locked THEN RAISE EXCEPTION 'account % is locked', OLD.id; END IF; RETURN OLD; END $$;
  CREATE TRIGGER refuse_locked BEFORE DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION refuse_locked();
`;

const DEFINITION: DeletableServiceDefinition = {
  serviceType: 'archive',
  files: [{ table: 'documents', pathColumn: 'path', countAs: 'document_files' }],
};

const tokens = testTokens();
const call = kitClient(tokens, 'archive');
const logLines: string[] = [];
const running = new Set<RunningDeletableService>();

let db: TestDatabase;
let fileRoot: string;
let service: RunningDeletableService;

async function start(options: Partial<KitOptions> = {}): Promise<RunningDeletableService> {
  const started = await startDeletableService({
    definition: DEFINITION,
    databaseUrl: db.url,
    port: 0,
    tokens: tokens.verifier,
    fileRoot,
    logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    faults: new FaultInjector(),
    ...options,
  });
  running.add(started);
  return started;
}

async function stop(stopped: RunningDeletableService): Promise<void> {
  running.delete(stopped);
  await stopped.close();
}

const fileOf = (relativePath: string) => path.join(fileRoot, relativePath);
const tenantUrl = (tenantId: string, base = service.baseUrl) => `${base}/tenant/${tenantId}`;

/** One account with three documents: two files on disk, one never written (it counts 0). */
async function seed(tenantId: string, options: { locked?: boolean } = {}): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    'INSERT INTO accounts (tenant_id, locked) VALUES ($1, $2) RETURNING id',
    [tenantId, options.locked ?? false],
  );
  await mkdir(fileOf(path.join(tenantId, 'docs')), { recursive: true });
  const paths = [`${tenantId}/docs/1.bin`, `${tenantId}/docs/2.bin`];
  for (const relativePath of paths) await writeFile(fileOf(relativePath), 'contents');
  for (const relativePath of [...paths, `${tenantId}/docs/never-written.bin`]) {
    await db.pool.query('INSERT INTO documents (account_id, path) VALUES ($1, $2)', [rows[0].id, relativePath]);
  }
  return paths;
}

async function rowsOf(tenantId: string): Promise<{ accounts: number; documents: number }> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM accounts WHERE tenant_id = $1)::int AS accounts,
            (SELECT count(*) FROM documents d JOIN accounts a ON a.id = d.account_id WHERE a.tenant_id = $1)::int
              AS documents`,
    [tenantId],
  );
  return rows[0];
}

async function outboxOf(tenantId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ path: string }>(
    'SELECT path FROM kit_file_removals WHERE tenant_id = $1 ORDER BY path',
    [tenantId],
  );
  return rows.map((row) => row.path);
}

const DELETED = { accounts: 1, documents: 3, document_files: 2 };

beforeAll(async () => {
  db = await createTestDatabase(SCHEMA);
  fileRoot = await mkdtemp(path.join(tmpdir(), 'kit-outbox-'));
  service = await start();
});

afterAll(async () => {
  for (const open of running) await open.close();
  await db?.drop();
  if (fileRoot) await rm(fileRoot, { recursive: true, force: true });
});

describe('files after commit', () => {
  it('deletes the rows, then unlinks their files and empties the outbox', async () => {
    const files = await seed('plain');
    const answer = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl('plain'));
    expect(answer.status).toBe(200);
    expect(answer.body.deleted_counts).toEqual(DELETED);
    for (const file of files) expect(existsSync(fileOf(file))).toBe(false);
    expect(await outboxOf('plain')).toEqual([]);
  });

  it('keeps the files when the transaction rolls back, and deletes them when a retry commits', async () => {
    const files = await seed('rollback', { locked: true });
    const answer = await call<{ error: { code: string; message: string } }>('DELETE', tenantUrl('rollback'));
    expect(answer.status).toBe(500);
    expect(answer.body.error.message).toContain('is locked');
    expect(await rowsOf('rollback')).toEqual({ accounts: 1, documents: 3 });
    for (const file of files) expect(existsSync(fileOf(file))).toBe(true);
    expect(await outboxOf('rollback')).toEqual([]);

    await db.pool.query("UPDATE accounts SET locked = false WHERE tenant_id = 'rollback'");
    const retry = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl('rollback'));
    expect(retry.body.deleted_counts).toEqual(DELETED);
    for (const file of files) expect(existsSync(fileOf(file))).toBe(false);
  });
});

describe('a crash between the commit and the unlinks', () => {
  afterEach(async () => {
    await call('PUT', `${service.baseUrl}/admin/faults`, { body: {} });
  });

  /** Deletes with the crash knob on: the rows commit, the files stay recorded in the outbox. */
  async function crashAfterCommit(tenantId: string): Promise<string[]> {
    const files = await seed(tenantId);
    await call('PUT', `${service.baseUrl}/admin/faults`, { body: { crashBeforeFileRemoval: true } });
    await expect(call('DELETE', tenantUrl(tenantId))).rejects.toThrow();
    expect(await rowsOf(tenantId)).toEqual({ accounts: 0, documents: 0 });
    for (const file of files) expect(existsSync(fileOf(file))).toBe(true);
    expect(await outboxOf(tenantId)).toEqual(files);
    await call('PUT', `${service.baseUrl}/admin/faults`, { body: {} });
    return files;
  }

  /** A file written again at a removed path must survive: the outbox does not unlink it a second time. */
  async function expectRemovedOnce(files: string[], tenantId: string): Promise<void> {
    for (const file of files) expect(existsSync(fileOf(file))).toBe(false);
    expect(await outboxOf(tenantId)).toEqual([]);
    await writeFile(fileOf(files[0]), 'written again after the deletion');
    const repeat = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl(tenantId));
    expect(repeat.body.deleted_counts).toEqual({ accounts: 0, documents: 0, document_files: 0 });
    service = await restart(service);
    expect(existsSync(fileOf(files[0]))).toBe(true);
  }

  async function restart(previous: RunningDeletableService): Promise<RunningDeletableService> {
    await stop(previous);
    return start();
  }

  it('is finished by the next DELETE, which reports each file once', async () => {
    const files = await crashAfterCommit('crash-then-delete');
    const answer = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl('crash-then-delete'));
    expect(answer.status).toBe(200);
    expect(answer.body.deleted_counts).toEqual(DELETED);
    await expectRemovedOnce(files, 'crash-then-delete');
  });

  it('is finished at the next start, before any request; the next DELETE reports each file once', async () => {
    const files = await crashAfterCommit('crash-then-restart');
    logLines.length = 0;
    service = await restart(service);
    for (const file of files) expect(existsSync(fileOf(file))).toBe(false);
    expect(await outboxOf('crash-then-restart')).toEqual([]);
    const resumed = logLines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'finished file removals left by an interrupted deletion');
    expect(resumed).toEqual([expect.objectContaining({ tenantId: 'crash-then-restart', unlinked: 2 })]);

    const answer = await call<{ deleted_counts: Record<string, number> }>('DELETE', tenantUrl('crash-then-restart'));
    expect(answer.body.deleted_counts).toEqual(DELETED);
    await expectRemovedOnce(files, 'crash-then-restart');
  });

  it('in batches, each committed batch is finished by the next attempt', async () => {
    const batched = await start({ singleTransactionMaxRows: 0, batchSize: 2 });
    const files = await seed('crash-batched');
    const faultsUrl = `${batched.baseUrl}/admin/faults`;
    await call('PUT', faultsUrl, { body: { crashBeforeFileRemoval: true } });
    await expect(call('DELETE', tenantUrl('crash-batched', batched.baseUrl))).rejects.toThrow();
    expect(await rowsOf('crash-batched')).toEqual({ accounts: 1, documents: 1 });
    expect((await outboxOf('crash-batched')).length).toBeGreaterThan(0);

    await call('PUT', faultsUrl, { body: {} });
    const answer = await call<{ deleted_counts: Record<string, number> }>(
      'DELETE',
      tenantUrl('crash-batched', batched.baseUrl),
    );
    expect(answer.body.deleted_counts).toEqual(DELETED);
    for (const file of files) expect(existsSync(fileOf(file))).toBe(false);
    expect(await outboxOf('crash-batched')).toEqual([]);
    await stop(batched);
  });
});

describe("a row naming another tenant's file", () => {
  let batched: RunningDeletableService;
  let victim: string[];

  beforeAll(async () => {
    batched = await start({ singleTransactionMaxRows: 0, batchSize: 1 });
    victim = await seed('victim');
  });

  async function seedIntruder(tenantId: string, foreignPath: string): Promise<string[]> {
    const own = await seed(tenantId);
    await db.pool.query(`INSERT INTO documents (account_id, path) SELECT id, $2 FROM accounts WHERE tenant_id = $1`, [
      tenantId,
      foreignPath,
    ]);
    return own;
  }

  it.each([
    ['in one transaction', 'intruder-1', 'victim/docs/1.bin', () => service],
    ['by a symlink in its own directory', 'intruder-2', 'intruder-2/victim/1.bin', () => service],
    ['in batches', 'intruder-3', 'victim/docs/2.bin', () => batched],
  ])('is refused %s, naming the table and the path; nothing is deleted', async (_, tenantId, foreignPath, target) => {
    const own = await seedIntruder(tenantId, foreignPath);
    // Harmless where the row does not go through it.
    await symlink(fileOf('victim/docs'), fileOf(`${tenantId}/victim`));

    const answer = await call<{ error: { code: string; message: string } }>(
      'DELETE',
      tenantUrl(tenantId, target().baseUrl),
    );
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('FILE_PATH_REFUSED');
    expect(answer.body.error.message).toContain(`tenant ${tenantId}: documents.path`);
    expect(answer.body.error.message).toContain(JSON.stringify(foreignPath));

    expect(await rowsOf(tenantId)).toEqual({ accounts: 1, documents: 4 });
    for (const file of [...own, ...victim]) expect(existsSync(fileOf(file))).toBe(true);
    expect(await outboxOf(tenantId)).toEqual([]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM kit_deletion_runs WHERE tenant_id = $1', [
      tenantId,
    ]);
    expect(rows[0].n).toBe(0);
  });
});
