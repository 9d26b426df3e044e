import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  FAILURE_TYPES,
  ORCHESTRATION_TASK_QUEUE,
  tenantPreviewWorkflowId,
  WORKFLOW_TYPES,
} from '@tenant-deletion/contract';
import type { TenantPreviewWorkflow } from '../../../workflows/tenant-preview-workflow';
import { examples, jsonOption, parseIdentifier, positiveIntegerParser, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { CliError, EXIT, notFoundError, unreachableError } from '../exit-codes';
import { formatCount } from '../output';
import { resolveRequester } from '../requester';

interface PreviewOptions {
  requestedBy?: string;
  timeout: number;
  json?: boolean;
}

/** Failures that mean the service could not be reached at all: exit 3 rather than 1. */
const UNREACHABLE_TYPES: ReadonlySet<string> = new Set([FAILURE_TYPES.unreachable, FAILURE_TYPES.timeout]);
/** The whole preview's bound, so that a missing worker is reported instead of waited for. */
const RUN_TIMEOUT_SECONDS = 600;

/**
 * `tdel preview`: each active instance's `deletion-preview`, asked by the workers (TenantPreviewWorkflow) with the
 * orchestrator's tokens, so the CLI holds no key a service accepts; deletes nothing.
 */
export function registerPreview(program: Command, ctx: CliContext): void {
  program
    .command('preview')
    .description("ask each of the tenant's active service instances what a deletion would delete (deletes nothing)")
    .summary('what a deletion would delete, per service')
    .addArgument(tenantArgument())
    .option(
      '--requested-by <id>',
      'who asks, recorded in the preview workflow (default: $TDEL_USER, else your OS user name)',
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
        `\nRuns the workflow ${WORKFLOW_TYPES.tenantPreview} on the ${ORCHESTRATION_TASK_QUEUE} queue: the workers read the\n` +
        "tenant's instances from the inventory and call GET {baseUrl}/tenant/{id}/deletion-preview with their own\n" +
        'tokens (`npm run worker` must be running). Exit 1 when a service refused or broke the contract, 3 when one\n' +
        'could not be reached or the tenant has no instances on record.\n',
    )
    .action(async (tenantId: string, options: PreviewOptions) => {
      const config = ctx.config();
      const requestedBy = resolveRequester(options.requestedBy, ctx.env);
      const traceId = `cli-preview-${randomUUID()}`;
      const result = await ctx.withTemporal(tenantId, async (session) => {
        await requirePoller(session.client, session.target.namespace);
        return session.client.workflow
          .execute<typeof TenantPreviewWorkflow>(WORKFLOW_TYPES.tenantPreview, {
            workflowId: tenantPreviewWorkflowId(tenantId, randomUUID()),
            taskQueue: ORCHESTRATION_TASK_QUEUE,
            args: [{ tenantId, traceId, requestedBy, timeoutSeconds: options.timeout }],
            workflowExecutionTimeout: `${RUN_TIMEOUT_SECONDS}s`,
          })
          .catch((error: unknown) => {
            throw previewFailed(error, tenantId);
          });
      });
      if (result.inventoryInstances === 0) {
        throw notFoundError(
          `tenant ${tenantId} has no service instances on record`,
          'import them with `tdel inventory import <file.json>` (or `npm run fleet:seed -- --tenant <id>`)',
        );
      }
      const previews = result.instances;
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
          deletedInstances: result.deletedInstances,
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
      const skipped = result.deletedInstances;
      out.line(
        `${out.c.bold(formatCount(total))} records in ${previews.length - failed.length}/${previews.length} instance(s) would be deleted` +
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

/**
 * A preview nobody runs would wait out its whole timeout: refuse at once when no worker has polled the orchestration
 * queue lately (Temporal lists the pollers of the last minutes).
 */
async function requirePoller(client: Client, namespace: string): Promise<void> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: ORCHESTRATION_TASK_QUEUE },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  if (!pollers?.length) {
    throw unreachableError(
      `no worker polls the ${ORCHESTRATION_TASK_QUEUE} queue, so nothing would run the preview`,
      'start the workers with `npm run worker` (the workers ask the services; tdel holds no service token)',
    );
  }
}

/** A run that ended without a result: most often no worker polls the orchestration queue. */
function previewFailed(error: unknown, tenantId: string): unknown {
  if (!(error instanceof WorkflowFailedError)) return error;
  const cause = error.cause as Error | undefined;
  const timedOut = cause?.name === 'TimeoutFailure' || /timed out/i.test(error.message);
  return new CliError(
    `the preview of tenant ${tenantId} did not finish: ${cause?.message ?? error.message}`,
    timedOut ? EXIT.notFound : EXIT.failed,
    timedOut
      ? `is a worker polling ${ORCHESTRATION_TASK_QUEUE}? start one with \`npm run worker\``
      : `see the ${WORKFLOW_TYPES.tenantPreview} run in the Web UI`,
    'PREVIEW_FAILED',
  );
}
