import path from 'node:path';
import { localSigningKeyFile } from '../../common/certificates/signing-key';
import { localCodecKeysFile } from '../../common/codec-keys';
import { localJwksFile, localKeyFile } from '../../common/service-token-keys';
import { ADMIN_TOKEN_ISSUER, READER_TOKEN_ISSUER, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';

/**
 * The keys of a deployment, one directory per key so that a container is given the directories of its own keys
 * only (docker-compose.yml mounts each as its own volume): a process cannot read a key it was not given. The public
 * JWKS files share one directory, since anyone may read them.
 */

export interface KeyFile {
  /** The directory under the keys root (one compose volume each). */
  dir: string;
  file: string;
  /** The variable a program reads the file's path from. */
  variable: string;
  secret: boolean;
  /** Where the local stack's generator writes it, for a state directory `env` names. */
  source: (env: NodeJS.ProcessEnv) => string;
}

function keyFile(dir: string, variable: string, secret: boolean, source: KeyFile['source']): KeyFile {
  return { dir, file: path.basename(source({ TDEL_STATE_DIR: '/' })), variable, secret, source };
}

export const KEY_FILES: readonly KeyFile[] = [
  keyFile('service-token', 'SERVICE_TOKEN_SIGNING_KEY_FILE', true, (env) => localKeyFile(TOKEN_ISSUER, env)),
  keyFile('reader-token', 'READER_TOKEN_SIGNING_KEY_FILE', true, (env) => localKeyFile(READER_TOKEN_ISSUER, env)),
  keyFile('admin-token', 'ADMIN_TOKEN_SIGNING_KEY_FILE', true, (env) => localKeyFile(ADMIN_TOKEN_ISSUER, env)),
  keyFile('payload-codec', 'PAYLOAD_CODEC_KEYS_FILE', true, localCodecKeysFile),
  keyFile('certificate', 'CERTIFICATE_SIGNING_KEY_FILE', true, localSigningKeyFile),
  keyFile('public', 'SERVICE_TOKEN_JWKS_URL', false, (env) => localJwksFile(TOKEN_ISSUER, env)),
  keyFile('public', 'READER_TOKEN_JWKS_URL', false, (env) => localJwksFile(READER_TOKEN_ISSUER, env)),
  keyFile('public', 'ADMIN_TOKEN_JWKS_URL', false, (env) => localJwksFile(ADMIN_TOKEN_ISSUER, env)),
];

/** Where a program finds a key under the keys root (`/keys` in the image). */
export function keyPath(root: string, key: KeyFile): string {
  return path.join(root, key.dir, key.file);
}
