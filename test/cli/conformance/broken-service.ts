import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import {
  ADMIN_TOKEN_ISSUER,
  TOKEN_ISSUER,
  type Scope,
  type TokenAuthority,
} from '@tenant-deletion/contract/service-token';
import { tokenAuthorities } from '../../../common/service-token-keys';

/**
 * A service for `tdel conformance`'s tests: in memory, it keeps the deletion contract by default and can be broken
 * one way at a time, so that each test proves the checker names exactly the check that break violates.
 */

export const BREAKS = [
  'preview-shape',
  'repeat-returns-counts',
  'unknown-tenant-404',
  'data-left-after-delete',
  'accepts-missing-token',
  'accepts-expired-token',
  'accepts-forged-token',
  'accepts-wrong-audience',
  'accepts-hs256',
  'accepts-alg-none',
  'accepts-wrong-scope',
  'deletes-under-hold',
  'lifts-hold-with-delete-token',
  'replay-differs',
  'no-retry-after',
  'location-never-finishes',
  'location-bad-body',
] as const;
export type Break = (typeof BREAKS)[number];

export interface BrokenServiceOptions {
  serviceType: string;
  /** Where the public keys are (TDEL_STATE_DIR of a local key set), as a kit service finds them. */
  env: NodeJS.ProcessEnv;
  break?: Break;
  /** A DELETE of more rows than this answers 202 + Location (default: never). */
  asyncAboveRows?: number;
}

export interface BrokenService {
  baseUrl: string;
  /** POST {url}/seed/{tenantId} seeds too, for --seed-command. */
  url: string;
  seed(tenantId: string): void;
  close(): Promise<void>;
}

type Counts = Record<string, number>;
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const SEEDED: Counts = { orders: 3, order_items: 7 };
const zero = (counts: Counts): Counts => Object.fromEntries(Object.keys(counts).map((table) => [table, 0]));
const total = (counts: Counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

export async function startBrokenService(options: BrokenServiceOptions): Promise<BrokenService> {
  const broken = (what: Break) => options.break === what;
  const { serviceType } = options;
  const authorities = tokenAuthorities([TOKEN_ISSUER, ADMIN_TOKEN_ISSUER], options.env);
  /** Tenants ever seeded: an unknown tenant is one never seen here. */
  const rows = new Map<string, Counts>();
  /** Rows a broken DELETE reported deleted but left behind. */
  const leftBehind = new Map<string, Counts>();
  const lastDeleted = new Map<string, Counts>();
  const holds = new Set<string>();
  const keys = new Map<string, Answer>();
  const jobs = new Map<string, { body: unknown; polls: number }>();
  let knobs: Record<string, unknown> = { unavailableRate: 0 };

  const app = Fastify();
  const base = `/api/v1/${serviceType}`;
  const seed = (tenantId: string) => void rows.set(tenantId, { ...SEEDED });
  const send = (reply: FastifyReply, answer: Answer) =>
    reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body);
  const refuse = (status: number, code: string) => ({ status, body: { error: { code, message: code } } });

  app.post<{ Params: { tenantId: string } }>('/seed/:tenantId', async (request) => {
    seed(request.params.tenantId);
    return { seeded: request.params.tenantId };
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(base)) return;
    const refused = await authorize(request, serviceType, authorities, options.break);
    if (refused) return send(reply, refuse(refused, 'REFUSED'));
    if (!request.url.startsWith(`${base}/admin`) && knobs.unavailableRate === 1) {
      return send(reply, {
        ...refuse(503, 'UNAVAILABLE'),
        headers: broken('no-retry-after') ? {} : { 'retry-after': '1' },
      });
    }
  });

  app.get<{ Params: { tenantId: string } }>(`${base}/tenant/:tenantId/deletion-preview`, async (request, reply) => {
    const { tenantId } = request.params;
    if (!rows.has(tenantId) && broken('unknown-tenant-404')) return send(reply, refuse(404, 'NOT_FOUND'));
    const counts = { ...(rows.get(tenantId) ?? zero(SEEDED)) };
    for (const [table, n] of Object.entries(leftBehind.get(tenantId) ?? {})) counts[table] += n;
    if (broken('preview-shape')) return { tenant: tenantId, count: total(counts) };
    return { tenant_id: tenantId, service_name: serviceType, counts, total: total(counts), timestamp: now() };
  });

  app.delete<{ Params: { tenantId: string } }>(`${base}/tenant/:tenantId`, async (request, reply) => {
    const { tenantId } = request.params;
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    const replayed = idempotencyKey === undefined ? undefined : keys.get(idempotencyKey);
    if (replayed) return send(reply, replayed);
    const answer = deleteTenant(tenantId);
    if (idempotencyKey !== undefined && answer.status < 300 && !broken('replay-differs'))
      keys.set(idempotencyKey, answer);
    return send(reply, answer);
  });

  function deleteTenant(tenantId: string): Answer {
    if (holds.has(tenantId) && !broken('deletes-under-hold')) return refuse(409, 'LEGAL_HOLD');
    if (!rows.has(tenantId) && broken('unknown-tenant-404')) return refuse(404, 'NOT_FOUND');
    const present = rows.get(tenantId) ?? zero(SEEDED);
    const deleted =
      total(present) === 0 && broken('repeat-returns-counts') ? (lastDeleted.get(tenantId) ?? present) : present;
    if (rows.has(tenantId)) rows.set(tenantId, zero(SEEDED));
    if (broken('data-left-after-delete') && total(present) > 0) leftBehind.set(tenantId, present);
    lastDeleted.set(tenantId, deleted);
    const body = {
      tenant_id: tenantId,
      service_name: serviceType,
      success: true,
      deleted_counts: deleted,
      errors: [],
      timestamp: now(),
    };
    if (total(present) <= (options.asyncAboveRows ?? Infinity)) return { status: 200, body };
    const jobId = randomUUID();
    jobs.set(jobId, { body, polls: 0 });
    return { status: 202, headers: { location: `${base}/deletions/${jobId}` }, body: { status: 'running' } };
  }

  app.get<{ Params: { jobId: string } }>(`${base}/deletions/:jobId`, async (request, reply) => {
    const job = jobs.get(request.params.jobId);
    if (!job) return send(reply, refuse(404, 'NOT_FOUND'));
    job.polls++;
    if (job.polls < 2 || broken('location-never-finishes'))
      return send(reply, { status: 202, body: { status: 'running' } });
    return broken('location-bad-body') ? { done: true } : job.body;
  });

  app.put<{ Params: { tenantId: string } }>(`${base}/admin/legal-holds/:tenantId`, async (request) => {
    holds.add(request.params.tenantId);
    return { tenant_id: request.params.tenantId, held: true };
  });
  app.delete<{ Params: { tenantId: string } }>(`${base}/admin/legal-holds/:tenantId`, async (request) => {
    const lifted = holds.delete(request.params.tenantId);
    return { tenant_id: request.params.tenantId, held: false, lifted };
  });
  app.get(`${base}/admin/faults`, async () => knobs);
  app.put(`${base}/admin/faults`, async (request) => {
    knobs = request.body as Record<string, unknown>;
    return knobs;
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, baseUrl: `${url}${base}`, seed, close: () => app.close() };
}

