import { MockActivityEnvironment } from '@temporalio/testing';
import type pg from 'pg';
import {
  createInstanceActivities,
  type DeleteInstanceInput,
  type DeleteInstanceResult,
} from '../../activities/instance-activities';
import { decodeJwt } from 'jose';
import { TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { parseWorkerConfig } from '../../common/worker-config';
import { testTokens } from '../kit/test-tokens';

/**
 * deleteInstance's heartbeat details without Temporal: a mock activity context (its heartbeat details as a retried
 * attempt would get them) and a scripted service behind a stubbed fetch. A recorded Location is polled again instead
 * of sending DELETE; a job the service no longer knows falls back to DELETE with the same Idempotency-Key.
 */

const BASE = 'http://service.test/api/v1/notification';
const JOB = `${BASE}/deletions/0f6f2a52-8a4e-4f43-9a57-2d3f5d1f0c11`;
const done = { success: true, deleted_counts: { notifications: 7 } };

const input: DeleteInstanceInput = {
  tenantId: 'tenant-1',
  serviceInstanceId: 'notification-1',
  serviceType: 'notification',
  baseUrl: BASE,
  traceId: 'trace-1',
  requestIds: ['r-1'],
  idempotencyKey: 'r-1',
};
/** The ledger and inventory updates are not what these tests are about. */
const db = { query: async () => ({ rowCount: 1, rows: [] }) } as unknown as pg.Pool;
const workerConfig = parseWorkerConfig({
  defaults: { pollIntervalMs: 10 },
  groups: { all: { serviceTypes: ['notification'] } },
});

type Route = () => Response;
let routes: Record<string, Route[]>;
let requests: { method: string; url: string; idempotencyKey: string | null }[];
/** Each request's `METHOD url` and the scope its token granted, in order. */
let scopes: string[];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

beforeEach(() => {
  requests = [];
  scopes = [];
  routes = { [`GET ${BASE}/tenant/tenant-1/deletion-preview`]: [() => json(200, { counts: {}, total: 0 })] };
  jest.spyOn(global, 'fetch').mockImplementation(async (url, init) => {
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    requests.push({ method, url: String(url), idempotencyKey: headers.get('idempotency-key') });
    const token = headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    scopes.push(`${method} ${url} ${decodeJwt(token).scope}`);
    const answers = routes[`${method} ${url}`];
    if (!answers?.length) return json(404, { error: { code: 'NOT_FOUND', message: `no ${method} ${url}` } });
    // The last answer repeats.
    return (answers.length > 1 ? answers.shift()! : answers[0])();
  });
});
afterEach(() => jest.restoreAllMocks());

/** The activity's log lines, kept rather than printed (the SDK logs each failed attempt too). */
let logged: string[];
const logger = {
  log: (_level: string, message: string) => void logged.push(message),
  trace: (message: string) => void logged.push(message),
  debug: (message: string) => void logged.push(message),
  info: (message: string) => void logged.push(message),
  warn: (message: string) => void logged.push(message),
  error: (message: string) => void logged.push(message),
};

async function deleteWith(heartbeatDetails: unknown) {
  logged = [];
  const env = new MockActivityEnvironment({ attempt: 2, heartbeatTimeoutMs: 30_000, heartbeatDetails }, { logger });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  const { deleteInstance } = createInstanceActivities({ db, signer: testTokens().signers[TOKEN_ISSUER], workerConfig });
  const result = (await env.run(deleteInstance, input)) as DeleteInstanceResult;
  return { result, heartbeats, calls: requests.filter((r) => !r.url.endsWith('/deletion-preview')) };
}

describe('deleteInstance and the Location an earlier attempt heartbeated', () => {
  it('polls the recorded Location instead of sending DELETE again', async () => {
    routes[`GET ${JOB}`] = [() => json(202, { status: 'running' }), () => json(200, done)];
    const { result, heartbeats, calls } = await deleteWith({ location: JOB });
    expect(calls.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${JOB}`, `GET ${JOB}`]);
    expect(result).toEqual({ deletedCounts: { notifications: 7 }, attempt: 2 });
    expect(heartbeats).toEqual([{ location: JOB }]);
    expect(logged).toContain('resuming the deletion job an earlier attempt was polling');
  });

  it.each([404, 410])(
    'sends DELETE with the same Idempotency-Key when the service answers the recorded Location %i',
    async (status) => {
      routes[`GET ${JOB}`] = [() => json(status, { error: { code: 'NOT_FOUND', message: 'no such job' } })];
      routes[`DELETE ${BASE}/tenant/tenant-1`] = [() => json(200, done)];
      const { result, heartbeats, calls } = await deleteWith({ location: JOB });
      expect(calls).toEqual([
        { method: 'GET', url: JOB, idempotencyKey: null },
        { method: 'DELETE', url: `${BASE}/tenant/tenant-1`, idempotencyKey: 'r-1' },
      ]);
      expect(result.deletedCounts).toEqual({ notifications: 7 });
      expect(heartbeats).toEqual([]);
    },
  );

  it.each([
    ['no details', undefined],
    ['malformed details', { location: 42 }],
  ])('with %s, sends DELETE and heartbeats the Location its 202 names', async (_, details) => {
    const accepted = () => json(202, { status: 'running' }, { location: JOB });
    routes[`DELETE ${BASE}/tenant/tenant-1`] = [accepted];
    routes[`GET ${JOB}`] = [() => json(202, { status: 'running' }), () => json(200, done)];
    const { result, heartbeats, calls } = await deleteWith(details);
    expect(calls.map((r) => r.method)).toEqual(['DELETE', 'GET', 'GET']);
    expect(result.deletedCounts).toEqual({ notifications: 7 });
    expect(heartbeats).toEqual([{ location: JOB }, { location: JOB }]);
  });

  it('fails as before on any other answer to the recorded Location, keeping it for the next attempt', async () => {
    routes[`GET ${JOB}`] = [
      () => json(503, { error: { code: 'UNAVAILABLE', message: 'busy' } }, { 'retry-after': '1' }),
    ];
    await expect(deleteWith({ location: JOB })).rejects.toThrow('notification answered GET with 503: busy');
    expect(requests.map((r) => r.method)).toEqual(['GET']);
  });

  it("signs each call with the orchestrator's key and that route's scope only: DELETE and poll delete, the check previews", async () => {
    routes[`DELETE ${BASE}/tenant/tenant-1`] = [() => json(202, { status: 'running' }, { location: JOB })];
    routes[`GET ${JOB}`] = [() => json(200, done)];
    await deleteWith(undefined);
    expect(scopes).toEqual([
      `DELETE ${BASE}/tenant/tenant-1 tenant-data:delete`,
      `GET ${JOB} tenant-data:delete`,
      `GET ${BASE}/tenant/tenant-1/deletion-preview tenant-data:preview`,
    ]);
  });
});
