import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import type { CheckId } from './check-result';
import type { CheckTarget } from './check-target';
import { guardCounts } from './check-target';
import { expectStatus } from './contract-answers';
import { freshId, type Credential, type ServiceProbe } from './service-probe';

/**
 * Refused tokens: each is sent with a DELETE of the target tenant (and, unless it is a valid token for the preview, a
 * preview), which must be refused and delete nothing. Statuses as the kit answers them: 401 when the caller is not
 * authenticated (no token, expired, forged, HS256, unsigned), 403 for a valid token addressed to another service or
 * without the route's scope; the contract groups "wrong audience" as "401/403", so 401 is accepted there.
 */

export type TokenCheckId = Extract<CheckId, `token-${string}`>;

interface RefusedToken {
  expected: readonly number[];
  /** The preview is asked too, unless the token is one the preview must accept. */
  withPreview: boolean;
  credential(probe: ServiceProbe): Promise<Credential>;
}

const SUBJECT = 'tdel-conformance';
const DELETE_SCOPE = 'tenant-data:delete';

/** Claims of a delete token for the target, signed by whatever key a check chooses. */
function deleteClaims(probe: ServiceProbe): SignJWT {
  return new SignJWT({ scope: DELETE_SCOPE })
    .setIssuer(probe.signers.orchestrator.issuer)
    .setAudience(probe.target.serviceType)
    .setSubject(SUBJECT)
    .setIssuedAt();
}

const REFUSED_TOKENS: Record<TokenCheckId, RefusedToken> = {
  'token-missing': { expected: [401], withPreview: true, credential: async () => ({ kind: 'none' }) },
  'token-expired': {
    expected: [401],
    withPreview: true,
    // mintServiceToken refuses to make one: a token that expired a minute ago, signed with the right key.
    credential: async (probe) => {
      const now = Math.floor(Date.now() / 1000);
      const { privateKey, keyId } = probe.signers.orchestrator;
      const token = await deleteClaims(probe)
        .setProtectedHeader({ alg: 'EdDSA', kid: keyId })
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60)
        .sign(privateKey);
      return { kind: 'token', token };
    },
  },
  'token-forged': {
    expected: [401],
    withPreview: true,
    // Another Ed25519 key naming the orchestrator's key id: the signature cannot match the published key.
    credential: async (probe) => {
      const token = await deleteClaims(probe)
        .setProtectedHeader({ alg: 'EdDSA', kid: probe.signers.orchestrator.keyId })
        .setExpirationTime('60s')
        .sign(generateKeyPairSync('ed25519').privateKey);
      return { kind: 'token', token };
    },
  },
  'token-wrong-audience': {
    expected: [403, 401],
    withPreview: true,
    credential: async (probe) => ({
      kind: 'token',
      token: await probe.mintValidToken(DELETE_SCOPE, `not-${probe.target.serviceType}`),
    }),
  },
  'token-hs256': {
    expected: [401],
    withPreview: true,
    // The algorithm-confusion attack: HMAC keyed with the published public key, which every verifier holds.
    credential: async (probe) => {
      const publicJwk = createPublicKey(probe.signers.orchestrator.privateKey).export({ format: 'jwk' });
      const token = await deleteClaims(probe)
        .setProtectedHeader({ alg: 'HS256', kid: probe.signers.orchestrator.keyId })
        .setExpirationTime('60s')
        .sign(new TextEncoder().encode(publicJwk.x ?? JSON.stringify(publicJwk)));
      return { kind: 'token', token };
    },
  },
  'token-alg-none': {
    expected: [401],
    withPreview: true,
    credential: async (probe) => ({
      kind: 'token',
      token: new UnsecuredJWT({ scope: DELETE_SCOPE })
        .setIssuer(probe.signers.orchestrator.issuer)
        .setAudience(probe.target.serviceType)
        .setSubject(SUBJECT)
        .setIssuedAt()
        .setExpirationTime('60s')
        .encode(),
    }),
  },
  // A valid preview token, which the preview accepts: only the DELETE is asked.
  'token-wrong-scope': {
    expected: [403],
    withPreview: false,
    credential: async (probe) => ({ kind: 'token', token: await probe.mintValidToken('tenant-data:preview') }),
  },
};

export const TOKEN_CHECK_IDS = Object.keys(REFUSED_TOKENS) as TokenCheckId[];

export async function refusedTokenCheck(id: TokenCheckId, probe: ServiceProbe, target: CheckTarget): Promise<string> {
  const refused = REFUSED_TOKENS[id];
  const credential = await refused.credential(probe);
  const unchanged = await guardCounts(probe, target);
  const deletion = await probe.send('DELETE', probe.tenantUrl(target.tenantId), {
    credential,
    idempotencyKey: freshId(),
  });
  expectStatus(`DELETE of ${target.tenantId}`, deletion, refused.expected);
  if (!refused.withPreview) return `DELETE ${deletion.status}; ${await unchanged()}`;
  const preview = await probe.send('GET', probe.previewUrl(target.tenantId), { credential });
  expectStatus(`GET preview of ${target.tenantId}`, preview, refused.expected);
  return `DELETE ${deletion.status}, preview ${preview.status}; ${await unchanged()}`;
}
