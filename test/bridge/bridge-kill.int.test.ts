import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { Context } from '@temporalio/activity';
import { Partitioners, type Admin, type Producer } from 'kafkajs';
import pLimit from 'p-limit';
import { loadConfig } from '../../common/config';
import { TOPICS, type TenantDeletionResult } from '@tenant-deletion/contract';
import { kafkaClient } from '../../common/kafka-client';
import { skipRequestBacklog } from '../../scripts/kafka-backlog';
import { progressQuery } from '@tenant-deletion/client';
import { until } from '../until';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { RequestMessages } from './bridge-harness';

/**
 * The bridge as its own process (`npm run bridge`'s entry point) on the real Kafka broker, handing over to a private
 * Temporal server that runs the fake fleet, SIGKILLed while it hands a backlog of requests over, then restarted.
 *
 * Every tenant's deletions are held until the restarted bridge has caught up, so that every tenant workflow is still
 * running when the requests of the uncommitted chunk are read again: the contract's "redelivery ... while its
 * deletion is still running starts no second deletion". A request read again after its tenant's workflow ended is
 * a different case (a new run of the workflow takes it), not covered here.
 */

const repo = path.resolve(__dirname, '../..');
const config = loadConfig();
const run = randomUUID().slice(0, 8);
const groupId = `bridge-kill-${run}`;
/** A step of the bridge under test (joining the group again takes up to the dead member's session timeout). */
const BRIDGE_WAIT_MS = 90_000;
const SETTLE_WAIT_MS = 240_000;
const INSTANCES = ['app-1', 'cache-1', 'db-1', 'report-1'];
/** Tenants with one request per instance, and tenants with one whole-tenant request: 400 requests in all. */
const PER_INSTANCE_TENANTS = Array.from({ length: 80 }, (_, i) => `brk-inst${i}-${run}`);
const WHOLE_TENANTS = Array.from({ length: 80 }, (_, i) => `brk-whole${i}-${run}`);
const TENANTS = [...PER_INSTANCE_TENANTS, ...WHOLE_TENANTS];
/** Kill once the bridge has logged this many hand-overs: well into the backlog, far from its end. */
const KILL_AFTER = 60;

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let signed: RequestMessages;
let producer: Producer;
let admin: Admin;
const bridges: ChildProcess[] = [];
/** Every tenant's deletions wait (heartbeating, so that Temporal does not time them out) until this is set. */
let released = false;

interface BridgeProcess {
  child: ChildProcess;
  /** The requestIds this process logged as handed over (Temporal accepted the signal-with-start). */
  handedOver: string[];
  exited: Promise<void>;
  output(): string;
}

/**
 * `npm run bridge`'s program as its own process group, so that SIGKILL takes tsx and node alike; with `killAfter`,
 * SIGKILLed the moment it logs that many hand-overs, while the rest of its chunk is still being handed over.
 */
function startBridgeProcess(killAfter = Infinity): BridgeProcess {
  const child = spawn(path.join(repo, 'node_modules/.bin/tsx'), ['client/bridge/main.ts'], {
    cwd: repo,
    detached: true,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: harness.env.address,
      BRIDGE_GROUP_ID: groupId,
      BRIDGE_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bridges.push(child);
  const handedOver: string[] = [];
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    try {
      const entry = JSON.parse(line) as { msg?: string; requestId?: string };
      if (entry.msg === 'handed over' && entry.requestId) handedOver.push(entry.requestId);
      if (handedOver.length === killAfter) kill(child, 'SIGKILL');
    } catch {
      // not a log line of the bridge's
    }
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, handedOver, exited, output: () => lines.slice(-20).join('\n') };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone already
  }
}

function instanceRequest(tenantId: string, serviceInstanceId: string) {
  const traceId = `trace-${serviceInstanceId}`;
  return {
    topic: TOPICS.serviceDeletionRequest,
    requestId: `${traceId}:${tenantId}:${serviceInstanceId}`,
    message: signed.oneInstance(tenantId, traceId, serviceInstanceId),
  };
}

