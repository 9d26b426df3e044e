import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { InvalidKeyError, keyIdOf, requireEd25519 } from '@tenant-deletion/client';
import fs from 'node:fs';
import path from 'node:path';
import { writeSecretFileOnce } from '../local-secret-file';
import { stackPaths } from '../stack-paths';

/**
 * The certificates' Ed25519 key: the PEM (PKCS#8) file CERTIFICATE_SIGNING_KEY_FILE names, else the local stack's
 * own key (made by `npm run stack:up`, kept in the stack's state directory, never in the repository). Only the
 * orchestration workers sign; anyone may verify with the public key, which `tdel certificate --export-public-key`
 * prints.
 */

export const SIGNING_KEY_VARIABLE = 'CERTIFICATE_SIGNING_KEY_FILE';

export interface CertificateSigner {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex digits of SHA-256 over the public key's DER (SubjectPublicKeyInfo). */
  keyId: string;
  /** The file the key came from, for start-up logs and errors. */
  source: string;
}

export class MissingSigningKeyError extends Error {
  constructor(file: string, fromVariable: boolean) {
    super(
      fromVariable
        ? `${SIGNING_KEY_VARIABLE} names ${file}, which does not exist: point it at an Ed25519 private key in PEM ` +
            '(e.g. from `openssl genpkey -algorithm ed25519 -out key.pem`)'
        : `no certificate signing key: set ${SIGNING_KEY_VARIABLE} to an Ed25519 private key in PEM, ` +
            'or run `npm run stack:up` to create the local stack key',
    );
    this.name = 'MissingSigningKeyError';
  }
}

export function localSigningKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).stateDir, 'secrets', 'certificate-signing-key.pem');
}

/** Creates the local stack's key once; later calls keep it, so certificates already issued stay verifiable. */
export function ensureLocalSigningKey(env: NodeJS.ProcessEnv = process.env): string {
  const file = localSigningKeyFile(env);
  writeSecretFileOnce(file, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

/** Where the signing key is read from: the variable's file, else the local stack's. */
export function signingKeyFile(env: NodeJS.ProcessEnv = process.env): { file: string; fromVariable: boolean } {
  const configured = env[SIGNING_KEY_VARIABLE];
  return configured
    ? { file: configured, fromVariable: true }
    : { file: localSigningKeyFile(env), fromVariable: false };
}

export function loadSigningKey(env: NodeJS.ProcessEnv = process.env): CertificateSigner {
  const { file, fromVariable } = signingKeyFile(env);
  if (!fs.existsSync(file)) throw new MissingSigningKeyError(file, fromVariable);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(file));
  } catch (error) {
    throw new InvalidKeyError(`${file} is not a private key in PEM: ${(error as Error).message}`);
  }
  requireEd25519(privateKey, file);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: file };
}
