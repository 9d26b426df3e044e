/** The signing key: CERTIFICATE_SIGNING_KEY_FILE, the local stack's key, key ids and what is refused. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ensureLocalSigningKey,
  loadSigningKey,
  localSigningKeyFile,
  MissingSigningKeyError,
} from '../../common/certificates/signing-key';
import { InvalidKeyError, keyIdOf, parsePublicKey, publicKeyPem } from '@tenant-deletion/client';
import { tempDir, testSigner, writePrivateKey } from './certificate-fixtures';

const dir = tempDir('tdel-signing-key-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the certificate signing key', () => {
  it('is created once by the local stack, outside the repository, readable by its owner only', () => {
    const env = { TDEL_STATE_DIR: path.join(dir, 'state') };
    const file = ensureLocalSigningKey(env);
    expect(file).toBe(path.join(dir, 'state', 'secrets', 'certificate-signing-key.pem'));
    expect(file).toBe(localSigningKeyFile(env));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const first = loadSigningKey(env);
    expect(ensureLocalSigningKey(env)).toBe(file);
    expect(loadSigningKey(env).keyId).toBe(first.keyId);
    expect(first.source).toBe(file);
  });

  it('comes from CERTIFICATE_SIGNING_KEY_FILE when set', () => {
    const signer = testSigner();
    const file = writePrivateKey(signer, dir, 'configured.pem');
    const loaded = loadSigningKey({ CERTIFICATE_SIGNING_KEY_FILE: file, TDEL_STATE_DIR: path.join(dir, 'state') });
    expect(loaded.keyId).toBe(signer.keyId);
    expect(publicKeyPem(loaded.publicKey)).toBe(publicKeyPem(signer.publicKey));
  });

  it('has a key id of the first 16 hex digits of SHA-256 over the public key DER', () => {
    const signer = testSigner();
    const der = signer.publicKey.export({ type: 'spki', format: 'der' });
    expect(keyIdOf(signer.publicKey)).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
  });

  it('says what to do when there is none', () => {
    expect(() => loadSigningKey({ TDEL_STATE_DIR: path.join(dir, 'empty') })).toThrow(MissingSigningKeyError);
    expect(() => loadSigningKey({ TDEL_STATE_DIR: path.join(dir, 'empty') })).toThrow(/npm run stack:up/);
    expect(() => loadSigningKey({ CERTIFICATE_SIGNING_KEY_FILE: path.join(dir, 'nope.pem') })).toThrow(
      /CERTIFICATE_SIGNING_KEY_FILE names .*nope\.pem, which does not exist/,
    );
  });

  it('refuses a key that is not Ed25519, or not a key', () => {
    const rsa = path.join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(rsa, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadSigningKey({ CERTIFICATE_SIGNING_KEY_FILE: rsa })).toThrow(
      /holds a rsa key: certificates use Ed25519/,
    );
    const junk = path.join(dir, 'junk.pem');
    fs.writeFileSync(junk, 'not a key');
    expect(() => loadSigningKey({ CERTIFICATE_SIGNING_KEY_FILE: junk })).toThrow(InvalidKeyError);
  });

  it('reads a public key from a public PEM, or from a private one', () => {
    const signer = testSigner();
    expect(keyIdOf(parsePublicKey(publicKeyPem(signer.publicKey), 'public.pem'))).toBe(signer.keyId);
    const privatePem = signer.privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(keyIdOf(parsePublicKey(privatePem, 'private.pem'))).toBe(signer.keyId);
    expect(() => parsePublicKey('nope', 'x.pem')).toThrow(/x\.pem is not a public key in PEM/);
  });
});
