import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import {
  ADMIN_TOKEN_ISSUER,
  algorithmOf,
  jwksFrom,
  READER_TOKEN_ISSUER,
  TOKEN_ISSUER,
  type TokenAuthority,
  type TokenIssuer,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import { writeSecretFileOnce } from './local-secret-file';
import { stackPaths } from './stack-paths';

/**
 * Where each token authority's private key and public JWKS are. A private key comes from its variable's PEM file,
 * else the local stack's (made by `npm run stack:up`, outside the repository); public keys from the JWKS URL
 * variable, else the local stack's JWKS file. Only the process that signs for an authority is given its key:
 * the workers the orchestrator's, the fleet, bridge and API the readers', the admins' tools the admins'.
 */

interface AuthorityFiles {
  /** The variable naming the PEM private key (PKCS#8, Ed25519 or EC P-256). */
  keyVariable: string;
  /** The variable naming the JWKS (http(s) URL, file:// URL or path). */
  jwksVariable: string;
  localName: string;
}

export const AUTHORITY_FILES: Record<TokenIssuer, AuthorityFiles> = {
  [TOKEN_ISSUER]: {
    keyVariable: 'SERVICE_TOKEN_SIGNING_KEY_FILE',
    jwksVariable: 'SERVICE_TOKEN_JWKS_URL',
    localName: 'service-token',
  },
  [READER_TOKEN_ISSUER]: {
    keyVariable: 'READER_TOKEN_SIGNING_KEY_FILE',
    jwksVariable: 'READER_TOKEN_JWKS_URL',
    localName: 'reader-token',
  },
  [ADMIN_TOKEN_ISSUER]: {
    keyVariable: 'ADMIN_TOKEN_SIGNING_KEY_FILE',
    jwksVariable: 'ADMIN_TOKEN_JWKS_URL',
    localName: 'admin-token',
  },
};

export class MissingTokenKeyError extends Error {
  constructor(issuer: TokenIssuer, file: string, fromVariable: boolean) {
    const { keyVariable } = AUTHORITY_FILES[issuer];
    super(
      fromVariable
        ? `${keyVariable} names ${file}, which does not exist: point it at an Ed25519 or EC P-256 private key in PEM`
        : `no ${issuer} signing key: set ${keyVariable} to an Ed25519 or EC P-256 private key in PEM, ` +
            'or run `npm run stack:up` to create the local stack keys',
    );
    this.name = 'MissingTokenKeyError';
  }
}

function localDir(env: NodeJS.ProcessEnv): string {
  return path.join(stackPaths(env).stateDir, 'secrets');
}

export function localKeyFile(issuer: TokenIssuer, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(localDir(env), `${AUTHORITY_FILES[issuer].localName}-key.pem`);
}

export function localJwksFile(issuer: TokenIssuer, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(localDir(env), `${AUTHORITY_FILES[issuer].localName}-jwks.json`);
}

async function publicJwk(publicKey: KeyObject): Promise<JWK> {
  const jwk = await exportJWK(publicKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: algorithmOf(publicKey), use: 'sig' };
}

/** Creates the local stack's key of every authority once, and (re)writes its public JWKS beside it. */
export async function ensureLocalTokenKeys(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  for (const issuer of Object.keys(AUTHORITY_FILES) as TokenIssuer[]) {
    const keyFile = localKeyFile(issuer, env);
    writeSecretFileOnce(keyFile, () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const jwk = await publicJwk(createPublicKey(createPrivateKey(fs.readFileSync(keyFile))));
    fs.writeFileSync(localJwksFile(issuer, env), `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`, { mode: 0o644 });
  }
}

/** The signer of one authority, for the one process that holds its key. */
export async function loadTokenSigner(issuer: TokenIssuer, env: NodeJS.ProcessEnv = process.env): Promise<TokenSigner> {
  const configured = env[AUTHORITY_FILES[issuer].keyVariable];
  const file = configured || localKeyFile(issuer, env);
  if (!fs.existsSync(file)) throw new MissingTokenKeyError(issuer, file, Boolean(configured));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(file));
  } catch (error) {
    throw new Error(`${file} is not a private key in PEM: ${(error as Error).message}`);
  }
  const jwk = await publicJwk(createPublicKey(privateKey));
  return { issuer, privateKey, keyId: jwk.kid! };
}

/** The public keys of the given authorities, for a service or the registry that verifies their tokens. */
export function tokenAuthorities(
  issuers: readonly TokenIssuer[],
  env: NodeJS.ProcessEnv = process.env,
): TokenAuthority[] {
  return issuers.map((issuer) => {
    const location = env[AUTHORITY_FILES[issuer].jwksVariable] || localJwksFile(issuer, env);
    if (!/^https?:\/\//.test(location) && !fs.existsSync(location.replace(/^file:\/\//, ''))) {
      throw new Error(
        `no public keys for ${issuer} tokens at ${location}: set ${AUTHORITY_FILES[issuer].jwksVariable} ` +
          'or run `npm run stack:up` to create the local stack keys',
      );
    }
    return { issuer, keys: jwksFrom(location, (file) => fs.readFileSync(file, 'utf8')) };
  });
}