function wholeTenantRequest(tenantId: string) {
  return {
    topic: TOPICS.tenantDeletionRequest,
    requestId: `trace-whole:${tenantId}`,
    message: signed.wholeTenant(tenantId, 'trace-whole'),
  };
}

/** Messages of the request topics the group has not committed yet. */
async function lag(): Promise<number> {
  let behind = 0;
  for (const topic of [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest]) {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const end of ends) {
      const at = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      behind += Number(end.high) - Math.max(Number(at), Number(end.low));
    }
  }
  return behind;
}

/**
 * Each tenant's requestIds as its progress query last told. Under load some of 160 queries fail in every round (their
 * query task expires while the workflow is busy); a tenant whose query failed keeps its previous answer, since a
 * running workflow's requests only grow.
 */
const lastAnswers = new Map<string, string[]>();
async function requestsInTemporal(): Promise<string[]> {
  const queries = pLimit(16);
  await Promise.all(
    TENANTS.map((tenantId) =>
      queries(async () => {
        try {
          const progress = await harness.client.workflow.getHandle(`tenant-deletion:${tenantId}`).query(progressQuery);
          lastAnswers.set(
            tenantId,
            progress.requests.map((request) => request.requestId),
          );
        } catch {
          // Not started yet, or its query expired: the last answer stands.
        }
      }),
    ),
  );
  return [...lastAnswers.values()].flat();
}

