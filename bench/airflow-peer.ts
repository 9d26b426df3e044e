import { randomBytes } from 'node:crypto';
import { baseUrl, FLEET_INSTANCES, seedTenant } from '@tenant-deletion/example-fleet';
import { AIRFLOW_INSTALL_COMMAND, AIRFLOW_VERSION, airflowInstalled } from '../scripts/peers/airflow-paths';
import { AirflowPeer } from './peers/airflow/airflow-peer-session';
import { peerInstances } from './peers/airflow/instances-file';
import type { BenchContext } from './scenarios';

/**
 * The same fleet deletions through Apache Airflow (`--peer airflow`): the bench fleet's instances as tasks of one
 * generic DAG, a DAG run per tenant, the same DELETE endpoints in the same dependency order. See docs/airflow-peer.md.
 */

export interface AirflowPeerSizes {
  large: number;
  small: number;
  smallRecords: number;
}

export interface AirflowResults {
  airflowVersion: string;
  /** Trigger → the run's success, one tenant of `records` seeded records and files. */
  largeTenant: { records: number; ms: number };
  /** `tenants` runs triggered at once. */
  smallTenants: { tenants: number; perMinute: number; p50Ms: number; p95Ms: number };
}

function percentileOf(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The fleet's rows only: the peer reads its instances from its own file, not the orchestrator's inventory, and
 * deletes nothing from the tenant registry, so neither learns of these tenants.
 */
async function seeded(
  ctx: BenchContext,
  label: string,
  records: number,
): Promise<{ tenantId: string; records: number }> {
  const tenantId = `bench-${ctx.run}-${label}-${randomBytes(2).toString('hex')}`;
  const { records: rows, files } = await seedTenant({ tenantId, records, databaseUrl: ctx.config.DATABASE_URL });
  return { tenantId, records: rows + files };
}

/** Prints one line and skips when Airflow is not installed; otherwise starts it, measures both scenarios, stops it. */
export async function airflowPeer(
  ctx: BenchContext,
  sizes: AirflowPeerSizes,
): Promise<AirflowResults | { skipped: string }> {
  if (!airflowInstalled()) {
    const skipped = `not installed; install it with ${AIRFLOW_INSTALL_COMMAND}`;
    console.log(`bench: Airflow peer skipped: ${skipped}`);
    return { skipped };
  }
  const peer = await AirflowPeer.start({
    databaseUrl: ctx.config.DATABASE_URL,
    instances: peerInstances(FLEET_INSTANCES, baseUrl),
    signer: ctx.signers.orchestrator,
  });
  try {
    console.log(`bench: large tenant, ${sizes.large} records: Airflow…`);
    const large = await seeded(ctx, 'airflow', sizes.large);
    const [largeRun] = await peer.deleteTenants([large.tenantId], `trace-${ctx.run}`);

    console.log(`bench: ${sizes.small} small tenants through Airflow…`);
    const small = [];
    for (let i = 0; i < sizes.small; i++) small.push(await seeded(ctx, `airflowsmall${i}`, sizes.smallRecords));
    const runs = await peer.deleteTenants(
      small.map((tenant) => tenant.tenantId),
      `trace-${ctx.run}`,
    );
    // The first trigger to the last run's end: the span the bridge's small tenants are rated by.
    const totalMs = Math.max(...runs.map((run) => run.endedAt)) - Math.min(...runs.map((run) => run.triggeredAt));
    const latencies = runs.map((run) => run.ms).sort((a, b) => a - b);
    return {
      airflowVersion: AIRFLOW_VERSION,
      largeTenant: { records: large.records, ms: largeRun.ms },
      smallTenants: {
        tenants: sizes.small,
        perMinute: Math.round((sizes.small / totalMs) * 60_000 * 10) / 10,
        p50Ms: percentileOf(latencies, 50),
        p95Ms: percentileOf(latencies, 95),
      },
    };
  } finally {
    await peer.stop();
  }
}

/** Rows for the results table (bench/report.ts), beside the orchestrator's and the naive gather's. */
export function airflowMarkdownRows(results: AirflowResults | { skipped: string }): string[] {
  if ('skipped' in results) return [`| Airflow peer | skipped: ${results.skipped} |`];
  const { largeTenant: l, smallTenants: s } = results;
  return [
    `| large tenant (${l.records} records): Airflow ${results.airflowVersion}, DAG run trigger → success | ${l.ms} ms |`,
    `| small tenants through Airflow (${s.tenants} DAG runs triggered at once) | ${s.perMinute} tenants/min, p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms |`,
  ];
}
