import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';
import { ADMIN_TOKEN_ISSUER, mintServiceToken, type TokenSigner } from '@tenant-deletion/contract/service-token';
import { loadTokenSigner } from '../../common/service-token-keys';
import { stackPaths } from '../../common/stack-paths';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { KafkaTraffic } from '../../scripts/demo/kafka-traffic';
import { skipRequestBacklog } from '../../scripts/kafka-backlog';
import { httpOk, ProcessGroup, type StartedProcess } from '../../scripts/process-group';
import { stackStages } from '../../scripts/stack/stack';
import type { Profile } from '../../scripts/stack/cluster/profile';
import { kafkaNodeComponent, kafkaNodeDaemon } from '../../scripts/stack/cluster/kafka-cluster';
import { KAFKA_NODES } from '../../scripts/stack/cluster/kafka-cluster-config';
import { runningPid } from '../../scripts/stack/daemon';
import {
  pauseStackPrograms,
  singleGroupConfigs,
  stackWorkerVersionEnv,
} from '../../scripts/stack/cluster/run-processes';
import {
  brokerKillEvidence,
  groupCoordinator,
  groupPartitions,
  otherGroupEvidence,
  partitionMoveEvidence,
  splitServiceTypes,
  type BrokerKillEvidence,
  type PartitionMoveEvidence,
} from './cluster-faults';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import { baseUrl, FLEET_INSTANCES, registryUrl } from '../../services/fleet/topology';
import { bridgeKillEvidence } from './bridge-kill';
import { doubleDeletions, groupCaughtUp, requestTopicEnds, rewindGroup, type RequestOffsets } from './group-reset';
import { failuresOf, type ChaosSummary } from './chaos-summary';
import { terminateOpenWorkflows } from '../open-workflows';
import { HoldWatch, legalHoldEvidence } from './hold-watch';
import { finalizationEvidence, lifecycleEndOffsets } from './lifecycle-events';
import { processIdentities } from './process-identities';
import { retryAfterEvidence } from './retry-after';
import { rowChanges, rowsOf, TenantRowCounter, type TenantRows } from './tenant-rows';
import { runningDeletions, workerKillEvidence, type RunningDeletion } from './worker-kill';
import { workflowFacts } from './workflow-histories';
import { inventoryWriter } from '../../db/inventory-writer';

/**
 * Many tenants deleted through Kafka while the suite kills and restarts what it can: workers (SIGKILL), the
 * bridge (SIGKILL), the Temporal server and the Kafka broker (restarted with their data), with 20% 503s and some
 * hangs in the fleet and one tenant under a legal hold for a while. Then it checks that nothing was lost, doubled
 * or over-deleted, and that every fault had its effect: the worker died mid-deletion, the bridge mid-hand-over,
 * the held tenant showed ON_HOLD and kept its rows until the lift, retries waited out Retry-After. Rows are counted
 * with SQL in the instances' databases, never through the services under test.
 */

export interface ChaosOptions {
  /** At least 2: the bridge is killed while the last quarter of them are still in the topic. */
  tenants: number;
  recordsPerTenant: number;
  neighbours: number;
  /** Milliseconds after the requests when each fault fires (the kills wait for work in flight, up to a limit). */
  schedule: {
    killWorker: number;
    killBridge: number;
    restartTemporal: number;
    restartKafka: number;
    resetGroup: number;
    liftHold: number;
  };
  timeLimitMs: number;
  log: (line: string) => void;
  /**
   * The stack to run on (default dev). On the cluster profile the workers run one process per group, and the
   * worker kill takes one group's process while another keeps deleting; two bridges share the consumer group, and
   * the bridge kill takes one while the other takes over its partitions; restartKafka kills one of three brokers.
   */
  profile?: Profile;
}

export type { ChaosSummary } from './chaos-summary';

