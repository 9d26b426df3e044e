import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { mintServiceToken, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import type { CheckId } from './check-result';
import { CheckSkipped } from './check-result';
import type { CheckTarget } from './check-target';
import { guardCounts } from './check-target';
import { expectStatus } from './contract-answers';
import { freshId, type Credential, type ServiceProbe } from './service-probe';

/**
 * Refused tokens: each is sent with a DELETE and a preview of the target tenant, which must both be refused and delete
 * nothing. Statuses as the kit answers them: 401 when the caller is not authenticated (no token, expired, forged),
 * 403 for a valid token addressed to another service; the contract groups them as "401/403", so 401 is accepted there.
 */

export type TokenCheckId = Extract<CheckId, `token-${string}`>;

interface RefusedToken {
  expected: readonly number[];
  credential(probe: ServiceProbe, secret: string): Promise<Credential>;
}

const SUBJECT = 'tdel-conformance';

const REFUSED_TOKENS: Record<Exclude<TokenCheckId, 'token-wrong-scope'>, RefusedToken> = {
  'token-missing': { expected: [401], credential: async () => ({ kind: 'none' }) },
  'token-expired': {
    expected: [401],
    // mintServiceToken refuses to make one: a token that expired a minute ago, signed with the right key.
    credential: async (probe, secret) => {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(probe.target.serviceType)
        .setSubject(SUBJECT)
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60)
        .sign(new TextEncoder().encode(secret));
      return { kind: 'token', token };
    },
  },
  'token-forged': {
    expected: [401],
    credential: async (probe) => ({
      kind: 'token',
      token: await mintServiceToken(randomBytes(32).toString('base64url'), {
        audience: probe.target.serviceType,
        subject: SUBJECT,
      }),
    }),
  },
  'token-wrong-audience': {
    expected: [403, 401],
    credential: async (probe, secret) => ({
      kind: 'token',
      token: await mintServiceToken(secret, { audience: `not-${probe.target.serviceType}`, subject: SUBJECT }),
    }),
  },
};

export const TOKEN_CHECK_IDS = Object.keys(REFUSED_TOKENS) as (keyof typeof REFUSED_TOKENS)[];

export async function refusedTokenCheck(
  id: keyof typeof REFUSED_TOKENS,
  probe: ServiceProbe,
  secret: string,
  target: CheckTarget,
): Promise<string> {
  const refused = REFUSED_TOKENS[id];
  const credential = await refused.credential(probe, secret);
  const unchanged = await guardCounts(probe, target);
  const deletion = await probe.send('DELETE', probe.tenantUrl(target.tenantId), {
    credential,
    idempotencyKey: freshId(),
  });
  expectStatus(`DELETE of ${target.tenantId}`, deletion, refused.expected);
  const preview = await probe.send('GET', probe.previewUrl(target.tenantId), { credential });
  expectStatus(`GET preview of ${target.tenantId}`, preview, refused.expected);
  return `DELETE ${deletion.status}, preview ${preview.status}; ${await unchanged()}`;
}

/** Today's tokens carry no scope (HS256, audience only): there is no under-scoped token to send yet. */
export async function wrongScopeCheck(): Promise<string> {
  throw new CheckSkipped('scoped tokens arrive with issue 18: today tokens name an audience and carry no scope');
}
