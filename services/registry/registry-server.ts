import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { LogController } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { identifier } from '@tenant-deletion/contract';
import { traceLogFields } from '@tenant-deletion/contract/trace-log-fields';
import type { ServiceTokenVerifier } from '@tenant-deletion/contract/service-token';
import { ensureDatabase, migrate, requestTracing } from '@tenant-deletion/kit';
import { REGISTRY } from './registry-settings';
import { isDatabaseUnavailable, sendError } from './api-errors';
import { memberRoutes } from './member-routes';
import { requireDeclaredScopes, requireRegistryToken } from './route-scopes';
import { tenantRoutes } from './tenant-routes';

/**
 * The tenant registry: the one service holding tenant PII. The orchestrator suspends a tenant before
 * deleting its data and deletes (erases) the record last; the fleet asks it whether writes are allowed.
 */

export const REGISTRY_MIGRATIONS_DIR = path.join(__dirname, 'migrations');

export interface RegistryOptions {
  /** The registry's own database; created and migrated at start. */
  databaseUrl: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /**
   * Verifies service tokens (audience `tenant-registry`, each route's scope): built by the caller from the public keys
   * of REGISTRY_TOKEN_ISSUERS, `serviceTokenVerifier(tokenAuthorities([...REGISTRY_TOKEN_ISSUERS]))`.
   */
  tokens: ServiceTokenVerifier;
  logger?: pino.Logger;
}

export interface RunningRegistry {
  url: string;
  close(): Promise<void>;
}

/** The registry's database on the same server as the orchestrator's: the URL with its database name swapped. */
export function registryDatabaseUrl(orchestratorDatabaseUrl: string): string {
  const url = new URL(orchestratorDatabaseUrl);
  url.pathname = `/${REGISTRY.database}`;
  return url.toString();
}

/** A trace id from the caller is kept only when it obeys the identifier rule, so it cannot forge log lines. */
function traceIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && identifier.safeParse(header).success ? header : randomUUID();
}

export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const { databaseUrl, port, host = 'localhost', tokens } = options;
  const logger = options.logger ?? pino({ name: REGISTRY.serviceType, mixin: traceLogFields });

  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl, { dir: REGISTRY_MIGRATIONS_DIR });

  const db = new pg.Pool({ connectionString: databaseUrl });
  // An idle connection dies when Postgres restarts; the pool replaces it, the process must not crash.
  db.on('error', (error) => logger.warn({ message: error.message }, 'idle database connection lost'));

  const app = Fastify({
    loggerInstance: logger,
    genReqId: (request) => traceIdOf(request.headers['x-trace-id']),
    logController: new LogController({
      requestIdLogLabel: 'traceId',
      disableRequestLogging: (request) => request.url === '/healthz',
    }),
    // Longer than any valid id, so an over-long id is answered 400 by the identifier rule, not 404 by the router.
    routerOptions: { maxParamLength: 500 },
  });
  // A server span per request, the refused ones too; the kit's pg instrumentation traces the queries.
  await app.register(requestTracing({ serviceType: REGISTRY.serviceType }));

  app.addHook('onRoute', requireDeclaredScopes);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-trace-id', request.id);
  });
  app.addHook('onRequest', requireRegistryToken(tokens));

  // Clients often send `content-type: application/json` on every request; a bodiless suspend or delete
  // must not fail for it. Non-empty bodies go through Fastify's own (prototype-poisoning-safe) parser.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    return text === '' ? done(null, undefined) : jsonParser(request, text, done);
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'INVALID_REQUEST', error.message);
    }
    // Only the code and message: a Postgres error's detail can quote the failing row, PII included.
    request.log.error({ code: error.code, message: error.message }, 'request failed');
    if (isDatabaseUnavailable(error)) {
      return sendError(
        reply.header('retry-after', '1'),
        503,
        'UNAVAILABLE',
        'the registry database is unavailable; retry',
      );
    }
    return sendError(reply, 500, 'INTERNAL', 'the registry failed to answer');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url}`),
  );

  app.get('/healthz', { config: { registryScopes: 'public' } }, async () => ({ status: 'ok' }));

  await app.register(tenantRoutes(db));
  await app.register(memberRoutes(db));

  try {
    await app.listen({ port, host });
  } catch (error) {
    await db.end();
    throw error;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    async close() {
      await app.close();
      await db.end();
    },
  };
}
