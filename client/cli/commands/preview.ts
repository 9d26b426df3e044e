import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { MissingSecretError, resolveServiceTokenSecret } from '../../../common/service-token-secret';
import { FAILURE_TYPES, type ServiceInstance } from '@tenant-deletion/contract';
import { ServiceCallError, ServiceClient } from '@tenant-deletion/contract/service-client';
import { listInstances } from '../../../db/service-instances';
import { examples, jsonOption, parseIdentifier, positiveIntegerParser, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { EXIT, notFoundError, usageError } from '../exit-codes';
import { formatCount } from '../output';
import { resolveRequester } from '../requester';

interface PreviewOptions {
  requestedBy?: string;
  timeout: number;
  json?: boolean;
}

interface InstancePreview {
  serviceInstanceId: string;
  serviceType: string;
  baseUrl: string;
  counts: Record<string, number> | null;
  total: number | null;
  error: string | null;
  /** The failure's type (ServiceUnreachable, ServiceRejected…) when the service gave no preview. */
  errorType: string | null;
}

const CONCURRENCY = 8;
/** Failures that mean the service could not be reached at all: exit 3 rather than 1. */
const UNREACHABLE_TYPES: ReadonlySet<string> = new Set([FAILURE_TYPES.unreachable, FAILURE_TYPES.timeout]);

/** `tdel preview`: each active instance's `deletion-preview`, straight from the services; deletes nothing. */
export function registerPreview(program: Command, ctx: CliContext): void {
  program
    .command('preview')
    .description("ask each of the tenant's active service instances what a deletion would delete (deletes nothing)")
    .summary('what a deletion would delete, per service')
    .addArgument(tenantArgument())
    .option(
      '--requested-by <id>',
      'the token subject (default: $TDEL_USER, else your OS user name)',
      parseIdentifier('requestedBy'),
    )
    .option('--timeout <seconds>', 'how long to wait for each service', positiveIntegerParser('--timeout', 300), 10)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel preview tenant-12345', 'per-service counts and the total'],
        ['tdel preview tenant-12345 --json', 'as JSON'],
      ]) +
        '\nReads the instances from the inventory (DATABASE_URL) and calls GET {baseUrl}/tenant/{id}/deletion-preview\n' +
        "with a token for each service type (SERVICE_TOKEN_SECRET, or the local stack's secret).\n" +
        'Exit 1 when a service refused or broke the contract, 3 when one could not be reached.\n',
    )
    .action(async (tenantId: string, options: PreviewOptions) => {
      const config = ctx.config();
      const inventory = await ctx.withDb((db) => listInstances(db, tenantId));
      if (inventory.length === 0) {
        throw notFoundError(
          `tenant ${tenantId} has no service instances on record`,
          'import them with `tdel inventory import <file.json>` (or `npm run fleet:seed -- --tenant <id>`)',
        );
      }
      let secret: string;
      try {
        secret = resolveServiceTokenSecret(config.SERVICE_TOKEN_SECRET, ctx.env);
      } catch (error) {
        if (error instanceof MissingSecretError) throw usageError(error.message);
        throw error;
      }
      const active = inventory.filter((instance) => instance.status !== 'DELETED');
      const client = new ServiceClient(secret, resolveRequester(options.requestedBy, ctx.env));
      const traceId = `cli-preview-${randomUUID()}`;
      const previews = await mapConcurrently(active, CONCURRENCY, (instance) =>
        previewOne(client, tenantId, traceId, instance, options.timeout * 1000, ctx.signal),
      );

      const total = previews.reduce((sum, preview) => sum + (preview.total ?? 0), 0);
      const failed = previews.filter((preview) => preview.error !== null);
      const threshold = config.APPROVAL_THRESHOLD_RECORDS;
      ctx.exitCode =
        failed.length === 0
          ? EXIT.ok
          : failed.every((preview) => UNREACHABLE_TYPES.has(preview.errorType ?? ''))
            ? EXIT.notFound
            : EXIT.failed;

      const { out } = ctx;
      if (options.json) {
        out.json({
          tenantId,
          traceId,
          instances: previews,
          deletedInstances: inventory.length - active.length,
          total,
          complete: failed.length === 0,
          approvalThreshold: threshold,
          exceedsApprovalThreshold: total > threshold,
        });
        return;
      }
      out.line(
        out.table(
          ['INSTANCE', 'TYPE', 'RECORDS', 'TABLES'],
          previews.map((preview) => [
            preview.serviceInstanceId,
            preview.serviceType,
            preview.total === null ? out.c.red('error') : formatCount(preview.total),
            preview.error !== null
              ? out.c.red(preview.error)
              : Object.entries(preview.counts ?? {})
                  .filter(([, n]) => n > 0)
                  .map(([table, n]) => `${table}=${formatCount(n)}`)
                  .join(', ') || out.c.dim('nothing to delete'),
          ]),
          { align: ['left', 'left', 'right', 'left'] },
        ),
      );
      out.line('');
      const skipped = inventory.length - active.length;
      out.line(
        `${out.c.bold(formatCount(total))} records in ${active.length - failed.length}/${active.length} instance(s) would be deleted` +
          (skipped > 0 ? ` (${skipped} already deleted)` : '') +
          (failed.length > 0 ? out.c.red(`; ${failed.length} gave no preview, so the total is incomplete`) : ''),
      );
      if (total > threshold) {
        out.line(
          `${out.c.yellow('note:')} more than APPROVAL_THRESHOLD_RECORDS (${formatCount(threshold)}): a deletion would wait for an admin's approval`,
        );
      }
      out.line(out.c.dim('nothing was deleted'));
    });
}

async function previewOne(
  client: ServiceClient,
  tenantId: string,
  traceId: string,
  instance: ServiceInstance,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<InstancePreview> {
  const base = {
    serviceInstanceId: instance.serviceInstanceId,
    serviceType: instance.serviceType,
    baseUrl: instance.baseUrl,
  };
  try {
    const { counts, total } = await client.preview({
      baseUrl: instance.baseUrl,
      serviceType: instance.serviceType,
      tenantId,
      traceId,
      attempt: 1,
      requestTimeoutMs: timeoutMs,
      signal,
    });
    return { ...base, counts, total, error: null, errorType: null };
  } catch (error) {
    const type = error instanceof ServiceCallError ? error.type : null;
    return { ...base, counts: null, total: null, error: (error as Error).message, errorType: type };
  }
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
