import type { DeletionRequest } from '@tenant-deletion/contract';
import { decideDeletionRight, type DeletionBasis } from '../authorization/deletion-rights';
import { IdentityRejected, type IdentityVerifier } from '../authorization/identity-token';
import type { RegistryMembersLookup } from '../authorization/registry-members';
import type { Requester } from '../authorization/requester';
import type { Parsed, Refused } from './request-messages';

/**
 * Who sent a request message, and whether they may delete its tenant: the same rules as the deletion API (channel
 * `kafka`), so that the topic is no back door. Authentication is its own step, before anything that costs a
 * dependency a call (the ledger, the registry), and is where the token is dropped: from here on a request carries
 * the verified subject as requestedBy, and nothing downstream ever holds the token.
 *
 * An issuer or registry that cannot answer is not a refusal: the error propagates and the bridge waits and retries,
 * as for Temporal, so that a valid request is never dead-lettered for an outage.
 */

export type Authenticated = { ok: true; request: DeletionRequest; requester: Requester; claimedBy?: string } | Refused;

export type Authorized = { ok: true; request: DeletionRequest; basis: DeletionBasis } | Refused;

/** UNAUTHENTICATED unless the token verifies; the token's subject replaces whatever the payload's requestedBy said. */
export async function authenticate(parsed: Parsed, verify: IdentityVerifier): Promise<Authenticated> {
  if (!parsed.ok) return parsed;
  const { request, authorization, claimedBy } = parsed;
  let requester: Requester;
  try {
    requester = await verify(authorization);
  } catch (error) {
    if (!(error instanceof IdentityRejected)) throw error;
    return {
      ok: false,
      code: 'UNAUTHENTICATED',
      // The reason never quotes the token (IdentityRejected's promise), so it is safe in the DLQ.
      message:
        `request ${request.requestId} of tenant ${request.tenantId}: ${error.reason}; not handed over. ` +
        'Sign it with a current token from the identity issuer (audience tenant-deletion-api) and send it again',
      issues: [],
    };
  }
  return {
    ok: true,
    request: { ...request, requestedBy: requester.subject },
    requester,
    ...(claimedBy ? { claimedBy } : {}),
  };
}

/**
 * FORBIDDEN unless the subject may delete the tenant. An operator or a requesting system needs no registry call;
 * anyone else is looked up (`members`, which the caller may share between the messages of a chunk).
 */
export async function authorize(authenticated: Authenticated, members: RegistryMembersLookup): Promise<Authorized> {
  if (!authenticated.ok) return authenticated;
  const { request, requester } = authenticated;
  const byRole = decideDeletionRight(requester, 'kafka', undefined);
  if (byRole.allowed) return { ok: true, request, basis: byRole.basis };
  const standing = await members(request.tenantId, requester.subject);
  const right = decideDeletionRight(requester, 'kafka', standing.role);
  if (right.allowed) return { ok: true, request, basis: right.basis };
  return {
    ok: false,
    code: 'FORBIDDEN',
    message:
      `request ${request.requestId} of tenant ${request.tenantId}: ${right.reason}` +
      `${standing.tenantExists ? '' : ' (the tenant registry does not know this tenant)'}; not handed over`,
    issues: [],
  };
}

/**
 * One registry call per (tenant, subject) among the messages checked together, however many of them there are;
 * nothing is kept past `lookup`'s life, so a removed admin loses the right by the next chunk.
 */
export function sharedLookups(members: RegistryMembersLookup): RegistryMembersLookup {
  const asked = new Map<string, ReturnType<RegistryMembersLookup>>();
  return (tenantId, subject) => {
    const key = `${tenantId}\n${subject}`;
    let answer = asked.get(key);
    if (!answer) {
      answer = members(tenantId, subject);
      // A failed call is not remembered: the retry must ask again.
      answer.catch(() => asked.delete(key));
      asked.set(key, answer);
    }
    return answer;
  };
}
