import { tenantWorkflowId, type ControlResult } from '@tenant-deletion/contract';
import { openApi, type ApiOptions } from './api-access';
import { ApiRefusal, refusalError } from './api-client';
import type { CliContext } from './context';
import { CliError, notFoundError } from './exit-codes';
import { unknownIds, type ControlDone, type ControlVerb, type Named } from './tenant-control';
import { readTenantView } from './tenant-view';

/**
 * `cancel`, `retry` and `approve` through the deletion API (`POST /api/v1/tenants/{id}/deletion/{verb}`), which
 * checks the token and the right, then runs the tenant workflow's update. The workflow's validator is still the one
 * judge of what they may do; the API answers 409 with its reason, 403 for a subject without the right (a
 * self-approval included). Where the answer alone would be vague (an id the deletion does not have, a deletion
 * that ended), tdel reads the deletion through Temporal, read-only, to say which.
 */

/** What the API answers to a control: the update's result with the tenant, workflow and update named. */
interface ControlAnswer extends ControlResult {
  tenantId: string;
  workflowId: string;
  update: string;
  approvedBy?: string;
}

export type ApiControlDone = ControlDone & { approvedBy?: string };

export async function controlThroughApi(
  ctx: CliContext,
  verb: ControlVerb,
  tenantId: string,
  body: Record<string, unknown>,
  named: Named,
  options: ApiOptions,
): Promise<ApiControlDone> {
  const api = await openApi(ctx, options);
  try {
    const answer = await api.client.call<ControlAnswer>({
      method: 'POST',
      path: `/api/v1/tenants/${encodeURIComponent(tenantId)}/deletion/${verb}`,
      body,
    });
    const { instances, requests } = answer;
    // The API names the approver (the token's subject); the token says the same when the answer does not.
    const approvedBy = verb === 'approve' ? (answer.approvedBy ?? api.subject) : undefined;
    return {
      tenantId,
      workflowId: answer.workflowId ?? tenantWorkflowId(tenantId),
      update: answer.update,
      webUiUrl: ctx.webUi().workflow(answer.workflowId ?? tenantWorkflowId(tenantId)),
      instances,
      requests,
      ...(approvedBy ? { approvedBy } : {}),
    };
  } catch (error) {
    if (!(error instanceof ApiRefusal)) throw error;
    throw await explained(ctx, error, verb, tenantId, named);
  }
}

async function explained(
  ctx: CliContext,
  refusal: ApiRefusal,
  verb: ControlVerb,
  tenantId: string,
  named: Named,
): Promise<CliError> {
  const plain = refusalError(refusal, verb, tenantId);
  // 409: the workflow refused. Exit 3, as before the API, when the deletion has ended or the command named an id
  // the deletion does not have; Temporal, read-only, says which.
  if (refusal.status === 409) {
    const view = await deletionView(ctx, tenantId);
    if (view && view.workflowStatus !== 'RUNNING') return ended(tenantId, verb, view.status ?? view.workflowStatus);
    const unknown = view?.source === 'progress' ? unknownIds(view, named) : undefined;
    return unknown ? notFoundError(plain.message, `${unknown}; see \`tdel status ${tenantId}\``) : plain;
  }
  // 404 for a registered tenant: no deletion workflow, or one that has ended. Temporal says which.
  if (refusal.status === 404 && refusal.code !== 'TENANT_NOT_FOUND') {
    try {
      const view = await ctx.withTemporal(tenantId, (session) => readTenantView(session, ctx.webUi(), tenantId));
      return view.workflowStatus === 'RUNNING' ? plain : ended(tenantId, verb, view.status ?? view.workflowStatus);
    } catch (error) {
      // "no deletion workflow for tenant …" with its hint, when Temporal has none.
      if (error instanceof CliError && error.message.startsWith('no deletion workflow')) return error;
      return plain;
    }
  }
  return plain;
}

function ended(tenantId: string, verb: ControlVerb, status: string): CliError {
  return notFoundError(
    `the deletion of tenant ${tenantId} has already ended (${status}): nothing to ${verb}`,
    `see it with \`tdel status ${tenantId}\`, or request a new one with \`tdel delete ${tenantId}\``,
  );
}

/** The deletion as Temporal shows it, or undefined when it cannot be read: the API's answer then stands alone. */
async function deletionView(ctx: CliContext, tenantId: string) {
  try {
    return await ctx.withTemporal(tenantId, (session) => readTenantView(session, ctx.webUi(), tenantId));
  } catch {
    return undefined;
  }
}
