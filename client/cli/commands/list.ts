import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { Command } from 'commander';
import { WORKFLOW_TYPES, type DeletionStatus } from '@tenant-deletion/contract';
import { atRiskFrom, AT_RISK_DAYS, type DeadlineStanding } from '../../../common/gdpr-deadline';
import { DELETION_STATUS, GDPR_MODE, TENANT_ID } from '@tenant-deletion/client/search-attributes';
import { examples, jsonOption, positiveIntegerParser, statusOption } from '../arguments';
import type { CliContext } from '../context';
import { dueDate } from '../due-date';
import { formatTime, type Output } from '../output';
import { deletionsQuery } from '../web-ui';

interface ListOptions {
  status?: DeletionStatus;
  overdue?: boolean;
  limit: number;
  json?: boolean;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;

/** `tdel list`: tenant deletions from Temporal visibility, by DeletionStatus, with the same query as a Web UI link. */
export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description(
      'list tenant deletions, newest first, optionally in one DeletionStatus, or those near their GDPR deadline',
    )
    .summary('list deletions, by status or GDPR deadline')
    .addOption(statusOption())
    .option(
      '--overdue',
      `only running GDPR deletions past their deadline (OVERDUE) or due within ${AT_RISK_DAYS} days (AT RISK)`,
    )
    .option(
      '-n, --limit <n>',
      `show at most n deletions (default ${DEFAULT_LIMIT})`,
      positiveIntegerParser('--limit', MAX_LIMIT),
      DEFAULT_LIMIT,
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel list', 'recent deletions'],
        ['tdel list --status FAILED', 'deletions waiting for retry or cancel'],
        ['tdel list --status IN_PROGRESS --json', 'as JSON'],
        ['tdel list --overdue', 'GDPR deletions overdue or at risk of it'],
      ]) +
        '\nA GDPR request is due one month after it was made (Art. 12(3)); DUE shows when, flagged OVERDUE or\n' +
        `AT RISK (within ${AT_RISK_DAYS} days) while the deletion runs. Also prints the Web UI link of the same query.\n`,
    )
    .action(async (options: ListOptions) => {
      const now = new Date();
      const query = deletionsQuery({
        status: options.status,
        dueBefore: options.overdue ? atRiskFrom(now) : undefined,
      });
      const webUiUrl = ctx.webUi().query(query);
      const { workflows, truncated } = await ctx.withTemporal(undefined, async ({ client }) => {
        const found = new Map<string, ReturnType<typeof row>>();
        // Runs that continued as new are listed too: keep the newest run of each tenant's workflow.
        for await (const info of client.workflow.list({ query, pageSize: Math.min(options.limit * 2, 1000) })) {
          if (info.type !== WORKFLOW_TYPES.tenant || found.has(info.workflowId)) continue;
          if (found.size === options.limit) return { workflows: [...found.values()], truncated: true };
          found.set(info.workflowId, row(info, now));
        }
        return { workflows: [...found.values()], truncated: false };
      });

      const { out } = ctx;
      if (options.json) {
        out.json({ query, webUiUrl, count: workflows.length, truncated, workflows });
        return;
      }
      if (workflows.length === 0) {
        out.line(
          `no tenant deletions${options.status ? ` in status ${options.status}` : ''}${options.overdue ? ' overdue or at risk' : ''}`,
        );
      } else {
        out.line(
          out.table(
            ['TENANT', 'STATUS', 'WORKFLOW', 'GDPR', 'DUE', 'STARTED', 'CLOSED'],
            workflows.map((w) => [
              w.tenantId,
              w.deletionStatus ? out.status(w.deletionStatus) : '-',
              out.status(w.workflowStatus),
              w.gdprMode ? 'yes' : 'no',
              dueCell(out, w.dueAt, w.deadline),
              w.startTime,
              w.closeTime ?? '-',
            ]),
          ),
        );
        out.line('');
        out.line(`${workflows.length} deletion(s)${truncated ? ` (the newest ${options.limit}; see --limit)` : ''}`);
      }
      out.line(`Web UI: ${webUiUrl}`);
    });
}

function dueCell(out: Output, dueAt: string | null, deadline: DeadlineStanding | null): string {
  if (!dueAt) return '-';
  if (deadline === 'OVERDUE') return out.c.red(`${dueAt} OVERDUE`);
  if (deadline === 'AT_RISK') return out.c.yellow(`${dueAt} AT RISK`);
  return dueAt;
}

function row(info: WorkflowExecutionInfo, now: Date) {
  return {
    tenantId: info.typedSearchAttributes.get(TENANT_ID) ?? info.workflowId.replace(/^[^:]*:/, ''),
    workflowId: info.workflowId,
    runId: info.runId,
    workflowStatus: info.status.name,
    deletionStatus: (info.typedSearchAttributes.get(DELETION_STATUS) as DeletionStatus | undefined) ?? null,
    gdprMode: info.typedSearchAttributes.get(GDPR_MODE) ?? false,
    startTime: formatTime(info.startTime),
    closeTime: info.closeTime ? formatTime(info.closeTime) : null,
    ...dueDate(info, now),
  };
}
