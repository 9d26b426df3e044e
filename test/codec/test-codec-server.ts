import type net from 'node:net';
import pino from 'pino';
import { buildCodecServer } from '../../client/codec-server/codec-server';
import type { CodecKey } from '../../common/codec-keys';
import { AesGcmPayloadCodec } from '../../common/payload-codec';

/**
 * The codec server in-process on a free port, for a private dev server's Web UI (`--ui-codec-endpoint`), as the
 * local stack's UI uses `npm run codec-server`. CODEC_TEST_LOG=info shows its calls.
 */
export async function startTestCodecServer(keys: CodecKey[], uiOrigin?: string) {
  const server = buildCodecServer({
    codec: new AesGcmPayloadCodec(keys),
    config: { corsOrigins: uiOrigin ? [uiOrigin] : [], namespaces: ['default'], token: undefined },
    logger: pino({ level: process.env.CODEC_TEST_LOG ?? 'silent' }),
  });
  await server.listen({ port: 0, host: 'localhost' });
  return { server, endpoint: `http://localhost:${(server.server.address() as net.AddressInfo).port}` };
}
