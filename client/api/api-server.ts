import Fastify, { LogController } from 'fastify';
import type pino from 'pino';
import { deletionApiDocument } from '../../scripts/contract/deletion-api-openapi';
import type { ApiDeps } from './api-deps';
import { ApiError, sendError } from './api-errors';
import { API_PREFIX } from './api-schemas';
import { authenticate } from './authentication';
import { apiRequestTracing } from './request-tracing';
import { certificateRoutes } from './routes/certificate';
import { controlRoutes } from './routes/controls';
import { deletionRequestRoutes } from './routes/deletion-requests';
import { deletionStatusRoutes } from './routes/deletion-status';

/**
 * The deletion API (docs/contract.md, "The deletion API"): tenant admins and operators request, follow, cancel, retry
 * and approve deletions over HTTP. It holds no key that deletes: deletions start as workflow requests, and the
 * registry is asked with a read-only reader token.
 */

export interface ApiServerOptions extends ApiDeps {
  logger: pino.Logger;
}

export async function buildApiServer(options: ApiServerOptions) {
  const { logger, ...deps } = options;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: (request) => request.url === '/healthz' }),
    // Longer than any valid id, so an over-long id is answered 400 by the identifier rule, not 404 by the router.
    routerOptions: { maxParamLength: 500 },
    bodyLimit: 1024 * 1024,
  });

  // First, so that the request's span is open when authentication refuses it.
  await app.register(apiRequestTracing());

  // Every /api route, before its body is even parsed: no token, no work.
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith(`${API_PREFIX}/`)) await authenticate(deps.verifyIdentity, request);
  });

  // DELETE's body is optional, and clients send `content-type: application/json` on bodiless calls too.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    return text.trim() === '' ? done(null, undefined) : jsonParser(request, text, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) request.log.warn({ code: error.code, message: error.message }, 'not answered');
      return sendError(reply, error);
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendError(reply, new ApiError(error.statusCode, 'INVALID_REQUEST', error.message));
    }
    // Only the code and message: a database error's detail can quote a row.
    request.log.error({ code: error.code, message: error.message }, 'request failed');
    return sendError(reply, new ApiError(500, 'INTERNAL', 'the deletion API failed to answer; retry later'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  const openApi = deletionApiDocument();
  app.get('/healthz', async () => ({ status: 'ok' as const }));
  app.get('/openapi.json', async () => openApi);
  await app.register(deletionRequestRoutes(deps));
  await app.register(deletionStatusRoutes(deps));
  await app.register(certificateRoutes(deps));
  await app.register(controlRoutes(deps));
  return app;
}
