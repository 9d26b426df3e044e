import type { DeletionRequest } from '@tenant-deletion/contract';
import type { RequestCheck } from './dependency-plan';

/**
 * A tenant id can be re-created in the registry after its tenant was deleted (only on purpose: see
 * services/registry/README.md). A request made before that re-creation was meant for the tenant that is gone, so it
 * must never delete the new one: a consumer-group reset or a late redelivery would otherwise do exactly that.
 */

/** What admission learned from the registry: when the tenant was (re)created, or why the registry would not say. */
export type TenantCreation = { createdAt: string | null } | { refusal: string };

/** The requests that carry when they were made; only they can be compared with the tenant's creation. */
export function needsCreationCheck(requests: readonly DeletionRequest[]): boolean {
  return requests.some((request) => request.requestedAt !== undefined);
}

/**
 * A refusal when the request was made before the tenant's (re)creation, or when that cannot be told because the
 * registry refused to answer (fail closed: deleting the wrong tenant cannot be undone, resending a request can);
 * null when the request may go on. A request without `requestedAt` was made now, and a tenant the registry does not
 * know was never re-created.
 */
export function olderThanTenant(
  tenantId: string,
  request: DeletionRequest,
  creation: TenantCreation,
): Extract<RequestCheck, { accepted: false }> | null {
  const { requestedAt } = request;
  if (requestedAt === undefined) return null;
  if ('refusal' in creation) {
    return {
      accepted: false,
      reason:
        `cannot tell whether tenant ${tenantId} was re-created after this request was made (${requestedAt}): ` +
        `the tenant registry refused to say when it was created (${creation.refusal}); resend the request once it answers`,
    };
  }
  if (creation.createdAt === null || Date.parse(requestedAt) >= Date.parse(creation.createdAt)) return null;
  return {
    accepted: false,
    reason:
      `request made at ${requestedAt} is older than tenant ${tenantId}'s (re)creation in the registry at ` +
      `${creation.createdAt}: it was meant for the tenant deleted before, so nothing is deleted; send a new request ` +
      'to delete the re-created tenant',
  };
}
