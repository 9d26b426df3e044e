import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type pg from 'pg';
import { identifier, serviceInstanceSchema, type ServiceInstance } from '@tenant-deletion/contract';
import { WorkerConfigError } from '../../../common/worker-config';
import { InventoryValidationError, listInstances, upsertInstances } from '../../../db/service-instances';
import { examples, jsonOption } from '../arguments';
import type { CliContext } from '../context';
import { EXIT, usageError } from '../exit-codes';
import type { Output } from '../output';
import {
  readServedTypes,
  unservedHint,
  unservedLines,
  unservedServiceTypes,
  workerConfigFile,
  type ServedTypes,
  type UnservedType,
} from '../served-service-types';

interface ImportOptions {
  dryRun: boolean;
  allowUnservedTypes: boolean;
  json?: boolean;
}

/** The service types checked against the worker config: `unserved` is null when the config could not be read. */
type TypeCheck =
  | { file: string; served: ServedTypes; unserved: UnservedType[] }
  | { file: string; served: null; unserved: null; unreadable: string };

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
    .option(
      '--allow-unserved-types',
      'import rows whose serviceType no worker group lists (a warning instead of a refusal), e.g. before that group is deployed',
      false,
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel inventory import instances.json', 'write the rows, reporting each'],
        ['tdel inventory import instances.json --dry-run', 'only validate'],
        ['cat instances.json | tdel inventory import -', 'from standard input'],
        ['WORKER_CONFIG=prod-workers.json tdel inventory import instances.json', 'check types against that config'],
        ['tdel inventory import billing.json --allow-unserved-types', 'before the billing workers are deployed'],
      ]) +
        `\nEach row: ${EXAMPLE_ROW}\n` +
        '(dependsOn defaults to [], status to ACTIVE). A row that depends on an instance names one in the file\n' +
        'or already on record for its tenant. Any invalid row: every problem is reported, nothing is written, exit 2.\n' +
        '\nA row whose serviceType no group of the worker config lists in its serviceTypes is invalid too: no worker\n' +
        "polls that type's queue (service-deletion.<type>), so its deletions would wait forever. The worker config\n" +
        'is the file WORKER_CONFIG names, as for `npm run worker`, else workers/worker-config.json in the repository.\n' +
        '--allow-unserved-types imports such rows anyway, with a warning on stderr.\n',
    )
    .action(async (file: string, options: ImportOptions) => {
      const rows = await readRows(ctx, file);
      const types = checkServiceTypes(ctx, rows, options.allowUnservedTypes);
      const refusedTypes = options.allowUnservedTypes ? [] : (types.unserved ?? []);
      const unservedProblems = new Map(
        refusedTypes.flatMap(({ serviceType, rows: indexes }) =>
          indexes.map((index) => [index, `serviceType: ${serviceType} is in no worker group's serviceTypes`] as const),
        ),
      );
      const { reports, written } = await ctx.withDb((db) => importRows(db, rows, options.dryRun, unservedProblems));
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
        reportTypes(out, types, rows, options.allowUnservedTypes);
        out.json({
          file,
          written,
          dryRun: options.dryRun,
          summary,
          rows: reports,
          workerConfig: types.file,
          unservedServiceTypes: types.unserved,
        });
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
        const otherwise = invalid.some(
          (report) => report.problems.length > (unservedProblems.has(report.index) ? 1 : 0),
        );
        if (otherwise) out.note(`fix the rows above and import again; each row: ${EXAMPLE_ROW}`);
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
      reportTypes(out, types, rows, options.allowUnservedTypes);
    });
}

/**
 * The rows' service types against the worker config. An unreadable config refuses the import (exit 2) unless
 * unserved types are allowed, when the import goes on unchecked.
 */
function checkServiceTypes(ctx: CliContext, rows: unknown[], allowUnserved: boolean): TypeCheck {
  const file = workerConfigFile(ctx.env);
  try {
    const served = readServedTypes(file);
    return { file, served, unserved: unservedServiceTypes(rows, served.served) };
  } catch (error) {
    if (!(error instanceof WorkerConfigError)) throw error;
    if (allowUnserved) return { file, served: null, unserved: null, unreadable: error.message };
    throw usageError(
      `cannot check the rows' service types against the worker config: ${error.message}`,
      'point WORKER_CONFIG at the worker config the workers run with, or pass --allow-unserved-types to import unchecked',
    );
  }
}

/** On stderr, so that stdout keeps the table or the one JSON document: the unserved types, refused or allowed. */
function reportTypes(out: Output, types: TypeCheck, rows: unknown[], allowUnserved: boolean): void {
  if (types.served === null) {
    out.warn(`service types not checked (--allow-unserved-types): ${types.unreadable}`);
    return;
  }
  const { unserved } = types;
  if (unserved.length === 0) return;
  const [one, names] = [unserved.length === 1, unserved.map((type) => type.serviceType).join(', ')];
  const which = `no worker group in ${types.file} lists service type${one ? '' : 's'} ${names}`;
  const lines = unservedLines(unserved, rows).join('\n');
  if (allowUnserved) {
    out.warn(
      `${which}, allowed by --allow-unserved-types: ${one ? 'its' : 'their'} instances' deletions will wait ` +
        `until a group lists ${one ? 'it' : 'them'} and that group's workers run:\n${lines}`,
    );
    return;
  }
  out.error(
    `${which}: no worker polls ${one ? 'its queue' : 'their queues'}, so ${one ? 'its' : 'their'} instances' ` +
      `deletions would wait forever; nothing was written:\n${lines}`,
    unservedHint(types.served),
  );
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
  unservedProblems: ReadonlyMap<number, string>,
): Promise<{ reports: RowReport[]; written: boolean }> {
  const reports: RowReport[] = rows.map((row, index) => ({ index, ...rowProblems(row), result: 'valid' as RowResult }));
  for (const [index, problem] of unservedProblems) reports[index].problems.push(problem);
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
