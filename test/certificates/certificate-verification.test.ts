/**
 * Certificates without a database: RFC 8785 canonicalization, sealing, verification, tampering of every kind of
 * field, and chain links.
 */
import { createHash, verify } from 'node:crypto';
import { certificateBodySchema, deletionCertificateSchema, GENESIS_HASH } from '@tenant-deletion/contract';
import { sealCertificate } from '../../common/certificates/certificate-seal';
import {
  canonicalJson,
  digestOf,
  verifyCertificate,
  verifyChain,
  verifyChainLink,
  type CheckName,
} from '@tenant-deletion/client';
import { body, document, sealedChain, testSigner } from './certificate-fixtures';

const signer = testSigner();

function failed(report: { checks: { check: CheckName; ok: boolean }[] }): CheckName[] {
  return report.checks.filter((check) => !check.ok).map((check) => check.check);
}

/** The same object with its keys, at every depth, in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, item]) => [key, reversedKeys(item)]),
    );
  }
  return value;
}

describe('canonical JSON (RFC 8785)', () => {
  it('is the same text whatever the key order', () => {
    const certificateBody = body(1, GENESIS_HASH);
    const reversed = reversedKeys(certificateBody);
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(certificateBody));
    expect(canonicalJson(reversed)).toBe(canonicalJson(certificateBody));
    expect(sealCertificate(reversed as typeof certificateBody, signer).hash).toBe(
      sealCertificate(certificateBody, signer).hash,
    );
  });

  it('sorts keys, drops whitespace and writes numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: [1, 2.5, 1e21], a: { d: 'é', c: null }, A: true })).toBe(
      '{"A":true,"a":{"c":null,"d":"é"},"b":[1,2.5,1e+21]}',
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });
});

describe('sealing and verification', () => {
  const sealed = sealCertificate(body(1, GENESIS_HASH), signer);

  it('hashes the canonical body with SHA-256 and signs the 32 digest bytes with Ed25519', () => {
    expect(sealed.hash).toBe(createHash('sha256').update(sealed.canonical).digest('hex'));
    expect(sealed.canonical).toBe(canonicalJson(sealed.body));
    expect(verify(null, digestOf(sealed.canonical), signer.publicKey, Buffer.from(sealed.signature, 'base64'))).toBe(
      true,
    );
    expect(sealed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(deletionCertificateSchema.parse(document(sealed))).toEqual(document(sealed));
  });

  it('verifies as issued, and after a JSON round trip', () => {
    const report = verifyCertificate(JSON.parse(JSON.stringify(document(sealed))), signer.publicKey);
    expect(report).toMatchObject({ valid: true, certificateId: sealed.body.certificateId, sequence: 1 });
    expect(report.checks.map((check) => check.check)).toEqual(['body hash', 'signature', 'key id']);
  });

  it('holds ids, counts and timestamps only: no field outside the schema', () => {
    expect(() => certificateBodySchema.parse({ ...sealed.body, ownerEmail: 'jane@example.com' })).toThrow();
  });

  /** Each edit, and the checks it must fail (and only those). */
  const edits: [string, (doc: ReturnType<typeof copy>) => void, CheckName[], RegExp][] = [
    ['a string (tenantId)', (d) => (d.body.tenantId = 'tenant-other'), ['body hash', 'signature'], /body hash/],
    ['a number (attempts)', (d) => (d.body.instances[0].attempts += 1), ['body hash', 'signature'], /body hash/],
    [
      'a nested count',
      (d) => (d.body.instances[1].deletedCounts.files = 8),
      ['body hash', 'signature'],
      /does not match/,
    ],
    [
      'an array element (a request id)',
      (d) => (d.body.requests[0].requestId = 'req-forged'),
      ['body hash', 'signature'],
      /body hash/,
    ],
    ['a boolean (piiErased)', (d) => (d.body.registry.piiErased = false), ['body hash', 'signature'], /body hash/],
    ['the predecessor hash', (d) => (d.body.previousHash = 'f'.repeat(64)), ['body hash', 'signature'], /body/],
    [
      'a removed instance',
      (d) => d.body.instances.pop(),
      ['body hash', 'signature'],
      /the body or the hash was edited/,
    ],
    [
      'an added field',
      (d) => Object.assign(d.body, { note: 'x' }),
      ['body hash', 'signature'],
      /the body or the hash was edited/,
    ],
    [
      'the hash',
      (d) => (d.hash = d.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'))),
      ['body hash'],
      /the body or the hash was edited/,
    ],
    ['the hash in capitals', (d) => (d.hash = d.hash.toUpperCase()), ['body hash'], /body hash does not match/],
    [
      'the signature',
      (d) => (d.signature = d.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))),
      ['signature'],
      /signature does not match/,
    ],
    [
      'the signature padding',
      (d) => (d.signature = d.signature.replace(/=$/, 'A')),
      ['signature'],
      /not an Ed25519 signature/,
    ],
    [
      'the key id',
      (d) => (d.keyId = d.keyId.replace(/^./, (c) => (c === '0' ? '1' : '0'))),
      ['key id'],
      /key id does not match/,
    ],
  ];

  function copy() {
    return JSON.parse(JSON.stringify(document(sealed))) as ReturnType<typeof document>;
  }

  it.each(edits)('rejects an edit of %s', (_, edit, expected, message) => {
    const edited = copy();
    edit(edited);
    const report = verifyCertificate(edited, signer.publicKey);
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(expected);
    expect(report.checks.find((check) => check.check === expected[0])?.detail).toMatch(message);
  });

  it('rejects any single changed character of the certificate file', () => {
    const text = JSON.stringify(document(sealed), null, 2);
    // Every character of every value: each edit must fail at least one check (or make the file unreadable).
    const positions = [...text.matchAll(/"[^"]*"|\d+|true|false/g)].flatMap((match) =>
      Array.from({ length: match[0].length }, (_, i) => match.index + i),
    );
    for (const position of positions) {
      const char = text[position];
      const replacement =
        char === '"' ? "'" : /\d/.test(char) ? String((Number(char) + 1) % 10) : char === 'a' ? 'b' : 'a';
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.slice(0, position) + replacement + text.slice(position + 1));
      } catch {
        continue;
      }
      expect({ position, valid: verifyCertificate(parsed, signer.publicKey).valid }).toEqual({
        position,
        valid: false,
      });
    }
  });

  it('rejects a certificate verified with another key, naming the key id and the signature', () => {
    const report = verifyCertificate(document(sealed), testSigner().publicKey);
    expect(failed(report)).toEqual(['signature', 'key id']);
  });

  it.each([
    ['not an object', 'cert', /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['missing its signature', { body: {}, hash: 'x', keyId: 'y' }, /lacks signature/],
    ['with a body that is no object', { body: 'x', hash: 'x', signature: 'x', keyId: 'y' }, /body that is not/],
    ['with an extra top-level field', { ...document(sealed), note: 'x' }, /does not have: note/],
  ])('rejects a document %s as no certificate', (_, value, message) => {
    const report = verifyCertificate(value, signer.publicKey);
    expect(report.valid).toBe(false);
    expect(report.checks).toEqual([{ check: 'format', ok: false, detail: expect.stringMatching(message) }]);
  });
});

