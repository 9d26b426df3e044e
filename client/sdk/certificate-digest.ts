import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * What a certificate's hash is taken over: RFC 8785 (JCS) canonical JSON, so the same body always gives the same
 * bytes whatever its key order, and SHA-256 over those bytes. The issuer seals with it, a verifier recomputes it.
 */

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('a certificate body must be a JSON value');
  return text;
}

export function digestOf(canonical: string): Buffer {
  return createHash('sha256').update(canonical, 'utf8').digest();
}
