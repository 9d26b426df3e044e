/**
 * `tdel certificate`, spawned as a process: offline verification of a file (no database: DATABASE_URL points where
 * nothing listens), every kind of edit failing with exit 1 and naming what does not match, the exported public
 * key, usage errors, the auditor's openssl recipe of docs/certificates.md, and the online form against the local
 * stack's PostgreSQL (`npm run stack:up`) with certificates issued under `cert-cli-*` tenant ids.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { canonicalJson, digestOf, publicKeyPem } from '@tenant-deletion/client';
import { ensureLocalSigningKey, loadSigningKey } from '../../common/certificates/signing-key';
import { loadConfig } from '../../common/config';
import { appendCertificate } from '../../db/certificates';
import { json, looksLikeCrash, tdel, UNREACHABLE_ENV } from '../cli/run-tdel';
import { document, draft, sealedChain, tempDir, testSigner, writePrivateKey } from './certificate-fixtures';

jest.setTimeout(120_000);

const dir = tempDir('tdel-certificate-cli-');
const signer = testSigner();
const chain = sealedChain(signer, 3);
const keyFile = writePrivateKey(signer, dir);
const publicKeyFile = path.join(dir, 'key.pem');
fs.writeFileSync(publicKeyFile, publicKeyPem(signer.publicKey));
const otherPublicKeyFile = path.join(dir, 'other.pem');
fs.writeFileSync(otherPublicKeyFile, publicKeyPem(testSigner().publicKey));

/** Offline: no database reachable, and no local stack key unless a test names one. */
const OFFLINE_ENV = {
  ...UNREACHABLE_ENV,
  TDEL_STATE_DIR: path.join(dir, 'no-stack'),
  CERTIFICATE_SIGNING_KEY_FILE: undefined,
};

const certText = JSON.stringify(document(chain[2]), null, 2);
const certFile = file('cert.json', certText);

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const verifyOffline = (target: string, extra: string[] = ['--public-key', publicKeyFile], env = {}) =>
  tdel(['certificate', '--verify', '--file', target, ...extra], { env: { ...OFFLINE_ENV, ...env } });

describe('tdel certificate --verify --file (offline)', () => {
  it('verifies a good file: exit 0', async () => {
    const run = await verifyOffline(certFile);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`verified: certificate ${chain[2].body.certificateId}`);
    expect(run.stdout).toMatch(/body hash\s+ok/);
  });

  it('prints one JSON document with --json', async () => {
    const run = await verifyOffline(certFile, ['--public-key', publicKeyFile, '--json']);
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({
      verified: true,
      certificateId: chain[2].body.certificateId,
      sequence: 3,
      checks: [
        { check: 'body hash', ok: true },
        { check: 'signature', ok: true },
        { check: 'key id', ok: true },
      ],
    });
  });

  it.each([
    ['a string', (t: string) => t.replace('"tenant-3"', '"tenant-4"'), 'body hash, signature'],
    ['a number', (t: string) => t.replace('"attempts": 2', '"attempts": 1'), 'body hash, signature'],
    ['a nested count', (t: string) => t.replace('"files": 7', '"files": 0'), 'body hash, signature'],
    ['an array element', (t: string) => t.replace('"req-tenant-3"', '"req-tenant-X"'), 'body hash, signature'],
    ['a boolean', (t: string) => t.replace('"piiErased": true', '"piiErased": false'), 'body hash, signature'],
    ['the hash', (t: string) => t.replace(chain[2].hash, chain[1].hash), 'body hash'],
    ['the signature', (t: string) => t.replace(chain[2].signature, chain[1].signature), 'signature'],
    ['the key id', (t: string) => t.replace(chain[2].keyId, '0123456789abcdef'), 'key id'],
    ['a field name', (t: string) => t.replace('"registry"', '"registrx"'), 'body hash, signature'],
    ['the JSON itself', (t: string) => t.replace('{', '['), 'format'],
  ])('fails an edit of %s with exit 1, naming what does not match', async (what, edit, named) => {
    const edited = edit(certText);
    expect(edited).not.toBe(certText);
    const run = await verifyOffline(file(`edited-${what.replace(/\W/g, '-')}.json`, edited));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`does not verify; not matching: ${named}\n`);
    expect(looksLikeCrash(run.stderr)).toBe(false);
  });

  it('fails a certificate checked against another public key, naming the key id', async () => {
    const run = await verifyOffline(certFile, ['--public-key', otherPublicKeyFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not matching: signature, key id');
    expect(run.stdout).toMatch(/key id does not match: the certificate names [0-9a-f]{16}, the public key is/);
  });

  it('uses the configured signing key when no --public-key is given', async () => {
    const run = await verifyOffline(certFile, [], { CERTIFICATE_SIGNING_KEY_FILE: keyFile });
    expect(run.code).toBe(0);
  });

  it('checks a chain of certificates in one file, and names a broken link', async () => {
    const whole = await verifyOffline(file('chain.json', JSON.stringify(chain.map(document))), [
      '--public-key',
      publicKeyFile,
      '--json',
    ]);
    expect(whole.code).toBe(0);
    expect(json<{ certificates: { valid: boolean }[] }>(whole).certificates).toHaveLength(3);
    const gap = await verifyOffline(file('gap.json', JSON.stringify([chain[0], chain[2]].map(document))));
    expect(gap.code).toBe(1);
    expect(gap.stderr).toContain('not matching: chain link');
  });

  it('reads standard input', async () => {
    const run = await tdel(['certificate', '--verify', '--file', '-', '--public-key', publicKeyFile], {
      env: OFFLINE_ENV,
      input: certText,
    });
    expect(run.code).toBe(0);
  });
});