function counted(ids: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

beforeAll(async () => {
  signed = await RequestMessages.signedAs();
  harness = await startTestEnvironment();
  const held = async () => {
    while (!released) {
      Context.current().heartbeat();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { rows: 1 };
  };
  for (const tenantId of PER_INSTANCE_TENANTS) {
    harness.fleet.addTenant(
      tenantId,
      INSTANCES.map((id) => [id]),
    );
    for (const id of INSTANCES) harness.fleet.behave(tenantId, id, held);
  }
  for (const tenantId of WHOLE_TENANTS) {
    harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1']]);
    harness.fleet.behave(tenantId, 'app-1', held);
  }
  const kafka = kafkaClient(config.KAFKA_BROKERS, 'bridge-kill-test');
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
}, 120_000);
afterAll(async () => {
  released = true;
  bridges.forEach((child) => kill(child, 'SIGKILL'));
  await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
  await harness?.teardown();
});

describe('the Kafka bridge SIGKILLed while it hands requests over', () => {
  it('hands each of 400 requests to exactly one workflow after a restart, while their deletions still run: none lost, none doubled', async () => {
    const requests = [
      ...PER_INSTANCE_TENANTS.flatMap((tenantId) => INSTANCES.map((id) => instanceRequest(tenantId, id))),
      ...WHOLE_TENANTS.map(wholeTenantRequest),
    ];
    const expected = requests.map((request) => request.requestId).sort();
    expect(new Set(expected).size).toBe(400);

    // The whole backlog is on the broker before the bridge starts, so that it is mid-stream when it dies.
    await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
    for (const topic of [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest]) {
      await producer.send({
        topic,
        messages: requests.filter((request) => request.topic === topic).map((request) => request.message),
      });
    }

    const first = startBridgeProcess(KILL_AFTER);
    // Should it never get there, it is stopped all the same, and the check below says so.
    const deadline = setTimeout(() => kill(first.child, 'SIGKILL'), BRIDGE_WAIT_MS);
    await first.exited;
    clearTimeout(deadline);
    if (first.handedOver.length < KILL_AFTER) {
      throw new Error(`the bridge handed over ${first.handedOver.length} before it ended:\n${first.output()}`);
    }
    expect(first.child.signalCode).toBe('SIGKILL');
    // Signals Temporal took before the kill reach their workflows' state once a worker has run their tasks (a
    // query before a workflow's first task answers nothing here); on a loaded machine that takes more than a moment.
    await until(
      async () => (await requestsInTemporal()).length > 0,
      'the hand-overs before the kill to be queryable',
      60_000,
    );
    const atKill = await requestsInTemporal();
    console.log(
      `bridge killed after logging ${first.handedOver.length} hand-overs; Temporal held ${atKill.length} of ${expected.length} requests`,
    );
    expect(atKill.length).toBeGreaterThan(0);
    expect(atKill.length).toBeLessThan(expected.length);
    expect(await lag()).toBeGreaterThan(0);

    const second = startBridgeProcess();
    await until(async () => (await lag()) === 0, 'the restarted bridge to commit the backlog', BRIDGE_WAIT_MS);
    // 160 workflows take in their requests, start their children and answer queries while one in-process worker
    // also runs hundreds of heartbeating activities: on a loaded CI machine that took more than 90 s.
    await until(
      async () => {
        // A round of 160 queries loads the worker that has to take the requests in: one round a second.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return (await requestsInTemporal()).length >= expected.length;
      },
      'every request in a workflow',
      SETTLE_WAIT_MS,
    ).catch(async (error: Error) => {
      const held = new Set(await requestsInTemporal());
      const missing = expected.filter((id) => !held.has(id));
      throw new Error(
        `${error.message}: ${held.size} of ${expected.length} requests seen in ${lastAnswers.size} of ${TENANTS.length} ` +
          `tenants' answers; missing ${missing.length}, e.g. ${missing.slice(0, 5).join(', ')}`,
      );
    });
    // Held deletions keep every workflow running: a request read again met the run that already had it.
    const whileHeld = counted(await requestsInTemporal());
    expect([...whileHeld.keys()].sort()).toEqual(expected);
    expect([...whileHeld].filter(([, n]) => n !== 1)).toEqual([]);
    console.log(
      `the restarted bridge handed over ${second.handedOver.length}: ${first.handedOver.length + second.handedOver.length - expected.length} read again and absorbed`,
    );

    released = true;
    const results: TenantDeletionResult[] = await Promise.all(
      TENANTS.map((tenantId) => harness.client.workflow.getHandle(`tenant-deletion:${tenantId}`).result()),
    );
    expect(results.filter((result) => result.status !== 'COMPLETED').map((result) => result.tenantId)).toEqual([]);
    // Each request is in exactly one run's result, and in the ledger once per instance it names.
    const inResults = counted(results.flatMap((result) => result.requests.map((request) => request.requestId)));
    expect([...inResults.keys()].sort()).toEqual(expected);
    expect([...inResults].filter(([, n]) => n !== 1)).toEqual([]);
    const mine = new Set(TENANTS);
    const ledgerRows = harness.fleet.ledger.filter((entry) => mine.has(entry.tenantId));
    const rowsPerKey = counted(ledgerRows.map((entry) => `${entry.requestId} ${entry.serviceInstanceId}`));
    expect([...rowsPerKey].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(ledgerRows.map((entry) => entry.requestId)).size).toBe(expected.length);
    // One run per tenant, and every instance deleted once.
    for (const tenantId of TENANTS) {
      const runs = [];
      for await (const execution of harness.client.workflow.list({
        query: `WorkflowId = "tenant-deletion:${tenantId}"`,
      }))
        runs.push(execution.runId);
      expect([tenantId, runs.length]).toEqual([tenantId, 1]);
    }
    const deletions = counted(
      harness.fleet.calls
        .filter((call) => mine.has(call.tenantId) && call.activity === 'deleteInstance' && call.finishedAt)
        .map((call) => `${call.tenantId} ${call.serviceInstanceId}`),
    );
    expect(deletions.size).toBe(PER_INSTANCE_TENANTS.length * INSTANCES.length + WHOLE_TENANTS.length * 2);
    expect([...deletions].filter(([, n]) => n !== 1)).toEqual([]);
    kill(second.child, 'SIGTERM');
    await second.exited;
  }, 480_000);
});
