import {
  loadDevIdentityIssuer,
  mintIdentityToken,
  type DevIdentityIssuer,
  type IdentityTokenClaims,
} from '../../client/authorization/dev-identity-issuer';

/**
 * Tokens for the request messages the local stack's tools send (the demo, the bench, the chaos suite): signed with
 * the development identity issuer's key, as `tdel dev-token` signs them, so they exist only where that key does.
 * A tool that runs for long asks for a token per message; one is minted again when the last is near its end, so a
 * request never leaves with a token that expires before the bridge reads it.
 */

export type RequestSigner = () => Promise<string>;

/** A system that relays deletions decided elsewhere (a billing system ending contracts): allowed for any tenant. */
export const LOCAL_REQUESTER: IdentityTokenClaims = { subject: 'local-requester', roles: ['deletion-requester'] };

const TTL_SECONDS = 3_600;
/** A token with less than this left is not handed out: the bridge may read its message minutes later. */
const RENEW_BEFORE_MS = 10 * 60_000;

export function devRequestSigner(
  claims: IdentityTokenClaims = LOCAL_REQUESTER,
  env: NodeJS.ProcessEnv = process.env,
): RequestSigner {
  let issuer: Promise<DevIdentityIssuer> | undefined;
  let current: { token: Promise<string>; expiresAt: number } | undefined;
  return async () => {
    if (!current || current.expiresAt - Date.now() < RENEW_BEFORE_MS) {
      issuer ??= loadDevIdentityIssuer(env);
      const ttlSeconds = claims.ttlSeconds ?? TTL_SECONDS;
      current = {
        token: issuer.then((key) => mintIdentityToken(key, { ...claims, ttlSeconds })),
        expiresAt: Date.now() + ttlSeconds * 1_000,
      };
    }
    return current.token;
  };
}
