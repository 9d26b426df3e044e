import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { RunningFleet } from '../../services/fleet/fleet';
import { e2eWorkerConfig, requestWholeTenant, seedOn, startE2eFleet, temporalClient, uniqueTenant } from './e2e-stack';
import { WorkerProcesses, type WorkerProcess } from './worker-processes';

/**
 * What a worker writes, with `npm run worker` as a real process on the real stack and fleet, tracing on (exporting to
 * a throwaway OTLP/HTTP endpoint here) and LOG_LEVEL=debug, through one whole-tenant deletion: only JSON lines on
 * stdout, each with a level and a msg; the activity's own line carries the trace and span ids of the activity's span
 * (the one the worker exported); no line holds a token or the requester.
 */

const SERVICE = 'notification-1';
const REQUESTER = 'admin-e2e';

/** The spans' ids the worker exported, read from the OTLP/HTTP JSON bodies. */
const exported: { traceId: string; spanId: string; name: string }[] = [];
let otlp: http.Server;
let fleet: RunningFleet;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let workerProcesses: WorkerProcesses;

beforeAll(async () => {
  otlp = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const sent = JSON.parse(body.toString()) as {
          resourceSpans?: { scopeSpans?: { spans?: { traceId: string; spanId: string; name: string }[] }[] }[];
        };
        for (const resource of sent.resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) exported.push(...(scope.spans ?? []));
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => otlp.listen(0, '127.0.0.1', resolve));
  fleet = await startE2eFleet();
  temporal = await temporalClient();
  workerProcesses = new WorkerProcesses(fleet, e2eWorkerConfig({ shutdownGraceSeconds: 10 }));
}, 120_000);
afterAll(async () => {
  workerProcesses?.close();
  await temporal?.close();
  await fleet?.close();
  await new Promise((resolve) => otlp?.close(resolve));
});

/** The worker takes the test's environment (worker-processes.ts): set for its start only. */
async function startTracedWorker(): Promise<WorkerProcess> {
  const added = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    LOG_LEVEL: 'debug',
  };
  Object.assign(process.env, added);
  try {
    return await workerProcesses.start();
  } finally {
    for (const name of Object.keys(added)) delete process.env[name];
  }
}

it('writes only JSON lines with level and msg, the activity line with its trace ids, no token, no requester', async () => {
  const tenantId = uniqueTenant('logs');
  await seedOn(fleet, tenantId, 5, [SERVICE]);
  const worker = await startTracedWorker();
  const handle = await requestWholeTenant(temporal.client, tenantId);
  expect((await handle.result()).status).toBe('COMPLETED');
  // Drained, so that the SDK's buffered lines and the last spans are out.
  process.kill(-worker.child.pid!, 'SIGTERM');
  expect(await worker.exited).toEqual({ code: 0, signal: null });

  const lines = worker
    .stdout()
    .split('\n')
    .filter((line) => line !== '');
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line on the worker's stdout: ${line}`);
    }
  });
  // Debug level: Core's, the SDK's and ours, many more than the few info lines.
  expect(parsed.length).toBeGreaterThan(20);
  for (const line of parsed) {
    expect(line).toEqual(expect.objectContaining({ level: expect.any(Number), msg: expect.any(String) }));
  }
  expect(parsed.some((line) => line.sdkComponent === 'core')).toBe(true);
  expect(parsed.some((line) => String(line.msg).startsWith('workers polling '))).toBe(true);

  const deleted = parsed.find(
    (line) => line.msg === 'instance deleted and verified empty' && line.tenantId === tenantId,
  );
  expect(deleted).toMatchObject({
    level: 30,
    sdkComponent: 'activity',
    activityType: 'deleteInstance',
    serviceInstanceId: SERVICE,
    taskQueue: expect.stringMatching(/^service-deletion\./),
    workflowId: expect.any(String),
    trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
  });
  expect(deleted).not.toHaveProperty('taskToken');
  // The ids are those of the activity's span, as the worker exported it.
  expect(exported).toContainEqual(
    expect.objectContaining({
      traceId: deleted!.trace_id,
      spanId: deleted!.span_id,
      name: 'RunActivity:deleteInstance',
    }),
  );

  const text = lines.join('\n');
  expect(text).not.toContain('eyJ');
  expect(text).not.toContain(REQUESTER);
}, 240_000);
