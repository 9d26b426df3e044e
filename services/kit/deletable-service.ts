import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
// Before pg: the query instrumentation patches pg as it is next required (./tracing.ts).
import { requestTracing } from './tracing';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { z } from 'zod';
import { identifier } from '@tenant-deletion/contract';
import { traceLogFields } from '@tenant-deletion/contract/trace-log-fields';
import type { ServiceTokenVerifier } from '@tenant-deletion/contract/service-token';
import { describeIssues, isDatabaseUnavailable, KitHttpError, sendError } from './api-errors';
import { requireDeclaredScope, requireServiceToken } from './auth';
import { readCatalog, type SchemaCatalog } from './catalog';
import { checkCoverage } from './coverage-guard';
import { DeletionCoordinator } from './deletion-coordinator';
import { DeletionExecutor } from './deletion-executor';
import type { DeletionPlan } from './deletion-plan';
import { planDeletion } from './deletion-plan';
import { DeletionRuns } from './deletion-runs';
import { SimulatedCrash, type FaultInjector } from './faults';
import { FileOutbox } from './file-outbox';
import { IdempotencyStore } from './idempotency';
import { missingIndexes } from './index-advice';
import { ensureKitTables } from './kit-tables';
import { LegalHolds } from './legal-holds';
import { checkOverDeletion } from './over-deletion-guard';
import { RequestCounts } from './request-counts';
import { adminRoutes } from './routes/admin-routes';
import { deletionRoutes } from './routes/deletion-routes';
import { faultRoutes } from './routes/fault-routes';
import { jobRoutes } from './routes/job-routes';
import { injectFaults, rejectInvalidIds } from './routes/request-guards';
import { writeRoutes } from './routes/write-routes';
import type { DeletableServiceDefinition, ServiceDefinition } from './service-definition';
import { KitDefinitionError, parseDefinition } from './service-definition';
import { checkStatements } from './statement-check';
import { TenantDataCounter } from './tenant-data';
import { TenantLocks } from './tenant-lock';
import { KitFileError, TenantFiles } from './tenant-files';

/**
 * Turns a Postgres-backed service into one the orchestrator can delete from: it reads the service's
 * schema, plans the deletion, refuses to start if any table holding tenant data is left uncovered,
 * and serves the contract's endpoints under /api/v1/{serviceType}.
 */

export interface KitOptions {
  definition: DeletableServiceDefinition;
  databaseUrl: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /**
   * Verifies the bearer token of every request (`serviceTokenVerifier(tokenAuthorities([...]))` from
   * `@tenant-deletion/contract/service-token`): tokens must name the serviceType as audience and carry the route's
   * scope (preview, delete and its poll, legal-hold:admin, kit:faults).
   */
  tokens: ServiceTokenVerifier;
  /**
   * Where the paths of `files` entries live, each tenant's under `<fileRoot>/<tenantId>/`; created when
   * missing; a path leading out of the tenant's directory is refused.
   */
  fileRoot?: string;
  /** At most this many rows go in one transaction; more go in resumable batches. */
  singleTransactionMaxRows?: number;
  batchSize?: number;
  /** Above this many rows DELETE answers 202 with a Location and deletes in the background. */
  asyncThresholdRows?: number;
  /** The write guard (the registry's suspension); writes answer 423 while it says true. */
  isSuspended?: (tenantId: string) => Promise<boolean>;
  /**
   * Test support (`@tenant-deletion/kit/testing`): the fault knobs, also served at `/admin/faults`. Without them the
   * service has neither, so a production service never answers a request with an injected fault.
   */
  faults?: FaultInjector;
  /** The logger; its lines should carry `mixin: traceLogFields` (the default one does) to name their trace. */
  logger?: pino.Logger;
  /** `tdel.service_instance_id` on the service's spans, when it knows its inventory entry (README, "Tracing"). */
  serviceInstanceId?: string;
}

export interface RunningDeletableService {
  url: string;
  /** `${url}/api/v1/${serviceType}`: what the inventory's base_url names. */
  baseUrl: string;
  /** The plan derived at start-up, for logs and tests. */
  plan: DeletionPlan;
  close(): Promise<void>;
}

const sizesSchema = z.object({
  singleTransactionMaxRows: z.number().int().min(0).default(10_000),
  batchSize: z.number().int().min(1).default(20_000),
  asyncThresholdRows: z.number().int().min(0).default(50_000),
});
/** How long a DELETE waits for a concurrent synchronous deletion of the same tenant. */
const LOCK_WAIT_MS = 30_000;
/** Deletions hold a connection each; the rest of the pool stays free for previews, polls and writes. */
const POOL_SIZE = 12;
const MAX_CONCURRENT_DELETIONS = 8;

