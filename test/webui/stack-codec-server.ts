import pino from 'pino';
import { buildCodecServer } from '../../client/codec-server/codec-server';
import { loadPayloadCodecConfig } from '../../common/codec-keys';
import { AesGcmPayloadCodec } from '../../common/payload-codec';

/**
 * The codec server the local stack's Web UI decodes payloads through (its `--ui-codec-endpoint`,
 * `npm run codec-server`). A test that reads payloads in that UI uses the one already running there, or, as
 * `npm run demo` does, runs one on that port until the test ends, with the keys every program of the stack uses.
 */

const healthy = (endpoint: string) =>
  fetch(`${endpoint}/healthz`).then(
    (response) => response.ok,
    () => false,
  );

export async function ensureStackCodecServer(uiBase: string, namespace: string): Promise<{ close(): Promise<void> }> {
  const none = { close: async () => undefined };
  const codec = loadPayloadCodecConfig();
  // Unencrypted payloads need no codec server.
  if (!codec.enabled) return none;
  const settings = (await (await fetch(`${uiBase}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
  const endpoint = settings.Codec?.Endpoint ?? '';
  if (endpoint === '') {
    throw new Error(
      `the Web UI at ${uiBase} has no codec endpoint: restart Temporal (npm run stack:down, then stack:up)`,
    );
  }
  if (await healthy(endpoint)) return none;
  const url = new URL(endpoint);
  if (url.hostname !== 'localhost') throw new Error(`the Web UI decodes through ${endpoint}, which does not answer`);
  const server = buildCodecServer({
    codec: new AesGcmPayloadCodec(codec.keys),
    config: { corsOrigins: [new URL(uiBase).origin], namespaces: [namespace], token: undefined },
    logger: pino({ level: 'silent' }),
  });
  try {
    await server.listen({ port: Number(url.port), host: 'localhost' });
  } catch (error) {
    // Someone started one in the meantime: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && (await healthy(endpoint))) return none;
    throw error;
  }
  return {
    close: async () => {
      await server.close();
    },
  };
}
