import { AT_RISK_DAYS } from '../../common/gdpr-deadline';
import { formatCount, type Output } from './output';
import { recordsIn, type RequestView, type TenantView } from './tenant-view';

/** A tenant's deletion as text: a headline, a table of instances, totals, dry-run previews and what to do next. */

const ERROR_WIDTH = 70;

function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function summaryLine(out: Output, view: TenantView): string {
  const { totals } = view;
  const parts = [`${totals.COMPLETED}/${totals.instances} instances deleted`];
  if (totals.FAILED) parts.push(out.c.red(`${totals.FAILED} failed`));
  if (totals.ON_HOLD) parts.push(out.c.yellow(`${totals.ON_HOLD} on legal hold`));
  if (totals.IN_PROGRESS) parts.push(`${totals.IN_PROGRESS} in progress`);
  if (totals.PENDING) parts.push(`${totals.PENDING} pending`);
  if (totals.CANCELLED) parts.push(`${totals.CANCELLED} cancelled`);
  if (totals.REJECTED) parts.push(`${totals.REJECTED} rejected`);
  parts.push(`${formatCount(totals.deletedRecords)} records deleted`);
  return parts.join(', ');
}

/** What the operator can do next, given where the deletion stands. */
export function nextSteps(view: TenantView): string[] {
  const id = view.tenantId;
  if (view.workflowStatus !== 'RUNNING') return [];
  switch (view.status) {
    case 'FAILED':
      return [`\`tdel retry ${id}\` tries the failed instances again; \`tdel cancel ${id}\` gives them up`];
    case 'ON_HOLD':
      return [`an instance waits on a legal hold: it resumes when the hold is lifted, or \`tdel cancel ${id}\``];
    case 'AWAITING_APPROVAL':
      return [`the deletion waits for approval: \`tdel approve ${id}\`, by someone other than its requester`];
    case 'PENDING':
    case 'IN_PROGRESS':
      return [`follow it with \`tdel status ${id} --watch\``];
    default:
      return [];
  }
}

/** GDPR requests are due one month after they were made: say where a running deletion stands against that. */
export function deadlineLine(out: Output, view: TenantView): string | null {
  if (!view.dueAt) return null;
  switch (view.deadline) {
    case 'OVERDUE':
      return out.c.red(`OVERDUE: the GDPR deadline was ${view.dueAt}`);
    case 'AT_RISK':
      return out.c.yellow(`AT RISK: the GDPR deadline is ${view.dueAt}, within ${AT_RISK_DAYS} days`);
    case 'ON_TIME':
      return `GDPR deadline ${view.dueAt}`;
    default:
      return `GDPR deadline was ${view.dueAt}`;
  }
}

export function renderTenantView(out: Output, view: TenantView): string {
  const { c } = out;
  const lines: string[] = [];
  const state = view.status ? out.status(view.status) : c.dim('status unknown');
  lines.push(
    `${c.bold(`tenant ${view.tenantId}`)}: ${state}  ${c.dim(`(workflow ${view.workflowId}, ${view.workflowStatus.toLowerCase()})`)}`,
  );
  lines.push(`Web UI: ${view.webUiUrl}`);
  if (view.instances.length > 0) {
    lines.push('');
    lines.push(
      out.table(
        ['INSTANCE', 'TYPE', 'STATUS', 'RECORDS', 'ATTEMPTS', 'LAST ERROR'],
        view.instances.map((instance) => [
          instance.serviceInstanceId,
          instance.serviceType,
          out.status(instance.status),
          formatCount(instance.deletedRecords),
          instance.attempts,
          instance.lastError ? shorten(instance.lastError, ERROR_WIDTH) : '',
        ]),
        { align: ['left', 'left', 'left', 'right', 'right', 'left'] },
      ),
    );
    lines.push('');
    lines.push(summaryLine(out, view));
  }
  for (const request of view.requests.filter((candidate) => candidate.dryRun)) lines.push(...dryRunLines(out, request));
  for (const request of view.requests.filter((candidate) => candidate.status === 'REJECTED')) {
    lines.push(`${out.status('REJECTED')} request ${request.requestId}: ${request.reason ?? 'no reason given'}`);
  }
  const deadline = deadlineLine(out, view);
  if (deadline) lines.push(deadline);
  if (view.certificateId) lines.push(`certificate: ${view.certificateId}`);
  if (view.note) lines.push(`${c.yellow('note:')} ${view.note}`);
  for (const step of nextSteps(view)) lines.push(`${c.dim('next:')} ${step}`);
  return lines.join('\n');
}

/** A dry run: what it would delete in all, then per instance and table (or a total only, for very large ones). */
export function dryRunLines(out: Output, request: RequestView): string[] {
  const head = `dry run ${request.requestId} (${out.status(request.status)})`;
  if (!request.preview) return [`${head}: ${out.c.dim('no counts yet')}`];
  const entries = Object.entries(request.preview);
  const total = entries.reduce((sum, [, counts]) => sum + recordsIn(counts), 0);
  return [
    `${head}: would delete ${formatCount(total)} records in ${entries.length} instance${entries.length === 1 ? '' : 's'}`,
    ...entries.map(([instance, counts]) => {
      const tables = Object.entries(counts).map(([table, n]) => `${table}=${formatCount(n)}`);
      return `  ${instance}: ${tables.length > 0 ? tables.join(', ') : out.c.dim('nothing')}`;
    }),
  ];
}
