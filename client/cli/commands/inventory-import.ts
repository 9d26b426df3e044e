import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type pg from 'pg';
import { identifier } from '../../../common/identifiers';
import {
  InventoryValidationError,
  listInstances,
  serviceInstanceSchema,
  upsertInstances,
  type ServiceInstance,
} from '../../../db/service-instances';
import { examples, jsonOption } from '../arguments';
import type { CliContext } from '../context';
import { EXIT, usageError } from '../exit-codes';

interface ImportOptions {
  dryRun: boolean;
  json?: boolean;
}

type RowResult = 'inserted' | 'updated' | 'unchanged' | 'invalid' | 'valid';

interface RowReport {
  index: number;
  tenantId: string | null;
  serviceInstanceId: string | null;
  result: RowResult;
  problems: string[];
}

const FIELDS = ['tenantId', ...Object.keys(serviceInstanceSchema.shape)];
const EXAMPLE_ROW =
  '{ "tenantId": "tenant-12345", "serviceInstanceId": "orders-1", "serviceType": "orders", ' +
  '"baseUrl": "http://orders:8000/api/v1/orders", "dependsOn": ["inventory-1"], "status": "ACTIVE" }';

/**
 * `tdel inventory import`: rows of any number of tenants from one JSON file, validated row by row and written in
 * one transaction, so that one bad row leaves the database as it was.
 */
export function registerInventoryImport(inventory: Command, ctx: CliContext): void {
  inventory
    .command('import')
    .description('import service instances from a JSON file (all rows or none)')
    .summary('import instances from a JSON file')
    .argument('<file>', 'a JSON array of instances; - reads standard input')
    .option('--dry-run', 'validate and report, writing nothing', false)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel inventory import instances.json', 'write the rows, reporting each'],
        ['tdel inventory import instances.json --dry-run', 'only validate'],
        ['cat instances.json | tdel inventory import -', 'from standard input'],
      ]) +
        `\nEach row: ${EXAMPLE_ROW}\n` +
        '(dependsOn defaults to [], status to ACTIVE). A row that depends on an instance names one in the file\n' +
        'or already on record for its tenant. Any invalid row: every problem is reported, nothing is written, exit 2.\n',
    )
    .action(async (file: string, options: ImportOptions) => {
      const rows = await readRows(ctx, file);
      const { reports, written } = await ctx.withDb((db) => importRows(db, rows, options.dryRun));
      const invalid = reports.filter((report) => report.result === 'invalid');
      const count = (result: RowResult) => reports.filter((report) => report.result === result).length;
      const summary = {
        rows: reports.length,
        invalid: invalid.length,
        inserted: count('inserted'),
        updated: count('updated'),
        unchanged: count('unchanged'),
        tenants: new Set(reports.map((report) => report.tenantId).filter(Boolean)).size,
      };
      if (invalid.length > 0) ctx.exitCode = EXIT.usage;

      const { out } = ctx;
      if (options.json) {
        out.json({ file, written, dryRun: options.dryRun, summary, rows: reports });
        return;
      }
      const would = written ? '' : 'would be ';
      const shown: Record<RowResult, string> = {
        inserted: out.c.green(`${would}inserted`),
        updated: out.c.cyan(`${would}updated`),
        unchanged: out.c.dim(`${would}unchanged`),
        valid: out.c.green('valid, not written'),
        invalid: out.c.red('invalid'),
      };
      out.line(
        out.table(
          ['ROW', 'TENANT', 'INSTANCE', 'RESULT'],
          reports.map((report) => [
            report.index,
            report.tenantId ?? '?',
            report.serviceInstanceId ?? '?',
            report.problems.length > 0
              ? `${shown[report.result]}: ${report.problems.join('; ')}`
              : shown[report.result],
          ]),
          { align: ['right', 'left', 'left', 'left'] },
        ),
      );
      out.line('');
      if (invalid.length > 0) {
        out.line(
          `${out.c.red('refused')}: ${invalid.length} of ${reports.length} row(s) invalid (rows ${invalid.map((r) => r.index).join(', ')}); nothing was written`,
        );
        out.note(`fix the rows above and import again; each row: ${EXAMPLE_ROW}`);
      } else if (!written) {
        out.line(
          `valid: ${reports.length} row(s) for ${summary.tenants} tenant(s) would be written ` +
            `(${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged); nothing was written (--dry-run)`,
        );
      } else {
        out.line(
          `imported ${reports.length} row(s) for ${summary.tenants} tenant(s): ` +
            `${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged`,
        );
      }
    });
}