export async function startDeletableService(options: KitOptions): Promise<RunningDeletableService> {
  const definition = parseDefinition(options.definition);
  const sizes = sizesOf(options);
  const logger = options.logger ?? pino({ name: definition.serviceType, mixin: traceLogFields });
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: POOL_SIZE });
  // An idle connection dies when Postgres restarts; the pool replaces it, the process must not crash.
  db.on('error', (error) => logger.warn({ message: error.message }, 'idle database connection lost'));

  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let coordinator: DeletionCoordinator | undefined;
  try {
    const { plan, files, catalog } = await prepare(db, definition, options.fileRoot, logger);
    logger.info({ tables: plan.tables.map((table) => `${table.name} (${table.reach})`) }, 'deletion plan ready');

    const basePath = `/api/v1/${definition.serviceType}`;
    const runs = new DeletionRuns();
    const holds = new LegalHolds(db);
    const faults = options.faults;
    const requests = new RequestCounts();
    const idempotency = new IdempotencyStore(db);
    const counter = new TenantDataCounter(plan, files);
    const outbox = files && new FileOutbox(files);
    const executor = new DeletionExecutor(plan, outbox, runs, holds, faults, sizes);
    const locks = new TenantLocks(db, MAX_CONCURRENT_DELETIONS);
    await outbox?.resumeLeftovers(db, locks, logger);
    coordinator = new DeletionCoordinator(db, plan, counter, executor, runs, holds, locks, {
      serviceName: definition.serviceType,
      asyncThresholdRows: sizes.asyncThresholdRows,
      lockWaitMs: LOCK_WAIT_MS,
    });

    app = await createApp(logger, options.tokens, definition.serviceType, options.serviceInstanceId);
    const deps = { db, serviceName: definition.serviceType, basePath, counter, coordinator, idempotency };
    await app.register(
      async (api) => {
        api.addHook('preValidation', rejectInvalidIds);
        await api.register(adminRoutes({ holds }));
        if (faults) await api.register(faultRoutes({ faults, requests }));
        await api.register(async (tenantApi) => {
          tenantApi.addHook('onRequest', async (request) => requests.record(request.method, request.url));
          if (faults) tenantApi.addHook('preHandler', injectFaults(faults));
          await tenantApi.register(deletionRoutes(deps));
          await tenantApi.register(jobRoutes(deps));
          if (definition.auditTable !== undefined) {
            await tenantApi.register(
              writeRoutes({
                db,
                auditTable: catalog.tables.find((table) => table.name === definition.auditTable)!,
                tenantColumn: definition.tenantColumn,
                idempotency,
                isSuspended: options.isSuspended,
              }),
            );
          }
        });
      },
      { prefix: basePath },
    );

    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    const url = `http://${urlHost(options.host ?? '127.0.0.1')}:${boundPort(app, options.port)}`;
    const running = app;
    const jobs = coordinator;
    return {
      url,
      baseUrl: `${url}${basePath}`,
      plan,
      async close() {
        await running.close();
        await jobs.close();
        await db.end();
      },
    };
  } catch (error) {
    await app?.close();
    await coordinator?.close();
    await db.end();
    throw error;
  }
}

/** Everything checked before the service listens: a service that cannot delete correctly must not start. */
async function prepare(
  db: pg.Pool,
  definition: ServiceDefinition,
  fileRoot: string | undefined,
  logger: pino.Logger,
): Promise<{ plan: DeletionPlan; files: TenantFiles | undefined; catalog: SchemaCatalog }> {
  await ensureKitTables(db);
  const catalog = await readCatalog(db);
  const plan = planDeletion(catalog, definition);
  checkCoverage(catalog, definition, plan);
  checkOverDeletion(catalog, definition, plan);
  for (const advice of missingIndexes(catalog, plan)) logger.warn({ advice }, 'missing index slows deletion');
  if (definition.files.length > 0 && fileRoot === undefined) {
    throw new KitDefinitionError('the definition declares files but no fileRoot was given');
  }
  await checkStatements(db, plan);
  if (fileRoot === undefined) return { plan, files: undefined, catalog };
  await mkdir(fileRoot, { recursive: true });
  return { plan, files: await TenantFiles.open(fileRoot), catalog };
}

function sizesOf(options: KitOptions): z.infer<typeof sizesSchema> {
  const parsed = sizesSchema.safeParse(options);
  if (!parsed.success) throw new KitDefinitionError(`invalid kit options: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** A trace id from the caller is kept only when it obeys the identifier rule, so it cannot forge log lines. */
function traceIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && identifier.safeParse(header).success ? header : randomUUID();
}

async function createApp(
  logger: pino.Logger,
  tokens: ServiceTokenVerifier,
  serviceType: string,
  serviceInstanceId: string | undefined,
) {
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
  // First, so that its span also covers the requests the token check refuses.
  await app.register(requestTracing({ serviceType, serviceInstanceId }));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-trace-id', request.id);
  });
  app.addHook('onRoute', requireDeclaredScope);
  app.addHook('onRequest', requireServiceToken(tokens, serviceType));

  // Callers often send `content-type: application/json` on a bodiless DELETE; that must not fail.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    return text === '' ? done(null, undefined) : jsonParser(request, text, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof SimulatedCrash) {
      // What a crash looks like to the client: the connection drops without an answer.
      request.log.warn({ message: error.message }, 'dropping the connection (injected crash)');
      reply.hijack();
      reply.raw.destroy();
      return;
    }
    if (error instanceof KitHttpError) {
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      if (error.status >= 500) request.log.warn({ code: error.code, message: error.message }, 'request refused');
      return sendError(reply, error.status, error.code, error.message, error.details);
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'INVALID_REQUEST', error.message);
    }
    // Only the code and message: a Postgres error's detail can quote the failing row, tenant data included.
    request.log.error({ code: error.code, message: error.message }, 'request failed');
    if (error instanceof KitFileError) return sendError(reply, 500, 'FILE_PATH_REFUSED', error.message);
    if (isDatabaseUnavailable(error)) {
      return sendError(
        reply.header('retry-after', '1'),
        503,
        'UNAVAILABLE',
        'the service database is unavailable; retry',
      );
    }
    // Postgres' message (not its detail) names tables and constraints, which is the reason a caller needs.
    if (error instanceof pg.DatabaseError) {
      return sendError(reply, 500, 'DATABASE_ERROR', `the database refused (${error.code}): ${error.message}`);
    }
    return sendError(reply, 500, 'INTERNAL', 'the service failed to answer; retry, or see its logs');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url}`),
  );

  app.get('/healthz', { config: { scope: 'public' } }, async () => ({ status: 'ok', service: serviceType }));
  return app;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function boundPort(app: Pick<FastifyInstance, 'server'>, requested: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : requested;
}
