import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { tenantWorkflowId, type Approval, type ControlResult, type InstanceSelection } from '@tenant-deletion/contract';
import { approveDeletionUpdate, cancelDeletionUpdate, retryFailedDeletionUpdate } from '../../../workflows/signals';
import type { Requester } from '../../authorization/requester';
import type { ApiDeps } from '../api-deps';
import { ApiError, conflict, forbidden, notFound, parsed, unavailable } from '../api-errors';
import { API_PREFIX, approveBodySchema, controlBodySchema, type ApproveBody, type ControlAnswer } from '../api-schemas';
import { requesterOf } from '../authentication';
import { readDeletion } from '../deletion-view';
import { requireApprover, requireDeletionRight, requireFourEyes, tenantIdOf } from '../tenant-access';
import { isDeadlineExceeded, isUnreachable, temporalUnreachable } from '../temporal-errors';

/**
 * `POST /api/v1/tenants/{tenantId}/deletion/cancel|retry|approve`: the tenant workflow's updates. Their validator is
 * the one judge of what they may do (unknown ids, nothing to do, a self-approval are refused before any state
 * changes, and answered 409, or 403 for a self-approval); the answer says what happened to each instance and request.
 */

const UPDATES = {
  cancel: cancelDeletionUpdate,
  retry: retryFailedDeletionUpdate,
  approve: approveDeletionUpdate,
} as const;
type Verb = keyof typeof UPDATES;

/** How long the workflow has to answer: an update needs a worker to run its validator and handler. */
const UPDATE_TIMEOUT_MS = 20_000;

/** The validator's words for a self-approval (workflows/tenant-state.ts): four eyes, so 403, not 409. */
const SELF_APPROVAL = /cannot approve it: a second person must/;

export function controlRoutes(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    for (const verb of ['cancel', 'retry'] as const) {
      app.post(`${API_PREFIX}/tenants/:tenantId/deletion/${verb}`, async (request) => {
        const tenantId = tenantIdOf((request.params as { tenantId: string }).tenantId);
        await requireDeletionRight(deps.tenantStanding, requesterOf(request), tenantId);
        const body = parsed(controlBodySchema, request.body ?? {}, 'INVALID_REQUEST');
        const selection: InstanceSelection = body.instances ? { instances: body.instances } : {};
        return runUpdate(deps, verb, tenantId, selection);
      });
    }

    app.post(`${API_PREFIX}/tenants/:tenantId/deletion/approve`, async (request) => {
      const requester = requesterOf(request);
      const tenantId = tenantIdOf((request.params as { tenantId: string }).tenantId);
      await requireApprover(deps.tenantStanding, requester, tenantId);
      const body = parsed(approveBodySchema, request.body ?? {}, 'INVALID_REQUEST');
      const approval = await approvalFor(deps, requester, tenantId, body);
      return { ...(await runUpdate(deps, 'approve', tenantId, approval)), approvedBy: requester.subject };
    });
  };
}

/**
 * The Approval the update gets, approvedBy = the token's subject. The held requests are read first, so that four
 * eyes are refused with the reason here and named instances become the requests that delete them; the validator
 * checks again (it alone sees the state the update meets).
 */
async function approvalFor(deps: ApiDeps, approver: Requester, tenantId: string, body: ApproveBody): Promise<Approval> {
  const deletion = await readDeletion(deps.temporal, tenantId);
  if (!deletion) throw noDeletion(tenantId);
  const progress = deletion.progress;
  if (!progress) {
    if (body.instances) throw unavailable(`cannot tell which requests delete those instances now: ${deletion.note}`);
    return { approvedBy: approver.subject, ...(body.requestIds ? { requestIds: body.requestIds } : {}) };
  }
  const held = progress.requests.filter(
    (request) =>
      request.status === 'AWAITING_APPROVAL' &&
      (!body.requestIds || body.requestIds.includes(request.requestId)) &&
      (!body.instances || request.instances.some((id) => body.instances!.includes(id))),
  );
  requireFourEyes(
    approver,
    held.map((request) => request.requestedBy),
  );
  if (body.instances && held.length === 0) {
    throw conflict(`nothing awaits approval for tenant ${tenantId} among instances ${body.instances.join(', ')}`);
  }
  const requestIds = body.instances ? held.map((request) => request.requestId) : body.requestIds;
  return { approvedBy: approver.subject, ...(requestIds ? { requestIds } : {}) };
}

async function runUpdate<Input>(deps: ApiDeps, verb: Verb, tenantId: string, input: Input): Promise<ControlAnswer> {
  const update = UPDATES[verb] as UpdateDefinition<ControlResult, [Input]>;
  const workflowId = tenantWorkflowId(tenantId);
  try {
    const result = await deps.temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
      deps.temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [input] }),
    );
    return { tenantId, workflowId, update: update.name as ControlAnswer['update'], ...result };
  } catch (error) {
    throw await updateError(deps, error, verb, tenantId);
  }
}

async function updateError(deps: ApiDeps, error: unknown, verb: Verb, tenantId: string): Promise<unknown> {
  if (error instanceof WorkflowUpdateFailedError) {
    const reason = error.cause?.message ?? error.message;
    return SELF_APPROVAL.test(reason)
      ? forbidden(`approve refused: ${reason}`)
      : conflict(`${verb} refused: ${reason}`);
  }
  if (error instanceof WorkflowNotFoundError) {
    // Also what Temporal answers when the workflow exists but has ended: say which.
    const deletion = await readDeletion(deps.temporal, tenantId);
    if (!deletion) return noDeletion(tenantId);
    return conflict(
      `the deletion of tenant ${tenantId} has already ended (${deletion.status ?? deletion.workflowStatus}): nothing to ${verb}`,
    );
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(error)) {
    return unavailable(
      `the deletion of tenant ${tenantId} did not answer the ${verb} within ${UPDATE_TIMEOUT_MS / 1000} s: ` +
        'the workers may be down; a worker may still apply it when it picks the workflow up',
    );
  }
  if (isUnreachable(error)) return temporalUnreachable();
  return error;
}

function noDeletion(tenantId: string): ApiError {
  return notFound('NO_DELETION', `tenant ${tenantId} has no deletion workflow: nothing was requested for it`);
}
