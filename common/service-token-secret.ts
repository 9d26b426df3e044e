import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeSecretFileOnce } from './local-secret-file';
import { stackPaths } from './stack-paths';

/**
 * Where the HS256 secret comes from: SERVICE_TOKEN_SECRET, else the file SERVICE_TOKEN_SECRET_FILE names,
 * else the local stack's own secret (made by `npm run stack:up`, kept outside the repo).
 */

export class MissingSecretError extends Error {
  constructor() {
    super(
      'SERVICE_TOKEN_SECRET is not set: set it (32+ characters) or SERVICE_TOKEN_SECRET_FILE, ' +
        'or run `npm run stack:up` to create the local stack secret',
    );
    this.name = 'MissingSecretError';
  }
}

export function localSecretFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).stateDir, 'secrets', 'service-token-secret');
}

/** Creates the local stack's secret once; later calls keep it. */
export function ensureLocalSecret(env: NodeJS.ProcessEnv = process.env): string {
  const file = localSecretFile(env);
  writeSecretFileOnce(file, () => randomBytes(32).toString('base64url'));
  return file;
}

export function resolveServiceTokenSecret(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (configured) return configured;
  const file = env.SERVICE_TOKEN_SECRET_FILE || localSecretFile(env);
  if (!fs.existsSync(file)) throw new MissingSecretError();
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`the secret in ${file} is shorter than 32 characters`);
  return secret;
}
