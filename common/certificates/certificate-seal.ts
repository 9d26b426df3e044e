import { createHash, sign } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { CertificateBody, DeletionCertificate } from './certificate';
import type { CertificateSigner } from './signing-key';

/**
 * Sealing a certificate body: RFC 8785 (JCS) canonical JSON, so that the same body always gives the same bytes
 * whatever its key order; SHA-256 over those bytes; Ed25519 over the 32 digest bytes. Signing the digest (rather
 * than the body) lets an auditor check a signature with `openssl dgst -sha256 -binary` and `openssl pkeyutl`.
 */

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('a certificate body must be a JSON value');
  return text;
}

export function digestOf(canonical: string): Buffer {
  return createHash('sha256').update(canonical, 'utf8').digest();
}

export interface SealedCertificate extends DeletionCertificate {
  /** The exact text hashed and signed, kept beside the certificate. */
  canonical: string;
}

export function sealCertificate(body: CertificateBody, signer: CertificateSigner): SealedCertificate {
  const canonical = canonicalJson(body);
  const digest = digestOf(canonical);
  return {
    body,
    hash: digest.toString('hex'),
    // Ed25519 takes no separate hash algorithm: null is how node:crypto says so.
    signature: sign(null, digest, signer.privateKey).toString('base64'),
    keyId: signer.keyId,
    canonical,
  };
}
