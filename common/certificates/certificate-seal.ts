import { sign } from 'node:crypto';
import { canonicalJson, digestOf } from '@tenant-deletion/client';
import type { CertificateBody, DeletionCertificate } from '@tenant-deletion/contract';
import type { CertificateSigner } from './signing-key';

/**
 * Sealing a certificate body: SHA-256 over its canonical JSON (the client package's certificate-digest.ts), then
 * Ed25519 over the 32 digest bytes. Signing the digest (rather than the body) lets an auditor check a signature
 * with `openssl dgst -sha256 -binary` and `openssl pkeyutl`.
 */

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
