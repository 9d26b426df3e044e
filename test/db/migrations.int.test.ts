import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../common/config';

const repo = path.resolve(__dirname, '../..');
const databaseUrl = loadConfig().DATABASE_URL;

function runMigrations(): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(path.join(repo, 'node_modules/.bin/tsx'), ['db/cli.ts', 'up'], { cwd: repo, encoding: 'utf8' });
}

describe('database migrations', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
  });
  afterAll(() => client.end());

  it('re-applies without change', async () => {
    const before = await client.query('SELECT name FROM pgmigrations ORDER BY id');
    const first = runMigrations();
    const second = runMigrations();
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(second.stdout).toContain('no migrations to run');
    const after = await client.query('SELECT name FROM pgmigrations ORDER BY id');
    expect(after.rows).toEqual(before.rows);
    expect(after.rows.map((row) => row.name)).toContain('1763856000000_service-deletion-requests');
  });

  it('creates the ledger with the contract columns', async () => {
    const { rows } = await client.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'service_deletion_requests'`,
    );
    expect(rows.map((row) => row.column_name)).toEqual(
      expect.arrayContaining([
        'request_id',
        'tenant_id',
        'service_instance_id',
        'service_type',
        'trace_id',
        'workflow_id',
        'status',
        'retry_count',
        'created_at',
        'updated_at',
        'finished_at',
        'duration_ms',
        'failure_reason',
      ]),
    );
    const { rows: keys } = await client.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = 'service_deletion_requests'::regclass AND i.indisprimary`,
    );
    expect(keys).toEqual([{ attname: 'request_id' }]);
  });

  it('indexes the ledger by (tenant_id, service_instance_id)', async () => {
    const { rows } = await client.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'service_deletion_requests' AND indexname = $1`,
      ['service_deletion_requests_tenant_instance_idx'],
    );
    expect(rows[0]?.indexdef).toMatch(/\(tenant_id, service_instance_id\)/);
  });

  it('refuses a status outside the contract', async () => {
    await expect(
      client.query(
        `INSERT INTO service_deletion_requests (request_id, tenant_id, service_instance_id, service_type, trace_id, workflow_id, status)
         VALUES ('r-bad', 't', 'i', 's', 'tr', 'w', 'DONE')`,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
