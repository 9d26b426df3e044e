import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { tenantWorkflowId, type ControlResult } from '@tenant-deletion/contract';
import { approveDeletionUpdate, cancelDeletionUpdate, retryFailedDeletionUpdate } from '../../workflows/signals';
import type { CliContext } from './context';
import { CliError, EXIT, notFoundError, unreachableError } from './exit-codes';
import { isDeadlineExceeded, type TemporalSession } from './temporal-connection';
import { readTenantView, type TenantView } from './tenant-view';
import type { WebUi } from './web-ui';

/**
 * `cancel`, `retry` and `approve` run the tenant workflow's updates. The workflow's validator is the one judge
 * of what they may do (malformed input, unknown ids, nothing to do, a self-approval are refused before any state
 * changes) and the result says what happened to each instance and request. The CLI only turns the answer into
 * an exit code and a message that says what to do.
 */

export const TENANT_CONTROLS = {
  cancel: cancelDeletionUpdate,
  retry: retryFailedDeletionUpdate,
  approve: approveDeletionUpdate,
} as const;

export type ControlVerb = keyof typeof TENANT_CONTROLS;

/** What a control did, as `tdel cancel|retry|approve` print it (with `--json`, this document). */
export interface ControlDone extends ControlResult {
  tenantId: string;
  workflowId: string;
  /** The update that ran: cancelDeletion, retryFailedDeletion or approveDeletion. */
  update: string;
  webUiUrl: string;
}

/** The ids the command named, so that a refusal for an unknown one can exit 3 and list the known ones. */
export interface Named {
  instances?: readonly string[];
  requests?: readonly string[];
}

/** How long the workflow has to answer: an update needs a worker to run its validator and handler. */
const UPDATE_TIMEOUT_MS = 20_000;

export async function controlTenant<Input>(
  ctx: CliContext,
  verb: ControlVerb,
  tenantId: string,
  input: Input,
  named: Named = {},
): Promise<ControlDone> {
  const update = TENANT_CONTROLS[verb] as UpdateDefinition<ControlResult, [Input]>;
  const workflowId = tenantWorkflowId(tenantId);
  const webUi = ctx.webUi();
  return ctx.withTemporal(tenantId, async (session) => {
    try {
      const result = await session.client.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
        session.client.workflow.getHandle(workflowId).executeUpdate(update, { args: [input] }),
      );
      return { tenantId, workflowId, update: update.name, webUiUrl: webUi.workflow(workflowId), ...result };
    } catch (error) {
      throw await controlError(error, { session, webUi, verb, tenantId, named });
    }
  });
}

interface Attempt {
  session: TemporalSession;
  webUi: WebUi;
  verb: ControlVerb;
  tenantId: string;
  named: Named;
}

async function controlError(error: unknown, attempt: Attempt): Promise<unknown> {
  const { verb, tenantId } = attempt;
  if (error instanceof WorkflowUpdateFailedError) return refusal(error.cause?.message ?? error.message, attempt);
  if (error instanceof WorkflowNotFoundError) {
    // Also what Temporal answers when the workflow exists but has closed: say which (reading it throws when none).
    const view = await readTenantView(attempt.session, attempt.webUi, tenantId);
    if (view.workflowStatus === 'RUNNING') return error;
    return notFoundError(
      `the deletion of tenant ${tenantId} has already ended (${view.status ?? view.workflowStatus}): nothing to ${verb}`,
      `see it with \`tdel status ${tenantId}\`, or request a new one with \`tdel delete ${tenantId}\``,
    );
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(error)) {
    return unreachableError(
      `the deletion of tenant ${tenantId} did not answer the ${verb} within ${UPDATE_TIMEOUT_MS / 1000} s: ` +
        'are the workers running? start them with `npm run worker`',
      `a worker may still apply it when it picks the workflow up: check with \`tdel status ${tenantId}\``,
    );
  }
  return error;
}

/** The validator said no: exit 3 when the command named an id the deletion does not have, else exit 1. */
async function refusal(reason: string, { session, webUi, verb, tenantId, named }: Attempt): Promise<CliError> {
  const message = `${verb} refused: ${reason}`;
  const view = named.instances || named.requests ? await readTenantView(session, webUi, tenantId) : undefined;
  // Only the progress query knows every id; without it (no answer) the refusal stands as it is.
  const unknown = view?.source === 'progress' ? unknownIds(view, named) : undefined;
  if (unknown) return notFoundError(message, `${unknown}; see \`tdel status ${tenantId}\``);
  return new CliError(message, EXIT.failed, `see \`tdel status ${tenantId}\``, 'REFUSED');
}

/** Which named ids the deletion does not have, and the ones it has (at most 10 named). */
export function unknownIds(view: Pick<TenantView, 'instances' | 'requests'>, named: Named): string | undefined {
  const lists = [
    ['instance', named.instances, view.instances.map((i) => i.serviceInstanceId)],
    ['request', named.requests, view.requests.map((r) => r.requestId)],
  ] as const;
  for (const [what, asked, known] of lists) {
    const missing = (asked ?? []).filter((id) => !known.includes(id));
    if (missing.length === 0) continue;
    const shown = known.slice(0, 10).join(', ') + (known.length > 10 ? `, and ${known.length - 10} more` : '');
    return `it has no ${what} ${missing.join(', ')} (${known.length > 0 ? `it has ${shown}` : 'it has none'})`;
  }
  return undefined;
}
