import { identifier } from '@tenant-deletion/contract';
import { decideApproval, decideDeletionRight } from '../authorization/deletion-rights';
import { RegistryMembersUnavailable, type RegistryMembersLookup } from '../authorization/registry-members';
import type { Requester } from '../authorization/requester';
import { forbidden, invalid, notFound, unavailable } from './api-errors';

/**
 * Who may do what to a tenant through the API, asked of the registry on every call (a removed admin loses the right
 * at once). Deleting, cancelling and retrying: the tenant's owner or admin, or an operator. Approving: an operator
 * (four eyes are checked against each held request's requester). Reading a deletion: whoever may delete the tenant,
 * and whoever requested one of its deletions, who keeps sight of it after the tenant and its members are gone.
 * A tenant the registry does not know is 404 for everyone, operators included.
 */

export function tenantIdOf(value: unknown): string {
  if (!identifier.safeParse(value).success) {
    throw invalid('INVALID_TENANT_ID', 'tenantId must be 1-64 characters of A-Z a-z 0-9 . _ : -');
  }
  return value as string;
}

async function standingOf(lookup: RegistryMembersLookup, tenantId: string, subject: string) {
  try {
    return await lookup(tenantId, subject);
  } catch (error) {
    if (error instanceof RegistryMembersUnavailable) {
      throw unavailable(`cannot check your rights on tenant ${tenantId} now: the tenant registry did not answer`);
    }
    throw error;
  }
}

const unknownTenant = (tenantId: string) =>
  notFound('TENANT_NOT_FOUND', `tenant ${tenantId} is not registered in the tenant registry`);

/** Delete, cancel, retry: throws 404 for an unknown tenant, 403 with the reason for a subject without the right. */
export async function requireDeletionRight(
  lookup: RegistryMembersLookup,
  requester: Requester,
  tenantId: string,
): Promise<void> {
  const standing = await standingOf(lookup, tenantId, requester.subject);
  if (!standing.tenantExists) throw unknownTenant(tenantId);
  const right = decideDeletionRight(requester, 'api', standing.role);
  if (!right.allowed) throw forbidden(right.reason);
}

/** Approve, before anything is read: the tenant is known and the subject is an operator. */
export async function requireApprover(
  lookup: RegistryMembersLookup,
  requester: Requester,
  tenantId: string,
): Promise<void> {
  const standing = await standingOf(lookup, tenantId, requester.subject);
  if (!standing.tenantExists) throw unknownTenant(tenantId);
  // No request to compare with yet: the role alone (no subject is empty, so no self-approval can match here).
  const right = decideApproval(requester, '');
  if (!right.allowed) throw forbidden(right.reason);
}

/** Four eyes, for each held request the approval would release. */
export function requireFourEyes(approver: Requester, requestedBy: readonly string[]): void {
  for (const subject of requestedBy) {
    const right = decideApproval(approver, subject);
    if (!right.allowed) throw forbidden(right.reason);
  }
}

/** The read routes: what they found decides, with who requested it. */
export interface ReadAccess {
  /** Allowed whatever was found: owner, admin or operator. */
  allowed: boolean;
  tenantExists: boolean;
  /** Why not, when not. */
  reason: string | null;
}

export async function readAccess(
  lookup: RegistryMembersLookup,
  requester: Requester,
  tenantId: string,
): Promise<ReadAccess> {
  const standing = await standingOf(lookup, tenantId, requester.subject);
  const right = decideDeletionRight(requester, 'api', standing.role);
  return {
    allowed: right.allowed,
    tenantExists: standing.tenantExists,
    reason: right.allowed ? null : right.reason,
  };
}

/**
 * Lets a read through, or throws: 404 when nothing was found that the subject may see, 403 when something exists that
 * the subject may not see. `requesters` are the subjects who requested what was found.
 */
export function requireRead(
  access: ReadAccess,
  requester: Requester,
  tenantId: string,
  found: { exists: boolean; requesters: readonly string[] },
  missing: () => Error,
): void {
  if (access.allowed) {
    if (!found.exists) throw access.tenantExists ? missing() : unknownTenant(tenantId);
    return;
  }
  if (found.exists && found.requesters.includes(requester.subject)) return;
  if (!access.tenantExists && !found.exists) throw unknownTenant(tenantId);
  throw forbidden(
    `${access.reason}; a requester may also read the deletions it requested, and ${requester.subject} requested none here`,
  );
}