function now(): string {
  return new Date().toISOString();
}

/** The contract's scope of each route, as the kit declares them; the breaks loosen two of them. */
function scopesOf(method: string, url: string, broken: Break | undefined): Scope[] {
  const path = url.split('?')[0];
  if (path.includes('/admin/legal-holds/')) {
    return method === 'DELETE' && broken === 'lifts-hold-with-delete-token'
      ? ['legal-hold:admin', 'tenant-data:delete']
      : ['legal-hold:admin'];
  }
  if (path.endsWith('/admin/faults')) return ['kit:faults'];
  if (path.endsWith('/deletion-preview')) return ['tenant-data:preview'];
  if (method === 'DELETE' && broken === 'accepts-wrong-scope') return ['tenant-data:delete', 'tenant-data:preview'];
  return ['tenant-data:delete'];
}

/** The kit's rules (401 unauthenticated, 403 another audience or scope), each loosened by its break. */
async function authorize(
  request: FastifyRequest,
  serviceType: string,
  authorities: TokenAuthority[],
  broken: Break | undefined,
): Promise<401 | 403 | undefined> {
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return broken === 'accepts-missing-token' ? undefined : 401;
  let payload: JWTPayload;
  try {
    const { alg } = decodeProtectedHeader(token);
    const authority = authorities.find((candidate) => candidate.issuer === decodeJwt(token).iss);
    if (alg === 'HS256' && broken === 'accepts-hs256') payload = unexpired(decodeJwt(token));
    else if (alg === 'none' && broken === 'accepts-alg-none') payload = unexpired(decodeJwt(token));
    else if (!authority || (alg !== 'EdDSA' && alg !== 'ES256')) return 401;
    else if (broken === 'accepts-forged-token') payload = unexpired(decodeJwt(token));
    else {
      payload = (
        await jwtVerify(token, authority.keys, {
          issuer: authority.issuer,
          algorithms: ['EdDSA', 'ES256'],
          clockTolerance: broken === 'accepts-expired-token' ? 3600 : 0,
        })
      ).payload;
    }
  } catch {
    return 401;
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(serviceType) && broken !== 'accepts-wrong-audience') return 403;
  const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const needed = scopesOf(request.method, request.url, broken);
  if (!needed.some((scope) => granted.includes(scope))) return 403;
  return undefined;
}

/** The forged-token break skips the signature only: an expired token is still refused. */
function unexpired(payload: JWTPayload): JWTPayload {
  if ((payload.exp ?? 0) * 1000 < Date.now()) throw new Error('expired');
  return payload;
}
