import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import {
  issuerGranting,
  mintServiceToken,
  serviceTokenVerifier,
  tokenIssuerSchema,
  type Scope,
  type ServiceTokenVerifier,
  type TokenIssuer,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';

/**
 * The three token authorities of a test, each with a fresh Ed25519 key of its own, and a verifier that trusts their
 * public keys, as a kit service given `tokenAuthorities(...)` does. Real keys and real jose, only not on disk.
 */

export interface TestTokens {
  signers: Record<TokenIssuer, TokenSigner>;
  /** The public keys only: what an attacker reading every JWKS holds. */
  jwks: Record<TokenIssuer, JSONWebKeySet>;
  verifier: ServiceTokenVerifier;
  /** A token for one scope from the authority that grants it. */
  mint(audience: string, scope: Scope, subject?: string): Promise<string>;
}

function authority(issuer: TokenIssuer): { signer: TokenSigner; jwks: JSONWebKeySet } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = randomUUID();
  const jwk: JWK = { ...publicKey.export({ format: 'jwk' }), kid: keyId, alg: 'EdDSA', use: 'sig' };
  return { signer: { issuer, privateKey, keyId }, jwks: { keys: [jwk] } };
}

export function testTokens(): TestTokens {
  const made = Object.fromEntries(tokenIssuerSchema.options.map((issuer) => [issuer, authority(issuer)])) as Record<
    TokenIssuer,
    ReturnType<typeof authority>
  >;
  const signers = Object.fromEntries(tokenIssuerSchema.options.map((issuer) => [issuer, made[issuer].signer]));
  const jwks = Object.fromEntries(tokenIssuerSchema.options.map((issuer) => [issuer, made[issuer].jwks]));
  const verifier = serviceTokenVerifier(
    tokenIssuerSchema.options.map((issuer) => ({ issuer, keys: createLocalJWKSet(made[issuer].jwks) })),
  );
  return {
    signers: signers as TestTokens['signers'],
    jwks: jwks as TestTokens['jwks'],
    verifier,
    mint: (audience, scope, subject = 'kit-test') =>
      mintServiceToken(made[issuerGranting(scope)].signer, { audience, subject, scopes: [scope] }),
  };
}

/** The scope a kit route needs (auth.ts), so a test's call carries the right token unless it says otherwise. */
export function scopeOfRoute(method: string, url: string): Scope {
  const path = new URL(url).pathname;
  if (path.includes('/admin/legal-holds/')) return 'legal-hold:admin';
  if (path.endsWith('/admin/faults') || path.endsWith('/admin/request-counts')) return 'kit:faults';
  if (path.includes('/deletions/')) return 'tenant-data:delete';
  if (method === 'DELETE' && path.includes('/tenant/')) return 'tenant-data:delete';
  return 'tenant-data:preview';
}