describe('tdel certificate --export-public-key', () => {
  it('prints the PEM that verifies the certificates, and its key id on stderr', async () => {
    const run = await tdel(['certificate', '--export-public-key'], {
      env: { ...OFFLINE_ENV, CERTIFICATE_SIGNING_KEY_FILE: keyFile },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(publicKeyPem(signer.publicKey));
    expect(run.stderr).toContain(`key id ${signer.keyId}`);
    const exported = file('exported.pem', run.stdout);
    expect((await verifyOffline(certFile, ['--public-key', exported])).code).toBe(0);
  });

  it('prints the key id and the PEM as JSON', async () => {
    const run = await tdel(['certificate', '--export-public-key', '--json'], {
      env: { ...OFFLINE_ENV, CERTIFICATE_SIGNING_KEY_FILE: keyFile },
    });
    expect(json(run)).toEqual({ keyId: signer.keyId, algorithm: 'Ed25519', publicKey: publicKeyPem(signer.publicKey) });
  });

  it('says how to get a key when there is none: exit 2', async () => {
    const run = await tdel(['certificate', '--export-public-key'], { env: OFFLINE_ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no certificate signing key: set CERTIFICATE_SIGNING_KEY_FILE .*npm run stack:up/);
  });
});

describe('tdel certificate usage errors: exit 2', () => {
  it.each([
    [[], /name a tenant, or --verify --file <cert.json>, or --export-public-key/],
    [['--file', 'cert.json'], /--file is read only to verify it/],
    [['t-1', '--verify', '--file', 'cert.json'], /give a tenant or --file, not both/],
    [['t-1', '--export-public-key'], /--export-public-key takes no tenant/],
    [['bad tenant!'], /tenantId must be 1-64 characters/],
    [['--verify', '--file', '/nonexistent/cert.json'], /cannot read \/nonexistent\/cert.json: no such file/],
    [['--verify', '--file', certFile], /no certificate signing key[\s\S]*--public-key/],
  ])('tdel certificate %j', async (args, message) => {
    const run = await tdel(['certificate', ...args], { env: OFFLINE_ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(looksLikeCrash(run.stderr)).toBe(false);
  });

  it('shows help with examples', async () => {
    const run = await tdel(['certificate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: tdel certificate [options] [tenantId]');
    expect(run.stdout).toMatch(/Examples:\n\s+\$ tdel certificate/);
  });
});

describe("the auditor's recipe in docs/certificates.md", () => {
  it('verifies a certificate with node and openssl alone, and rejects an edited one', () => {
    const recipe = (cert: string) =>
      spawnSync(
        'bash',
        [
          '-euo',
          'pipefail',
          '-c',
          `
          node -e 'const c=v=>Array.isArray(v)?\`[\${v.map(c)}]\`:v&&typeof v=="object"?\`{\${Object.keys(v).sort().map(k=>JSON.stringify(k)+":"+c(v[k]))}}\`:JSON.stringify(v);process.stdout.write(c(JSON.parse(require("fs").readFileSync(process.argv[1])).body))' "$CERT" > body.json
          test "$(sha256sum body.json | cut -d' ' -f1)" = "$(node -p 'require(process.argv[1]).hash' "$CERT")"
          openssl dgst -sha256 -binary body.json > digest.bin
          node -p 'require(process.argv[1]).signature' "$CERT" | base64 -d > signature.bin
          openssl pkeyutl -verify -pubin -inkey "$KEY" -rawin -in digest.bin -sigfile signature.bin
          test "$(openssl pkey -pubin -in "$KEY" -outform DER | sha256sum | cut -c1-16)" = "$(node -p 'require(process.argv[1]).keyId' "$CERT")"
          `,
        ],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, CERT: cert, KEY: publicKeyFile } },
      );
    const good = recipe(certFile);
    expect(good.stderr).toBe('');
    expect(good.stdout).toContain('Signature Verified Successfully');
    expect(good.status).toBe(0);
    // An edited body with its hash recomputed passes the hash step: the signature step must fail it.
    const edited = JSON.parse(certText);
    edited.body.instances[0].attempts = 9;
    edited.hash = digestOf(canonicalJson(edited.body)).toString('hex');
    expect(recipe(file('edited-for-openssl.json', JSON.stringify(edited))).status).not.toBe(0);
  });
});

describe('tdel certificate <tenantId> (PostgreSQL)', () => {
  const pool = new pg.Pool({ connectionString: loadConfig().DATABASE_URL, max: 2 });
  const tenantId = `cert-cli-${randomUUID().slice(0, 8)}`;
  let certificateId: string;
  ensureLocalSigningKey();
  const localSigner = loadSigningKey();

  beforeAll(async () => {
    const { stored } = await appendCertificate(pool, localSigner, `${tenantId}:1`, draft(tenantId));
    certificateId = stored.certificate.body.certificateId;
  });
  afterAll(() => pool.end());

  it("shows the tenant's latest certificate", async () => {
    const run = await tdel(['certificate', tenantId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Deletion certificate ${certificateId}`);
    expect(run.stdout).toMatch(/orders-1\s+orders\s+600\s+1\s+preview-zero/);
    expect(run.stdout).toContain('tenant record deleted, PII erased');
  });

  it('prints the certificate as JSON, which then verifies offline', async () => {
    const run = await tdel(['certificate', tenantId, '--json']);
    expect(run.code).toBe(0);
    const saved = file('from-db.json', run.stdout);
    const exported = await tdel(['certificate', '--export-public-key']);
    const offline = await verifyOffline(saved, ['--public-key', file('local.pem', exported.stdout)]);
    expect(offline.code).toBe(0);
  });

  it('verifies the signature, the key id, the chain link and the stored copy with --verify', async () => {
    const run = await tdel(['certificate', tenantId, '--verify', '--json']);
    expect(run.code).toBe(0);
    const result = json<{ verified: boolean; checks: { check: string; ok: boolean }[] }>(run);
    expect(result.verified).toBe(true);
    expect(result.checks.map((check) => [check.check, check.ok])).toEqual([
      ['body hash', true],
      ['signature', true],
      ['key id', true],
      ['chain link', true],
      ['stored copy', true],
    ]);
  });

  it('fails --verify with another public key: exit 1', async () => {
    const run = await tdel(['certificate', tenantId, '--verify', '--public-key', otherPublicKeyFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not matching: signature, key id');
  });

  it('exits 3 for a tenant without a certificate', async () => {
    const run = await tdel(['certificate', `${tenantId}-none`, '--json']);
    expect(run.code).toBe(3);
    expect(json(run)).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no deletion certificate/) },
    });
  });

  it('exits 3 when PostgreSQL is unreachable', async () => {
    const run = await tdel(['certificate', tenantId], { env: UNREACHABLE_ENV });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/PostgreSQL unreachable/);
  });
});
