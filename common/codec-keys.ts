import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, parseEnvironment } from './config';
import { writeSecretFileOnce } from './local-secret-file';
import { stackPaths } from './stack-paths';

/**
 * The payload codec's keys: PAYLOAD_CODEC_KEYS (`keyId:base64key,...`, 32-byte keys), else the file
 * PAYLOAD_CODEC_KEYS_FILE names (same entries, by comma or line), else the local stack's key file (made by
 * `npm run stack:up`, kept outside the repo). The first key encrypts; every key decrypts, so payloads written
 * before a rotation stay readable as long as their key stays in the list. PAYLOAD_CODEC=off turns encryption off.
 *
 * Errors name the variable, the file and the entry's position or key id, never a key's bytes.
 */

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
export const KEY_BYTES = 32;

const codecKeySchema = z.string().transform((entry, ctx) => {
  const colon = entry.indexOf(':');
  const id = entry.slice(0, Math.max(colon, 0)).trim();
  if (colon < 0 || !KEY_ID.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'is not keyId:base64key (a key id is 1-64 of A-Z a-z 0-9 . _ -)' });
    return z.NEVER;
  }
  const encoded = entry.slice(colon + 1).trim();
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
  if (key?.length !== KEY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `(key id "${id}") must be ${KEY_BYTES} bytes in base64, e.g. from \`openssl rand -base64 32\`${
        key ? ` (it is ${key.length} bytes)` : ' (it is not base64)'
      }`,
    });
    return z.NEVER;
  }
  return { id, key };
});

export type CodecKey = z.output<typeof codecKeySchema>;

/** Entries separated by commas or lines; blank ones are skipped, so a key file may end with a newline. */
const codecKeyListSchema = z
  .string()
  .transform((list) =>
    list
      .split(/[,\n]/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(codecKeySchema).min(1, 'lists no key'))
  .superRefine((keys, ctx) => {
    const seen = new Set<string>();
    for (const { id } of keys) {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `lists key id "${id}" twice` });
      seen.add(id);
    }
  });

export const codecEnvSchema = z.object({
  PAYLOAD_CODEC: z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .default('on')
    .describe('`off` stores payloads unencrypted in Temporal (debugging only).'),
  PAYLOAD_CODEC_KEYS: z
    .string()
    .optional()
    .describe(
      '`keyId:base64key,…` (32-byte keys): the first encrypts, all decrypt; never logged. Set it or ' +
        "`PAYLOAD_CODEC_KEYS_FILE`, not both; neither: the local stack's key file.",
    ),
  PAYLOAD_CODEC_KEYS_FILE: z.string().optional().describe('A file of such entries, separated by commas or lines.'),
});

export type PayloadCodecConfig =
  | { enabled: false }
  | {
      enabled: true;
      /** The first one encrypts; all of them decrypt. */
      keys: CodecKey[];
      /** Where the keys came from (a variable's name or a file's path), for start-up logs and errors. */
      source: string;
    };

function parseKeyList(list: string, source: string): CodecKey[] {
  const parsed = codecKeyListSchema.safeParse(list);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const index = issue.path[0];
      return typeof index === 'number' ? `${source} entry ${index + 1} ${issue.message}` : `${source} ${issue.message}`;
    }),
  );
}

export function localCodecKeysFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).stateDir, 'secrets', 'payload-codec-keys');
}

/** One `keyId:base64key` entry with a fresh random key. */
export function newCodecKeyEntry(id: string): string {
  if (!KEY_ID.test(id)) throw new Error(`key id "${id}" must be 1-64 of A-Z a-z 0-9 . _ -`);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** Creates the local stack's key file once (mode 0600); later calls keep it, so local payloads stay readable. */
export function ensureLocalCodecKeys(env: NodeJS.ProcessEnv = process.env, now = new Date()): string {
  const file = localCodecKeysFile(env);
  const id = `local-${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
  writeSecretFileOnce(file, () => `${newCodecKeyEntry(id)}\n`);
  return file;
}

export function loadPayloadCodecConfig(env: NodeJS.ProcessEnv = process.env): PayloadCodecConfig {
  const { PAYLOAD_CODEC, PAYLOAD_CODEC_KEYS, PAYLOAD_CODEC_KEYS_FILE } = parseEnvironment(
    codecEnvSchema,
    env,
    new Set(['PAYLOAD_CODEC_KEYS']),
  );
  if (PAYLOAD_CODEC === 'off') return { enabled: false };
  if (PAYLOAD_CODEC_KEYS && PAYLOAD_CODEC_KEYS_FILE) {
    throw new ConfigError(['PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_KEYS_FILE are both set: set only one']);
  }
  if (PAYLOAD_CODEC_KEYS) {
    return {
      enabled: true,
      keys: parseKeyList(PAYLOAD_CODEC_KEYS, 'PAYLOAD_CODEC_KEYS'),
      source: 'PAYLOAD_CODEC_KEYS',
    };
  }
  const file = PAYLOAD_CODEC_KEYS_FILE ?? localCodecKeysFile(env);
  if (!fs.existsSync(file)) {
    throw new ConfigError([
      PAYLOAD_CODEC_KEYS_FILE
        ? `PAYLOAD_CODEC_KEYS_FILE names ${file}, which does not exist`
        : 'PAYLOAD_CODEC_KEYS is not set: set it (keyId:base64key,... with 32-byte keys) or PAYLOAD_CODEC_KEYS_FILE, ' +
          'run `npm run stack:up` to create the local key file, or set PAYLOAD_CODEC=off to store payloads unencrypted',
    ]);
  }
  return { enabled: true, keys: parseKeyList(fs.readFileSync(file, 'utf8'), file), source: file };
}

/** A start-up log line: which key encrypts and how many decrypt, never the keys. */
export function describePayloadCodec(config: PayloadCodecConfig): string {
  if (!config.enabled) return 'payload codec off (PAYLOAD_CODEC=off): Temporal stores payloads readable';
  const [active, ...older] = config.keys;
  return (
    `payloads encrypted with AES-256-GCM, key "${active.id}"` +
    (older.length > 0 ? `; also decrypting with ${older.map((key) => `"${key.id}"`).join(', ')}` : '') +
    ` (from ${config.source})`
  );
}
