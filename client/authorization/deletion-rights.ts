import type { Requester, TenantRole } from './requester';

/**
 * Who may delete a tenant, and who may approve a held deletion: pure decisions, so the API and the bridge decide
 * alike and the rules are tested without a server. Every refusal names the subject's standing, so the answer (a 403,
 * a FORBIDDEN dead letter) tells the sender what right they lack.
 */

/** How the request came: the deletion API, or a signed message on a Kafka request topic. */
export type DeletionChannel = 'api' | 'kafka';

/** What gave the right: a platform role, or the subject's role in the tenant. */
export type DeletionBasis = 'operator' | 'deletion-requester' | 'owner' | 'admin';

export type DeletionRight = { allowed: true; basis: DeletionBasis } | { allowed: false; reason: string };

export type ApprovalRight = { allowed: true; basis: 'operator' } | { allowed: false; reason: string };

/**
 * @param tenantRole the subject's role in the tenant as the registry says (undefined: not a member)
 */
export function decideDeletionRight(
  requester: Requester,
  channel: DeletionChannel,
  tenantRole: TenantRole | undefined,
): DeletionRight {
  if (requester.roles.includes('operator')) return { allowed: true, basis: 'operator' };
  if (tenantRole === 'owner' || tenantRole === 'admin') return { allowed: true, basis: tenantRole };
  // A requesting system is trusted to relay decisions made elsewhere (a billing system ending a contract); it has
  // no business in the API, where people act on tenants they belong to.
  if (requester.roles.includes('deletion-requester') && channel === 'kafka') {
    return { allowed: true, basis: 'deletion-requester' };
  }
  const standing =
    tenantRole === 'member'
      ? 'is a member of the tenant, not its owner or admin'
      : requester.roles.includes('deletion-requester')
        ? 'has the role deletion-requester, which may request deletions through Kafka only, and is not an owner or admin of the tenant'
        : 'is not a member of the tenant and has no operator role';
  return {
    allowed: false,
    reason: `subject ${requester.subject} ${standing}: only the tenant's owner or admin, or an operator, may delete it`,
  };
}

/** Four eyes: a held deletion is released by an operator who did not request it. */
export function decideApproval(approver: Requester, requestedBy: string): ApprovalRight {
  if (!approver.roles.includes('operator')) {
    return {
      allowed: false,
      reason: `subject ${approver.subject} has no operator role: only an operator may approve a held deletion`,
    };
  }
  if (approver.subject === requestedBy) {
    return {
      allowed: false,
      reason: `subject ${approver.subject} requested this deletion and may not approve it: another operator must (four eyes)`,
    };
  }
  return { allowed: true, basis: 'operator' };
}