async function readRows(ctx: CliContext, file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = file === '-' ? await readStream(ctx.io.stdin) : await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
    throw usageError(`cannot read ${file}: ${why}`, 'give the path of a JSON file, or - for standard input');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw usageError(`${file} must hold a JSON array of instances`, `each row: ${EXAMPLE_ROW}`);
  }
  if (parsed.length === 0) throw usageError(`${file} holds an empty array: nothing to import`);
  return parsed;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Problems a row has before its tenant's batch is checked: its shape, its tenantId, fields the contract lacks. */
function rowProblems(row: unknown): { tenantId: string | null; serviceInstanceId: string | null; problems: string[] } {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return { tenantId: null, serviceInstanceId: null, problems: ['row: must be a JSON object'] };
  }
  const record = row as Record<string, unknown>;
  const problems: string[] = [];
  const tenant = identifier.safeParse(record.tenantId);
  if (!tenant.success) {
    problems.push(`tenantId: ${record.tenantId === undefined ? 'missing' : tenant.error.issues[0].message}`);
  }
  const unknown = Object.keys(record).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) problems.push(`unknown field(s) ${unknown.join(', ')} (fields: ${FIELDS.join(', ')})`);
  const instanceId = identifier.safeParse(record.serviceInstanceId);
  return {
    tenantId: tenant.success ? tenant.data : null,
    serviceInstanceId: instanceId.success ? instanceId.data : null,
    problems,
  };
}

function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  return (
    a.serviceType === b.serviceType &&
    a.baseUrl === b.baseUrl &&
    a.status === b.status &&
    a.dependsOn.length === b.dependsOn.length &&
    a.dependsOn.every((id, position) => id === b.dependsOn[position])
  );
}

async function importRows(
  pool: pg.Pool,
  rows: unknown[],
  dryRun: boolean,
): Promise<{ reports: RowReport[]; written: boolean }> {
  const reports: RowReport[] = rows.map((row, index) => ({ index, ...rowProblems(row), result: 'valid' as RowResult }));
  for (const report of reports) {
    if (report.problems.length > 0 && report.tenantId === null) {
      // Without a tenant the batch checks cannot run: report what the row itself gets wrong.
      const parsed = serviceInstanceSchema.safeParse(rows[report.index]);
      if (!parsed.success && typeof rows[report.index] === 'object') {
        report.problems.push(
          ...parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`),
        );
      }
    }
  }
  const byTenant = new Map<string, number[]>();
  for (const report of reports) {
    if (report.tenantId !== null)
      byTenant.set(report.tenantId, [...(byTenant.get(report.tenantId) ?? []), report.index]);
  }

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const [tenantId, indexes] of byTenant) {
      const before = new Map((await listInstances(client, tenantId)).map((i) => [i.serviceInstanceId, i]));
      try {
        await upsertInstances(
          client,
          tenantId,
          indexes.map((index) => rows[index]),
        );
      } catch (error) {
        if (!(error instanceof InventoryValidationError)) throw error;
        for (const refused of error.rows) reports[indexes[refused.index]].problems.push(...refused.problems);
        continue;
      }
      for (const index of indexes) {
        const instance = serviceInstanceSchema.parse(rows[index]);
        const existing = before.get(instance.serviceInstanceId);
        reports[index].result = !existing ? 'inserted' : sameInstance(existing, instance) ? 'unchanged' : 'updated';
      }
    }
    const refused = reports.some((report) => report.problems.length > 0);
    for (const report of reports) {
      if (report.problems.length > 0) report.result = 'invalid';
      else if (refused) report.result = 'valid';
    }
    const written = !refused && !dryRun;
    await client.query(written ? 'COMMIT' : 'ROLLBACK');
    return { reports, written };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
