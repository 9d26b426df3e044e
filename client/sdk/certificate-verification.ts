import { verify, type KeyObject } from 'node:crypto';
import { GENESIS_HASH } from '@tenant-deletion/contract';
import { canonicalJson, digestOf } from './certificate-digest';
import { keyIdOf } from './certificate-keys';

/**
 * Checks a certificate as an auditor would, from its JSON alone: the body hashes to `hash`, the signature over
 * that digest verifies under the public key, the key id names that key, and (given its predecessor) the chain
 * link holds. Every check runs, so a report names each thing that does not match, not only the first. The body
 * is checked as given, whatever its shape: an edited field name changes the hash like any other edit.
 */

/** 'stored copy' is checked only on a certificate read from the database (see `tdel certificate --verify`). */
export type CheckName = 'format' | 'body hash' | 'signature' | 'key id' | 'chain link' | 'stored copy';

export interface VerificationCheck {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  valid: boolean;
  certificateId: string | null;
  sequence: number | null;
  checks: VerificationCheck[];
}

interface Envelope {
  body: Record<string, unknown>;
  hash: unknown;
  signature: unknown;
  keyId: unknown;
}

const ED25519_SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{85}[AQgw]==$/;

function envelopeOf(document: unknown): Envelope | string {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return 'is not a JSON object with body, hash, signature and keyId';
  }
  const candidate = document as Record<string, unknown>;
  const missing = ['body', 'hash', 'signature', 'keyId'].filter((field) => !(field in candidate));
  if (missing.length > 0) return `lacks ${missing.join(', ')}`;
  const extra = Object.keys(candidate).filter((field) => !['body', 'hash', 'signature', 'keyId'].includes(field));
  if (extra.length > 0) return `has fields a certificate does not have: ${extra.join(', ')}`;
  if (typeof candidate.body !== 'object' || candidate.body === null || Array.isArray(candidate.body)) {
    return 'has a body that is not a JSON object';
  }
  return candidate as unknown as Envelope;
}

const short = (hex: string) => (hex.length > 16 ? `${hex.slice(0, 16)}…` : hex);
const shown = (value: unknown) => (typeof value === 'string' ? short(value) : JSON.stringify(value));

/** The digest of the body as given; null when the body cannot be canonicalized (e.g. a number too large). */
function recomputedDigest(body: Record<string, unknown>): Buffer | null {
  try {
    return digestOf(canonicalJson(body));
  } catch {
    return null;
  }
}

export function verifyCertificate(document: unknown, publicKey: KeyObject): VerificationReport {
  const envelope = envelopeOf(document);
  if (typeof envelope === 'string') {
    return {
      valid: false,
      certificateId: null,
      sequence: null,
      checks: [{ check: 'format', ok: false, detail: `not a deletion certificate: it ${envelope}` }],
    };
  }
  const { body, hash, signature, keyId } = envelope;
  const digest = recomputedDigest(body);
  const computed = digest?.toString('hex');
  const expectedKeyId = keyIdOf(publicKey);
  const checks: VerificationCheck[] = [];

  checks.push(
    computed !== undefined && hash === computed
      ? { check: 'body hash', ok: true, detail: `the body's SHA-256 is ${short(computed)}, as stated` }
      : {
          check: 'body hash',
          ok: false,
          detail:
            `body hash does not match: the body hashes to ${computed ? short(computed) : '(not canonical JSON)'}, ` +
            `the certificate states ${shown(hash)} (the body or the hash was edited)`,
        },
  );

  const signatureBytes =
    typeof signature === 'string' && ED25519_SIGNATURE_BASE64.test(signature) ? Buffer.from(signature, 'base64') : null;
  if (!signatureBytes) {
    checks.push({
      check: 'signature',
      ok: false,
      detail: 'signature is not an Ed25519 signature (64 bytes in base64)',
    });
  } else if (digest && verify(null, digest, publicKey, signatureBytes)) {
    checks.push({ check: 'signature', ok: true, detail: `Ed25519 signature over the body's digest is valid` });
  } else {
    checks.push({
      check: 'signature',
      ok: false,
      detail: `signature does not match the body under key ${expectedKeyId} (the body or the signature was edited, or another key signed it)`,
    });
  }

  checks.push(
    keyId === expectedKeyId
      ? { check: 'key id', ok: true, detail: `signed with key ${expectedKeyId}` }
      : {
          check: 'key id',
          ok: false,
          detail: `key id does not match: the certificate names ${shown(keyId)}, the public key is ${expectedKeyId} (the key id was edited, or verify with the key it names)`,
        },
  );

  return {
    valid: checks.every((check) => check.ok),
    certificateId: typeof body.certificateId === 'string' ? body.certificateId : null,
    sequence: typeof body.sequence === 'number' ? body.sequence : null,
    checks,
  };
}

/**
 * Whether `document` follows `predecessor` in the chain: its previousHash is the predecessor's body hash (recomputed,
 * so an edited predecessor breaks the link) and its sequence is one more. Without a predecessor, it must be first.
 */
export function verifyChainLink(document: unknown, predecessor: unknown | null): VerificationCheck {
  const envelope = envelopeOf(document);
  if (typeof envelope === 'string')
    return { check: 'chain link', ok: false, detail: `not a certificate: it ${envelope}` };
  const { previousHash, sequence } = envelope.body;
  if (predecessor === null) {
    return sequence === 1 && previousHash === GENESIS_HASH
      ? { check: 'chain link', ok: true, detail: 'first certificate of the chain (predecessor hash is all zeros)' }
      : {
          check: 'chain link',
          ok: false,
          detail: `chain link does not match: certificate #${shown(sequence)} names predecessor ${shown(previousHash)}, which was not found`,
        };
  }
  const before = envelopeOf(predecessor);
  if (typeof before === 'string') {
    return { check: 'chain link', ok: false, detail: `chain link cannot be checked: the predecessor ${before}` };
  }
  const predecessorHash = recomputedDigest(before.body)?.toString('hex');
  const predecessorSequence = before.body.sequence;
  if (previousHash !== predecessorHash) {
    return {
      check: 'chain link',
      ok: false,
      detail:
        `chain link does not match: certificate #${shown(sequence)} names predecessor ${shown(previousHash)}, ` +
        `but #${shown(predecessorSequence)} hashes to ${predecessorHash ? short(predecessorHash) : '(not canonical JSON)'} ` +
        '(the predecessor was edited, or it is not this certificate’s predecessor)',
    };
  }
  if (typeof predecessorSequence !== 'number' || sequence !== predecessorSequence + 1) {
    return {
      check: 'chain link',
      ok: false,
      detail: `chain link does not match: certificate #${shown(sequence)} follows #${shown(predecessorSequence)}, not the one before it`,
    };
  }
  return {
    check: 'chain link',
    ok: true,
    detail: `follows certificate #${predecessorSequence} (hash ${shown(previousHash)})`,
  };
}

/**
 * Certificates in chain order (e.g. a file holding an array): each one verified, and each linked to the one before
 * it. The first one's own predecessor is checked only when it starts the chain.
 */
export function verifyChain(documents: unknown[], publicKey: KeyObject): VerificationReport[] {
  return documents.map((document, index) => {
    const report = verifyCertificate(document, publicKey);
    if (index === 0 && !isFirst(document)) return report;
    const link = verifyChainLink(document, index === 0 ? null : documents[index - 1]);
    const checks = [...report.checks, link];
    return { ...report, valid: checks.every((check) => check.ok), checks };
  });
}

function isFirst(document: unknown): boolean {
  const envelope = envelopeOf(document);
  return typeof envelope !== 'string' && envelope.body.sequence === 1;
}