const BRIDGE_PORT = 9466;
/** The cluster run's two bridges, clear of the stack's own (9476, 9477), which the run stops meanwhile. */
const CLUSTER_BRIDGE_PORTS = [9486, 9487];
/** How long the cluster run keeps the killed worker group's process and the killed broker dead. */
const WORKER_DOWN_MS = 8_000;
const BROKER_DOWN_MS = 15_000;
/** The killed bridge's session must expire before the other one gets its partitions (kafkajs: 30 s). */
const WAIT_FOR_REBALANCE_MS = 90_000;
/** The Retry-After every injected 503 names; the histories must show no retry sooner. */
const RETRY_AFTER_SECONDS = 1;
/** Every tenant request waits this long first, so that a deletion attempt lasts at least this long. */
const SERVICE_LATENCY_MS = 150;
/** An attempt that started at most this long ago is certainly still running (it lasts SERVICE_LATENCY_MS at least). */
const FRESH_ATTEMPT_MS = 100;
const HELD_INSTANCE = 'orders-1';
/** How long a kill waits for work in flight, and the lift for the hold to show, past their scheduled time. */
const WAIT_FOR_WORK_MS = 30_000;
const WAIT_FOR_HOLD_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An admin's call (fault knobs, legal holds) with the admins' key and the route's scope, as a person's tool has. */
async function adminPut(admin: TokenSigner, serviceType: string, url: string, body?: unknown): Promise<void> {
  const scope = url.includes('/admin/legal-holds/') ? 'legal-hold:admin' : 'kit:faults';
  const token = await mintServiceToken(admin, { audience: serviceType, subject: 'chaos', scopes: [scope] });
  const response = await fetch(url, {
    method: body === undefined ? 'DELETE' : 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

async function setFaults(admin: TokenSigner, settings: Record<string, number>): Promise<void> {
  for (const instance of FLEET_INSTANCES) {
    await adminPut(admin, instance.serviceType, `${baseUrl(instance)}/admin/faults`, settings);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  if (options.tenants < 2)
    throw new Error('a chaos run needs at least 2 tenants: one is requested during the bridge kill');
  const paths = stackPaths();
  const profile = options.profile ?? 'dev';
  const cluster = profile === 'cluster';
  const upArgs = cluster ? ['--', '--profile', 'cluster'] : [];
  if (
    spawnSync('npm', ['run', '--silent', 'stack:up', ...upArgs], { cwd: paths.repoDir, stdio: 'ignore' }).status !== 0
  ) {
    throw new Error(
      `the local stack did not come up: run \`npm run stack:up ${upArgs.join(' ')}\` and read what it says`,
    );
  }
  const stack = stackStages(profile).flat();
  const resumeStackPrograms = cluster ? await pauseStackPrograms(stack) : async () => undefined;
  const versionEnv = cluster ? stackWorkerVersionEnv(paths) : {};
  const config = loadConfig();
  const access = temporalAccess(config);
  // The local stack's admins' key (made by stack:up above): the fleet's knobs and holds, and seeding the registry.
  const admin = await loadTokenSigner(ADMIN_TOKEN_ISSUER);
  const run = randomBytes(2).toString('hex');
  const serviceTypes = [...new Set(FLEET_INSTANCES.map((i) => i.serviceType))];
  const [firstHalf, secondHalf] = splitServiceTypes(serviceTypes);
  // The dev run has one worker for everything; the cluster run one process per group, as the stack runs them.
  const workerGroups: Record<string, { orchestration?: boolean; serviceTypes?: string[] }> = cluster
    ? {
        orchestration: { orchestration: true },
        'fleet-a': { serviceTypes: firstHalf },
        'fleet-b': { serviceTypes: secondHalf },
      }
    : { all: { orchestration: true, serviceTypes } };
  // Short timeouts and patient retries: hangs must turn into retries, 503s must not exhaust an instance.
  const workerConfigFiles = singleGroupConfigs(
    {
      orchestration: { holdRecheckSeconds: 2 },
      defaults: {
        requestTimeoutSeconds: 4,
        heartbeatTimeoutSeconds: 8,
        retry: { maxAttempts: 60, initialIntervalMs: 200, maxIntervalMs: 3_000 },
      },
      groups: workerGroups,
    },
    `tdel-chaos-worker-${run}`,
  );
  const processes = new ProcessGroup(paths.repoDir, paths.logDir);
  const startWorker = (name: string, group: string) =>
    processes.start(
      name,
      'worker',
      { ...versionEnv, WORKER_CONFIG: workerConfigFiles[group], BLAST_RADIUS_MAX_WHOLE_TENANT: '1000000' },
      (log) => log.includes('workers polling'),
    );
  const bridgePorts = cluster ? CLUSTER_BRIDGE_PORTS : [BRIDGE_PORT];
  const bridgePort = new Map<StartedProcess, number>();
  const startBridge = async (name: string, port: number) => {
    const bridge = await processes.start(
      name,
      'bridge',
      { BRIDGE_GROUP_ID: `chaos-${run}`, BRIDGE_PORT: String(port) },
      // Ready: in its consumer group, not merely alive (/healthz is the liveness alias).
      () => httpOk(`http://localhost:${port}/readyz`),
    );
    bridgePort.set(bridge, port);
    return bridge;
  };
  const startBridges = (suffix: string) =>
    Promise.all(bridgePorts.map((port, i) => startBridge(`chaos-bridge-${i + 1}${suffix}`, port)));
  const faults: string[] = [];
  const started = Date.now();
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
  let kafka: KafkaTraffic | undefined;
  let client: Client | undefined;
  let rows: TenantRowCounter | undefined;
  let hold: HoldWatch | undefined;
  try {
    const tenants = Array.from({ length: options.tenants }, (_, i) => `chaos-${run}-${i}`);
    const neighbours = Array.from({ length: options.neighbours }, (_, i) => `chaos-${run}-n${i}`);
    // The last quarter is requested while the bridge is killed; the held tenant is among the first.
    const late = tenants.slice(tenants.length - Math.max(1, Math.floor(tenants.length / 4)));
    const early = tenants.filter((id) => !late.includes(id));
    const held = early[0];
    // The worker and the bridge start while the fleet starts and the tenants are seeded: none needs the others yet.
    const seeding = processes
      .start('chaos-fleet', 'fleet', { LOG_LEVEL: 'warn' }, (log) => log.includes('the fleet is running'))
      .then(async () => {
        options.log(`seeding ${tenants.length} tenants and ${neighbours.length} neighbours`);
        for (const tenantId of [...tenants, ...neighbours]) {
          await seedTenant({
            tenantId,
            records: options.recordsPerTenant,
            databaseUrl: config.DATABASE_URL,
            inventory: inventoryWriter(config.DATABASE_URL),
            registry: { url: registryUrl(), signer: admin },
          });
        }
      });
    const groupNames = Object.keys(workerGroups);
    const [workers, firstBridges, traffic] = await Promise.all([
      Promise.all(groupNames.map((group) => startWorker(`chaos-worker-${group}`, group))),
      skipRequestBacklog(config.KAFKA_BROKERS, `chaos-${run}`).then(() => startBridges('')),
      KafkaTraffic.open(config.KAFKA_BROKERS, tenants),
      seeding,
    ]);
    kafka = traffic;
    // The group whose process is killed: the one deleting (dev: the only one); on the cluster, fleet-b goes on.
    const killedGroup = cluster ? 'fleet-a' : 'all';
    const worker = workers[groupNames.indexOf(killedGroup)];
    const otherWorker = cluster ? workers[groupNames.indexOf('fleet-b')] : undefined;
    let bridges: StartedProcess[] = firstBridges;
    options.log(`fleet, ${workers.length} worker processes and ${bridges.length} bridges running, tenants seeded`);
    rows = await TenantRowCounter.open(config.DATABASE_URL, FLEET_INSTANCES);
    const seeded = await rows.count([...tenants, ...neighbours]);

    await setFaults(admin, {
      latencyMs: SERVICE_LATENCY_MS,
      unavailableRate: 0.2,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      hangRate: 0.02,
      hangMs: 6_000,
    });
    faults.push(
      `20% 503 with Retry-After: ${RETRY_AFTER_SECONDS}, 2% hangs past the timeout and ${SERVICE_LATENCY_MS} ms latency on every instance`,
    );
    const orders = FLEET_INSTANCES.find((i) => i.serviceInstanceId === HELD_INSTANCE)!;
    await adminPut(admin, orders.serviceType, `${baseUrl(orders)}/admin/legal-holds/${held}`, {
      reason: 'chaos: litigation',
    });
    faults.push(`legal hold on ${held} at ${HELD_INSTANCE}`);

    const lifecycleFrom = await lifecycleEndOffsets(config.KAFKA_BROKERS);
    const request = (tenantId: string) => traffic.requestTenantDeletion(tenantId, `trace-${run}`, true, 'chaos');
    const runStart: RequestOffsets = await requestTopicEnds(config.KAFKA_BROKERS);
    for (const tenantId of early) await request(tenantId);
    const requestedAt = Date.now();
    const since = (at: number) => `+${((at - requestedAt) / 1000).toFixed(1)} s`;
    const temporalClient = await connectTemporalClient(access);
    client = temporalClient;
    const holdWatch = new HoldWatch(temporalClient, held, HELD_INSTANCE);
    hold = holdWatch;
    const temporal = stack.find((c) => c.name === 'temporal')!;
    const broker = stack.find((c) => c.name === 'kafka')!;
    let workerDown: { from: number; to: number } | undefined;
    let partitionMove: PartitionMoveEvidence | undefined;
    let rebalanced: Promise<void> = Promise.resolve();
    let brokerKill: BrokerKillEvidence | undefined;

    let workerKill: { at: number; ledgerInProgress: number; running: RunningDeletion[] } | undefined;
    let bridgeKill: { at: number; killed: Set<string>; restarted: Set<string> } | undefined;
    let lift: { at: number; rows: number } | undefined;
    let groupReset: { replayed: number; ends: RequestOffsets } | undefined;
    let scheduleFailure: Error | undefined;
    /** Restarts that go on beside the next faults; a failed one fails the run like a failed fault. */
    const restarts: Promise<void>[] = [];
    const restartAside = (restart: Promise<unknown>) =>
      restarts.push(
        restart.then(
          () => undefined,
          (error: Error) => void (scheduleFailure ??= error),
        ),
      );
    const steps: [number, () => Promise<string>][] = [
      [
        options.schedule.killWorker,
        async () => {
          const identities = processIdentities(worker.child.pid!);
          // Killed the moment an attempt is seen that started too recently to have ended: it dies mid-deletion.
          const fresh = (running: RunningDeletion[]) =>
            running.some((r) => Date.now() - r.startedAt <= FRESH_ATTEMPT_MS);
          const deadline = Date.now() + WAIT_FOR_WORK_MS;
          let seen = await runningDeletions(temporalClient, db, tenants, identities);
          while (!fresh(seen.running) && Date.now() < deadline) {
            await sleep(20);
            seen = await runningDeletions(temporalClient, db, tenants, identities);
          }
          process.kill(-worker.child.pid!, 'SIGKILL');
          const at = Date.now();
          workerKill = { at, ...seen };
          // The next faults need no worker: they go on while it starts again. On the cluster it stays dead a while,
          // for the other group's process to show that it deletes on alone.
          restartAside(
            sleep(cluster ? WORKER_DOWN_MS : 1_000)
              .then(() => (workerDown = { from: at, to: Date.now() }))
              .then(() => startWorker(`chaos-worker-${killedGroup}-restarted`, killedGroup)),
          );
          const which = cluster ? `worker group ${killedGroup}'s process (fleet-b deletes on)` : 'the worker';
          return `${since(at)}: SIGKILL ${which} with ${seen.running.length} deletion attempts running on it, then restart it`;
        },
      ],
      [
        options.schedule.killBridge,
        async () => {
          const [victim, ...survivors] = bridges;
          const killed = processIdentities(victim.child.pid!);
          const before = cluster ? await groupPartitions(config.KAFKA_BROKERS, `chaos-${run}`) : [];
          for (const tenantId of late) await request(tenantId);
          // At once after the broker acknowledged the last request: the bridge cannot have handed them all over.
          process.kill(-victim.child.pid!, 'SIGKILL');
          const at = Date.now();
          if (cluster) {
            // No restart: the other bridge of the group must take the dead one's partitions and their requests.
            bridges = survivors;
            bridgeKill = { at, killed, restarted: processIdentities(survivors[0].child.pid!) };
            // Asked again while the broker kill below makes some answers fail: only the settled group counts.
            const assignment = () => groupPartitions(config.KAFKA_BROKERS, `chaos-${run}`).catch(() => []);
            rebalanced = (async () => {
              let after = await assignment();
              const deadline = Date.now() + WAIT_FOR_REBALANCE_MS;
              while (after.length !== 1 && Date.now() < deadline) {
                await sleep(1_000);
                after = await assignment();
              }
              partitionMove = partitionMoveEvidence(before, after);
            })();
            restartAside(rebalanced);
            return `${since(at)}: request ${late.length} more tenants, SIGKILL one of the two bridges at once; the other takes its partitions`;
          }
          await sleep(1_000);
          bridges = [await startBridge('chaos-bridge-restarted', BRIDGE_PORT)];
          bridgeKill = { at, killed, restarted: processIdentities(bridges[0].child.pid!) };
          return `${since(at)}: request ${late.length} more tenants, SIGKILL the bridge at once, then restart it`;
        },
      ],
      [
        options.schedule.restartTemporal,
        async () => {
          const at = Date.now();
          await temporal.stop();
          await temporal.start();
          return `${since(at)}: restart the Temporal server (${cluster ? 'PostgreSQL' : 'SQLite'} keeps its state)`;
        },
      ],
      [
        options.schedule.restartKafka,
        async () => {
          const at = Date.now();
          if (!cluster) {
            await broker.stop();
            await broker.start();
            return `${since(at)}: restart the Kafka broker`;
          }
          // One of three brokers dies without a controlled shutdown; the other two hold every partition's ISR. It is
          // the bridges' group coordinator, so that the group's offsets and membership move mid-run.
          const coordinator = await groupCoordinator(config.KAFKA_BROKERS, `chaos-${run}`);
          const node = KAFKA_NODES.find((candidate) => candidate.id === coordinator);
          if (!node) throw new Error(`the group coordinator, node ${coordinator}, is not one of the stack's brokers`);
          const nodeName = `kafka-${node.id}`;
          const received = () => traffic.results.length + traffic.lifecycle.length;
          const atKill = received();
          process.kill(runningPid(kafkaNodeDaemon(paths, node))!, 'SIGKILL');
          await sleep(BROKER_DOWN_MS);
          const down = { from: at, to: Date.now() };
          const atRestart = received();
          await kafkaNodeComponent(paths, node).start();
          // The same processes, back in their group (ready) without a restart.
          const ready = () =>
            Promise.all(
              bridges.map(
                (bridge) =>
                  bridge.child.exitCode === null && httpOk(`http://localhost:${bridgePort.get(bridge)}/readyz`),
              ),
            ).then((answers) => answers.every(Boolean));
          let bridgesSurvived = await ready();
          for (const deadline = Date.now() + WAIT_FOR_WORK_MS; !bridgesSurvived && Date.now() < deadline;) {
            await sleep(1_000);
            bridgesSurvived = await ready();
          }
          brokerKill = brokerKillEvidence(nodeName, down, { atKill, atRestart }, bridgesSurvived);
          return `${since(at)}: SIGKILL broker ${nodeName} (localhost:${node.brokerPort}, the bridges' group coordinator), restart it ${BROKER_DOWN_MS / 1000} s later`;
        },
      ],
      [
        options.schedule.resetGroup,
        async () => {
          // The cluster's surviving bridge must hold every partition first, or the evidence of the move is lost.
          await rebalanced;
          const at = Date.now();
          await Promise.all(
            bridges.map((bridge) => {
              const stopped = new Promise((resolve) => bridge.child.once('exit', resolve));
              process.kill(-bridge.child.pid!, 'SIGTERM');
              return stopped;
            }),
          );
          const ends = await requestTopicEnds(config.KAFKA_BROKERS);
          const replayed = await rewindGroup(config.KAFKA_BROKERS, `chaos-${run}`, runStart);
          bridges = await startBridges('-rewound');
          groupReset = { replayed, ends };
          return `${since(at)}: stop the bridges, rewind their consumer group to the run's first request (${replayed} requests read again), restart them`;
        },
      ],
      [
        options.schedule.liftHold,
        async () => {
          await holdWatch.seen(WAIT_FOR_HOLD_MS);
          await holdWatch.stop();
          const count = rowsOf(await rows!.count([held]), held, HELD_INSTANCE);
          await adminPut(admin, orders.serviceType, `${baseUrl(orders)}/admin/legal-holds/${held}`);
          lift = { at: Date.now(), rows: count };
          return `${since(lift.at)}: lift the legal hold on ${held}`;
        },
      ],
    ];
    const schedule = (async () => {
      for (const [when, act] of steps.sort((a, b) => a[0] - b[0])) {
        await sleep(requestedAt + when - Date.now());
        const what = await act();
        options.log(`fault ${what}`);
        faults.push(what);
      }
      await Promise.all(restarts);
    })().catch((error: Error) => void (scheduleFailure = error));

    const deadline = started + options.timeLimitMs;
    const finished = () => {
      const done = new Set(traffic.lifecycle.filter((e) => e.type === 'TENANT_DELETED').map((e) => e.tenantId));
      return tenants.every((id) => done.has(id));
    };
    while (!scheduleFailure && !finished() && Date.now() < deadline) await sleep(1_000);
    await schedule;
    await holdWatch.stop();
    if (scheduleFailure) throw scheduleFailure;
    options.log(`stopped waiting at ${since(Date.now())}; checking`);

    await setFaults(admin, { unavailableRate: 0, hangRate: 0 });
    let terminal = 0;
    for (const tenantId of tenants) {
      const description = await temporalClient.workflow
        .getHandle(tenantWorkflowId(tenantId))
        .describe()
        .catch(() => undefined);
      if (description && description.status.name === 'COMPLETED') terminal += 1;
    }
    const histories = await workflowFacts(temporalClient, [
      ...tenants.map(tenantWorkflowId),
      ...tenants.flatMap((t) => FLEET_INSTANCES.map((i) => serviceInstanceWorkflowId(t, i.serviceInstanceId))),
    ]);

    const after = await rows.count([...tenants, ...neighbours]);
    const only = (counts: TenantRows, ids: string[]): TenantRows => new Map(ids.map((id) => [id, counts.get(id)!]));
    const neighbourChanges = rowChanges(only(seeded, neighbours), only(after, neighbours));
    const sum = (counts: TenantRows, ids: string[]) => ids.reduce((total, id) => total + rowsOf(counts, id), 0);

    const finalization = await finalizationEvidence(db, config.KAFKA_BROKERS, lifecycleFrom, tenants);
    const groupResetEvidence = async () => {
      const doubled = await doubleDeletions(temporalClient, tenants);
      const caughtUp = await groupCaughtUp(config.KAFKA_BROKERS, `chaos-${run}`, groupReset!.ends);
      return {
        replayedMessages: groupReset!.replayed,
        caughtUp,
        doubleDeletions: doubled,
        ok: groupReset!.replayed > 0 && caughtUp && doubled === 0,
      };
    };

    const summary = {
      tenants: tenants.length,
      terminal,
      seededRows: sum(seeded, tenants),
      rowsLeftInDeletedTenants: sum(after, tenants),
      neighbourRows: { before: sum(seeded, neighbours), after: sum(after, neighbours) },
      neighbourRowsChanged: neighbourChanges.reduce((total, c) => total + Math.abs(c.after - c.before), 0),
      doubleFinalizations: finalization.doubleFinalizations,
      duplicateTenantEmpty: finalization.duplicateTenantEmpty,
      finalization: {
        tenantEmptyMessages: finalization.tenantEmptyMessages,
        finalizedOnce: finalization.finalizedOnce,
      },
      lostRequests: await lostRequests(db, traffic, tenants, finalization.tenantDeleted),
      legalHold: legalHoldEvidence(holdWatch, seeded, after, lift, requestedAt, histories),
      retryAfter: retryAfterEvidence(histories, RETRY_AFTER_SECONDS * 1000),
      workerKill: workerKillEvidence(workerKill!, workerKill!.at, histories),
      bridgeKill: bridgeKillEvidence(tenants, late, bridgeKill!.killed, bridgeKill!.restarted, histories),
      groupReset: await groupResetEvidence(),
      ...(cluster
        ? {
            cluster: {
              otherGroup: otherGroupEvidence(histories, processIdentities(otherWorker!.child.pid!), workerDown!),
              partitionMove: partitionMove!,
              brokerKill: brokerKill!,
            },
          }
        : {}),
      faults,
      durationMs: Date.now() - started,
    };
    const failures = failuresOf(summary);
    return { ...summary, failures, ok: failures.length === 0 };
  } finally {
    await hold?.stop();
    // The evidence is read: a deletion this run left open (FAILED, waiting for a retry) must not count in later suites.
    if (client)
      await terminateOpenWorkflows(
        client,
        [`tenant-deletion:chaos-${run}-`, `service-deletion:chaos-${run}-`],
        'chaos run over',
      ).catch(() => undefined);
    await Promise.all([client?.connection.close(), kafka?.close(), rows?.close(), processes.stopAll()]);
    await db.end();
    for (const file of Object.values(workerConfigFiles)) fs.rmSync(file, { force: true });
    await resumeStackPrograms();
  }
}

/** Tenants without every instance COMPLETED in the ledger, a COMPLETED result per instance, and TENANT_DELETED. */
async function lostRequests(
  db: pg.Pool,
  kafka: KafkaTraffic,
  tenants: string[],
  tenantDeleted: ReadonlySet<string>,
): Promise<number> {
  const { rows } = await db.query<{ tenant_id: string; n: number }>(
    `SELECT tenant_id, count(*)::int AS n FROM service_deletion_requests
      WHERE tenant_id = ANY($1) AND status = 'COMPLETED' AND NOT dry_run GROUP BY tenant_id`,
    [tenants],
  );
  const ledgerComplete = new Set(rows.filter((r) => r.n === FLEET_INSTANCES.length).map((r) => r.tenant_id));
  const resultsPerTenant = new Map<string, Set<string>>();
  for (const result of kafka.results.filter((r) => r.status === 'COMPLETED')) {
    resultsPerTenant.set(
      result.tenantId,
      (resultsPerTenant.get(result.tenantId) ?? new Set()).add(result.serviceInstanceId),
    );
  }
  return tenants.filter(
    (id) =>
      !ledgerComplete.has(id) ||
      (resultsPerTenant.get(id)?.size ?? 0) !== FLEET_INSTANCES.length ||
      !tenantDeleted.has(id),
  ).length;
}
