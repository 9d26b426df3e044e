import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { airflowPeer } from './airflow-peer';
import { loadConfig } from '../common/config';
import { ADMIN_TOKEN_ISSUER, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { loadTokenSigner } from '../common/service-token-keys';
import { stackPaths } from '../common/stack-paths';
import { temporalAccess } from '../common/temporal-connection';
import { skipRequestBacklog } from '../scripts/kafka-backlog';
import { httpOk, ProcessGroup, type StartedProcess } from '../scripts/process-group';
import { parseProfileOption, type Profile } from '../scripts/stack/cluster/profile';
import { brokerAddresses } from '../scripts/stack/cluster/kafka-cluster-config';
import { pauseStackPrograms, singleGroupConfigs, stackWorkerVersionEnv } from '../scripts/stack/cluster/run-processes';
import { stackStages } from '../scripts/stack/stack';
import { readWorkerConfig } from '../common/worker-config';
import { markdown, writeClusterResults, writeResults, type BenchResults } from './report';
import { cpuSpent, readCpu, type CpuPart } from './cpu-split';
import { tenantWork, workPerUnit } from './work-count';
import { signalWithStartFloor } from './temporal-floor';
import { connectTemporalClient } from '../common/temporal-connection';
import { FLEET_INSTANCES } from '@tenant-deletion/example-fleet';
import {
  bridgeThroughput,
  bulkhead,
  gatherBaseline,
  orchestratorDelete,
  rawSqlBaseline,
  smallTenants,
  type BenchContext,
} from './scenarios';

const BRIDGE_PORT = 9466;

const WORKER_PROCESSES = ['one', 'per-group'] as const;
type WorkerProcesses = (typeof WORKER_PROCESSES)[number];

function parseWorkerProcesses(value: string): WorkerProcesses {
  if (!(WORKER_PROCESSES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${WORKER_PROCESSES.join(', ')}`);
  return value as WorkerProcesses;
}
/** The cluster run's two bridges in one group, clear of the stack's own (9476, 9477), which rest meanwhile. */
const CLUSTER_BRIDGE_PORTS = [9486, 9487];

interface BenchOptions {
  profile: Profile;
  workerProcesses: WorkerProcesses;
  peer?: 'airflow';
}

new Command('bench')
  .description(
    'Measures the orchestrator on the local stack and the reference fleet against the naive gather and the raw SQL ' +
      'lower bound, and writes bench/results/latest.json, latest.md and growth.svg. BENCH_QUICK=1: small sizes. ' +
      'On the cluster profile it writes bench/results/cluster.json and cluster.md, beside the dev figures.',
  )
  .option(
    '--profile <profile>',
    'the stack to measure: dev, or cluster (the workers one process per group, two bridges in one group)',
    parseProfileOption,
    'dev' as Profile,
  )
  .option(
    '--worker-processes <mode>',
    'dev profile: `one` worker process polling every group, or `per-group` (one process per worker group, as the ' +
      'cluster profile and the chart run them)',
    parseWorkerProcesses,
    'one' as WorkerProcesses,
  )
  .addOption(
    new Option(
      '--peer <peer>',
      'also run the large and small tenant deletions through a peer orchestrator (docs/airflow-peer.md); ' +
        'skipped with a message when it is not installed',
    ).choices(['airflow']),
  )
  .addHelpText(
    'after',
    '\nExamples:\n  npm run bench\n  BENCH_QUICK=1 npm run bench\n  BENCH_QUICK=1 npm run bench -- --profile cluster\n  BENCH_QUICK=1 npm run bench -- --peer airflow',
  )
  .action(async ({ profile, workerProcesses, peer }: BenchOptions) => {
    const cluster = profile === 'cluster';
    // Every broker of the cluster, as a production client lists them.
    if (cluster && !process.env.KAFKA_BROKERS) process.env.KAFKA_BROKERS = brokerAddresses().join(',');
    const quick = process.env.BENCH_QUICK === '1';
    const sizes = quick
      ? { large: 20_000, growth: [2_000, 10_000], small: 20, smallRecords: 200, bulk: 6, bridge: 100 }
      : { large: 500_000, growth: [10_000, 100_000], small: 120, smallRecords: 300, bulk: 12, bridge: 500 };
    const paths = stackPaths();
    const upArgs = cluster ? ['--', '--profile', 'cluster'] : [];
    if (
      spawnSync('npm', ['run', '--silent', 'stack:up', ...upArgs], { cwd: paths.repoDir, stdio: 'inherit' }).status !==
      0
    ) {
      throw new Error('the local stack did not come up');
    }
    const resumeStackPrograms = cluster ? await pauseStackPrograms(stackStages(profile).flat()) : async () => undefined;
    const versionEnv = cluster ? stackWorkerVersionEnv(paths) : {};
    const config = loadConfig();
    const ctx: BenchContext = {
      config,
      temporal: temporalAccess(config),
      signers: {
        orchestrator: await loadTokenSigner(TOKEN_ISSUER),
        admin: await loadTokenSigner(ADMIN_TOKEN_ISSUER),
      },
      run: randomBytes(2).toString('hex'),
    };
    const processes = new ProcessGroup(paths.repoDir, paths.logDir);
    // The cluster run has one worker process per group, as the stack runs them; the dev run as asked.
    const groupConfigs: Record<string, string | undefined> =
      cluster || workerProcesses === 'per-group'
        ? singleGroupConfigs(
            readWorkerConfig(path.join(paths.repoDir, 'workers', 'worker-config.json')),
            `tdel-bench-${ctx.run}`,
          )
        : { all: undefined };
    const bridgePorts = cluster ? CLUSTER_BRIDGE_PORTS : [BRIDGE_PORT];
    try {
      await processes.start('bench-fleet', 'fleet', { LOG_LEVEL: 'warn' }, (log) =>
        log.includes('the fleet is running'),
      );
      await Promise.all(
        Object.entries(groupConfigs).map(([group, file]) =>
          processes.start(
            file ? `bench-worker-${group}` : 'bench-worker',
            'worker',
            // Hundreds of whole-tenant deletions in a few minutes are the point here, not a mistake to hold back.
            {
              ...versionEnv,
              BLAST_RADIUS_MAX_WHOLE_TENANT: '1000000',
              APPROVAL_THRESHOLD_RECORDS: '100000000',
              ...(file ? { WORKER_CONFIG: file } : {}),
            },
            (log) => log.includes('workers polling'),
          ),
        ),
      );
      const groupId = `bench-${ctx.run}`;
      await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
      const bridges: StartedProcess[] = await Promise.all(
        bridgePorts.map((port, i) =>
          processes.start(
            cluster ? `bench-bridge-${i + 1}` : 'bench-bridge',
            'bridge',
            { LOG_LEVEL: 'warn', BRIDGE_GROUP_ID: groupId, BRIDGE_PORT: String(port) },
            () => httpOk(`http://localhost:${port}/readyz`),
          ),
        ),
      );

      const step = (what: string) => console.log(`bench: ${what}…`);
      // The bench's own programs by process group: each was started as the leader of its own.
      const groups = new Map<number, CpuPart>(
        processes.started.map(({ name, child }) => [
          child.pid!,
          name.includes('worker') ? 'worker' : name.includes('bridge') ? 'bridge' : 'services',
        ]),
      );
      step(`large tenant, ${sizes.large} records: orchestrator`);
      const largeCpuBefore = readCpu(groups);
      const orchestrator = await orchestratorDelete(ctx, sizes.large);
      const largeCpu = cpuSpent(largeCpuBefore, readCpu(groups));
      step('large tenant: naive gather');
      const gatherMs = await gatherBaseline(ctx, sizes.large);
      step('large tenant: raw SQL');
      const rawSqlMs = await rawSqlBaseline(ctx, sizes.large);
      step('large tenant: raw SQL in dependency order');
      const rawSqlOrderedMs = await rawSqlBaseline(ctx, sizes.large, true);
      const growth = [];
      for (const records of sizes.growth) {
        step(`growth at ${records} records`);
        growth.push({
          records,
          orchestratorMs: (await orchestratorDelete(ctx, records)).ms,
          rawSqlMs: await rawSqlBaseline(ctx, records),
          rawSqlOrderedMs: await rawSqlBaseline(ctx, records, true),
        });
      }
      growth.push({ records: sizes.large, orchestratorMs: orchestrator.ms, rawSqlMs, rawSqlOrderedMs });
      step(`${sizes.small} small tenants through the bridge`);
      const smallCpuBefore = readCpu(groups);
      const { tenantIds: smallIds, ...small } = await smallTenants(ctx, sizes.small, sizes.smallRecords);
      const smallCpu = cpuSpent(smallCpuBefore, readCpu(groups), sizes.small);
      step('counting the Temporal work from the histories');
      const instanceIds = FLEET_INSTANCES.map((i) => i.serviceInstanceId);
      const client = await connectTemporalClient(ctx.temporal);
      const work = await (async () => {
        try {
          return {
            largeTenant: workPerUnit([await tenantWork(client, orchestrator.tenantId, instanceIds)]),
            // A sample: each tenant's histories are a dozen reads.
            smallTenant: workPerUnit(
              await Promise.all(smallIds.slice(0, 10).map((id) => tenantWork(client, id, instanceIds))),
            ),
          };
        } finally {
          await client.connection.close();
        }
      })();
      step(`${sizes.small} small tenants through the bridge, spread over a minute`);
      const { tenantIds: _spreadIds, ...spread } = await smallTenants(ctx, sizes.small, sizes.smallRecords, 60_000);
      step('bulkhead');
      const bulk = await bulkhead(ctx, sizes.bulk);
      step('bridge throughput');
      const bridge = await bridgeThroughput(
        ctx,
        sizes.bridge,
        bridges.map((_, i) => `http://localhost:${bridgePorts[i]}/metrics`),
      );

      step("the Temporal server's own signal-with-start rate, nothing else running");
      const floor = await signalWithStartFloor(ctx, sizes.bridge);
      // Last, alone on the machine: Airflow's processes start here and stop before the results are written.
      const airflow = peer === 'airflow' ? await airflowPeer(ctx, sizes) : undefined;

      const results: BenchResults = {
        quick,
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
        profile,
        workerProcesses: cluster ? 'per-group' : workerProcesses,
        at: new Date().toISOString(),
        largeTenant: {
          records: orchestrator.records,
          orchestratorMs: orchestrator.ms,
          gatherMs,
          rawSqlMs,
          rawSqlOrderedMs,
        },
        smallTenants: small,
        smallTenantsSpread: spread,
        work,
        cpuSeconds: { largeTenant: largeCpu, perSmallTenant: smallCpu },
        bulkhead: bulk,
        bridge: { ...bridge, ...floor },
        growth,
        ...(airflow ? { airflow } : {}),
      };
      const resultsDir = path.join(paths.repoDir, 'bench', 'results');
      if (cluster) console.log(`\n${writeClusterResults(resultsDir, results)}`);
      else {
        writeResults(resultsDir, results);
        console.log(`\n${markdown(results)}`);
      }
    } finally {
      await processes.stopAll();
      for (const file of Object.values(groupConfigs)) if (file) fs.rmSync(file, { force: true });
      await resumeStackPrograms();
    }
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(1);
  });
