import { createHash, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CodecServerConfig } from './codec-server-config';
import { fromPayloadJson, payloadsJsonSchema, toPayloadJson } from './payload-json';

/**
 * Temporal's remote codec protocol over the payload codec, for the Web UI and `temporal --codec-endpoint`:
 * `POST …/encode` and `POST …/decode` (only the last path segment counts, so it can be mounted under any prefix),
 * CORS for the Web UI's origins, the X-Namespace header checked against the namespaces it serves, an optional
 * bearer token, and `GET /healthz`. It logs counts and namespaces, never payloads.
 */

/** Temporal accepts payloads up to 2 MB, and the UI sends a whole event's payloads at once. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function buildCodecServer(options: {
  codec: PayloadCodec;
  config: Pick<CodecServerConfig, 'corsOrigins' | 'namespaces' | 'token'>;
  logger: Logger;
}): FastifyInstance {
  const { codec, config, logger } = options;
  const origins = new Set(config.corsOrigins);
  const expectedToken = config.token === undefined ? undefined : digest(`Bearer ${config.token}`);
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) logger.error({ err: error }, 'codec server failed');
    return reply.code(status).send({ error: status === 500 ? 'internal error' : error.message });
  });

  // Allowed origins get CORS headers on every answer, errors included, so the UI can show why a call failed.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!origins.has(origin)) {
      return reply
        .code(403)
        .send({ error: `origin ${origin} is not allowed: add it to CODEC_SERVER_CORS_ORIGINS (or --cors-origin)` });
    }
    reply
      .header('Access-Control-Allow-Origin', origin)
      .header('Access-Control-Allow-Credentials', 'true')
      .header('Vary', 'Origin');
  });

  app.options('/*', async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
      .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .header('Access-Control-Max-Age', '600')
      .send(),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  function refused(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    if (expectedToken) {
      const given = request.headers.authorization ?? '';
      if (!timingSafeEqual(digest(given), expectedToken)) {
        logger.warn({ ip: request.ip }, 'refused: no valid bearer token');
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer')
          .send({ error: 'this codec server needs Authorization: Bearer <CODEC_SERVER_TOKEN>' });
      }
    }
    // The Temporal CLI sends an empty X-Namespace when it has none to name; only a named one is checked.
    const namespace = request.headers['x-namespace'];
    if (
      config.namespaces &&
      typeof namespace === 'string' &&
      namespace !== '' &&
      !config.namespaces.includes(namespace)
    ) {
      logger.warn({ namespace }, 'refused: namespace not served');
      return reply.code(403).send({
        error: `namespace ${namespace} is not served here (serving ${config.namespaces.join(', ')}; CODEC_SERVER_NAMESPACES)`,
      });
    }
    return undefined;
  }

  app.post('/*', async (request, reply) => {
    const operation = new URL(request.url, 'http://codec').pathname.replace(/\/+$/, '').split('/').pop();
    if (operation !== 'encode' && operation !== 'decode') {
      return reply.code(404).send({ error: `no ${request.url}: POST …/encode or …/decode` });
    }
    const refusal = refused(request, reply);
    if (refusal) return refusal;
    const body = payloadsJsonSchema.safeParse(request.body);
    if (!body.success) {
      return reply.code(400).send({
        error: `the body is not Payloads JSON: ${body.error.issues.map((issue) => `${issue.path.join('.') || '(body)'} ${issue.message}`).join('; ')}`,
      });
    }
    const started = Date.now();
    const payloads = body.data.payloads.map(fromPayloadJson);
    let result;
    try {
      result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    } catch (error) {
      // The codec's messages name key ids and causes, never key bytes or payload contents.
      logger.warn(
        { operation, namespace: request.headers['x-namespace'], reason: (error as Error).message },
        'refused',
      );
      return reply.code(400).send({ error: (error as Error).message });
    }
    logger.info(
      { operation, namespace: request.headers['x-namespace'], payloads: payloads.length, ms: Date.now() - started },
      operation,
    );
    return reply.send({ payloads: result.map(toPayloadJson) });
  });

  return app;
}
