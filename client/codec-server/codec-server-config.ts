import { z } from 'zod';
import { DEFAULT_CODEC_SERVER_PORT } from '../../common/codec-server-port';
import { parseEnvironment } from '../../common/config';

/** The codec server's settings, from the environment (the command-line options override them). */

export const DEFAULT_WEB_UI_ORIGIN = 'http://localhost:8233';

const commaList = (item: z.ZodType<string, string>, what: string) =>
  z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(item).min(1, `must list at least one ${what}`));

const origin = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'must be origins like http://localhost:8233 (scheme://host[:port], no path)');

const namespace = z.string().regex(/^(\*|[A-Za-z0-9._-]{1,255})$/, 'must be Temporal namespace names, or *');

export const codecServerConfigSchema = z
  .object({
    CODEC_SERVER_PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a port number')
      .min(0)
      .max(65_535)
      .default(DEFAULT_CODEC_SERVER_PORT)
      .describe('Where `npm run codec-server` listens (`--port` overrides it).'),
    // The server decrypts whatever it is sent, so by default only this machine may ask.
    CODEC_SERVER_HOST: z
      .string()
      .min(1)
      .default('localhost')
      .describe('The address it listens on; `localhost` is the loopback addresses only.'),
    CODEC_SERVER_CORS_ORIGINS: commaList(origin, 'origin')
      .prefault(DEFAULT_WEB_UI_ORIGIN)
      .describe('The Web UI origins allowed to call it from a browser (CORS), comma-separated.'),
    CODEC_SERVER_NAMESPACES: commaList(namespace, 'namespace')
      .optional()
      .describe(
        'The namespaces whose payloads it decodes, checked against `X-Namespace`, comma-separated; `*` any. ' +
          'Unset: `TEMPORAL_NAMESPACE`.',
      ),
    TEMPORAL_NAMESPACE: z.string().default('default').describe('The namespace it serves when the above is unset.'),
    CODEC_SERVER_TOKEN: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe('When set (32+ characters), `/encode` and `/decode` require `Authorization: Bearer <token>`.'),
  })
  .transform((env) => {
    const namespaces = env.CODEC_SERVER_NAMESPACES ?? [env.TEMPORAL_NAMESPACE];
    return {
      port: env.CODEC_SERVER_PORT,
      host: env.CODEC_SERVER_HOST,
      corsOrigins: env.CODEC_SERVER_CORS_ORIGINS,
      /** undefined: any namespace. */
      namespaces: namespaces.includes('*') ? undefined : namespaces,
      token: env.CODEC_SERVER_TOKEN,
    };
  });

export type CodecServerConfig = z.output<typeof codecServerConfigSchema>;

const SECRET_BEARING = new Set(['CODEC_SERVER_TOKEN']);

export function loadCodecServerConfig(env: NodeJS.ProcessEnv = process.env): CodecServerConfig {
  return parseEnvironment(codecServerConfigSchema, env, SECRET_BEARING);
}