describe('the chain', () => {
  const chain = sealedChain(signer, 5);

  it('links every certificate to the hash of the one before, from the genesis hash', () => {
    expect(chain[0].body.previousHash).toBe(GENESIS_HASH);
    const reports = verifyChain(chain.map(document), signer.publicKey);
    expect(reports.map((report) => report.valid)).toEqual([true, true, true, true, true]);
    expect(reports[0].checks.at(-1)).toMatchObject({ check: 'chain link', ok: true, detail: /first certificate/ });
    expect(reports[3].checks.at(-1)).toMatchObject({ check: 'chain link', ok: true, detail: /follows certificate #3/ });
  });

  it('breaks at a certificate whose predecessor was edited, though each still verifies alone', () => {
    const docs = chain.map(document);
    docs[2] = { ...docs[2], body: { ...docs[2].body, tenantId: 'rewritten' } };
    const link = verifyChainLink(docs[3], docs[2]);
    expect(link).toMatchObject({ check: 'chain link', ok: false });
    expect(link.detail).toMatch(/chain link does not match: certificate #4 names predecessor .* but #3 hashes to/);
    expect(verifyChain(docs, signer.publicKey).map((report) => report.valid)).toEqual([true, true, false, false, true]);
  });

  it('breaks where a certificate was left out or the order changed', () => {
    const docs = chain.map(document);
    expect(verifyChainLink(docs[3], docs[1]).ok).toBe(false);
    expect(verifyChain([docs[0], docs[2], docs[1]], signer.publicKey).map((report) => report.valid)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('needs the genesis hash for a first certificate, and a predecessor for any other', () => {
    expect(verifyChainLink(document(chain[0]), null).ok).toBe(true);
    expect(verifyChainLink(document(chain[1]), null)).toMatchObject({ ok: false, detail: /which was not found/ });
    const fakeFirst = sealCertificate(body(1, 'a'.repeat(64)), signer);
    expect(verifyChainLink(document(fakeFirst), null).ok).toBe(false);
  });

  it('checks a segment from its middle without its first predecessor', () => {
    const reports = verifyChain(chain.slice(2).map(document), signer.publicKey);
    expect(reports.map((report) => report.valid)).toEqual([true, true, true]);
    expect(reports[0].checks.map((check) => check.check)).not.toContain('chain link');
  });
});

describe('the registry statement (body.registry)', () => {
  const withRegistry = (registry: object) => ({ ...body(1, GENESIS_HASH), registry });

  it('accepts "not-found" only with tenantRecordDeleted and piiErased false', () => {
    const notFound = { tenantRecord: 'not-found', tenantRecordDeleted: false, piiErased: false };
    expect(certificateBodySchema.parse(withRegistry(notFound)).registry).toEqual(notFound);
    for (const claim of [
      { tenantRecord: 'not-found', tenantRecordDeleted: false, piiErased: true },
      { tenantRecord: 'not-found', tenantRecordDeleted: true, piiErased: false },
      { tenantRecord: 'kept', tenantRecordDeleted: false, piiErased: true },
      { tenantRecord: 'deleted', tenantRecordDeleted: false, piiErased: false },
    ]) {
      expect(() => certificateBodySchema.parse(withRegistry(claim))).toThrow(/must agree with tenantRecord/);
    }
  });

  it('still accepts a certificate issued before tenantRecord existed', () => {
    const older = { tenantRecordDeleted: true, piiErased: true };
    expect(certificateBodySchema.parse(withRegistry(older)).registry).toEqual(older);
  });

  it('refuses an unknown tenantRecord value', () => {
    expect(() =>
      certificateBodySchema.parse(withRegistry({ tenantRecord: 'erased', tenantRecordDeleted: true, piiErased: true })),
    ).toThrow();
  });

  it('a "not-found" certificate verifies, and turning it into "deleted" with PII erased fails body hash and signature', () => {
    const sealed = sealCertificate(
      withRegistry({ tenantRecord: 'not-found', tenantRecordDeleted: false, piiErased: false }) as ReturnType<
        typeof body
      >,
      signer,
    );
    expect(verifyCertificate(document(sealed), signer.publicKey).valid).toBe(true);
    const forged = JSON.parse(JSON.stringify(document(sealed)));
    forged.body.registry = { tenantRecord: 'deleted', tenantRecordDeleted: true, piiErased: true };
    const report = verifyCertificate(forged, signer.publicKey);
    expect(failed(report)).toEqual(['body hash', 'signature']);
  });
});

describe('the requester and the approver (body.requests[])', () => {
  const withRequest = (request: object) => ({
    ...body(1, GENESIS_HASH),
    requests: [{ ...body(1, GENESIS_HASH).requests[0], ...request }],
  });

  it('names the approver of a held request, sealed with the rest of the body', () => {
    const approved = withRequest({ requestedBy: 'owner-1', approvedBy: 'operator-2' });
    const sealed = sealCertificate(certificateBodySchema.parse(approved), signer);
    expect(sealed.body.requests[0]).toMatchObject({ requestedBy: 'owner-1', approvedBy: 'operator-2' });
    expect(verifyCertificate(document(sealed), signer.publicKey).valid).toBe(true);

    // Whoever edits the approver (or removes it, or names the requester instead) breaks hash and signature.
    for (const edit of [{ approvedBy: 'mallory' }, { approvedBy: undefined }]) {
      const forged = JSON.parse(JSON.stringify(document(sealed)));
      Object.assign(forged.body.requests[0], edit);
      if (edit.approvedBy === undefined) delete forged.body.requests[0].approvedBy;
      expect(failed(verifyCertificate(forged, signer.publicKey))).toEqual(['body hash', 'signature']);
    }
  });

  it('still accepts a certificate issued before approvedBy existed', () => {
    const older = body(1, GENESIS_HASH);
    expect('approvedBy' in older.requests[0]).toBe(false);
    const sealed = sealCertificate(older, signer);
    expect(verifyCertificate(document(sealed), signer.publicKey).valid).toBe(true);
  });

  it('refuses a requester who approved their own request, and an approver that is not an id', () => {
    expect(() => certificateBodySchema.parse(withRequest({ requestedBy: 'op-1', approvedBy: 'op-1' }))).toThrow(
      /approvedBy must differ from requestedBy/,
    );
    expect(() => certificateBodySchema.parse(withRequest({ approvedBy: 'Jane Doe <jane@example.com>' }))).toThrow();
  });
});
