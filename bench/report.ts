import fs from 'node:fs';
import path from 'node:path';
import { airflowMarkdownRows, type AirflowResults } from './airflow-peer';
import { CPU_PARTS, type CpuReading } from './cpu-split';
import type { WorkPerUnit } from './work-count';

/** The results file the contract pins, a markdown table beside it, and a chart of how cost grows. */

interface SmallTenants {
  tenants: number;
  /** 0 (or absent, before issue 21): all sent at once; else sent evenly over this long. */
  spreadMs?: number;
  perMinute: number;
  p50Ms: number;
  p95Ms: number;
}

export interface BenchResults {
  quick: boolean;
  machine: string;
  /** The stack measured; results written before profiles existed are the dev profile's. */
  profile?: 'dev' | 'cluster';
  /** One worker process for every group, or one per group (results written before issue 21: one on dev). */
  workerProcesses?: 'one' | 'per-group';
  at: string;
  largeTenant: {
    records: number;
    orchestratorMs: number;
    gatherMs: number;
    rawSqlMs: number;
    /** Beyond the contract's fields: the raw deletes in the dependency order the orchestrator keeps. */
    rawSqlOrderedMs: number;
  };
  smallTenants: SmallTenants;
  /** The same tenants sent evenly over a minute (issue 21 on). */
  smallTenantsSpread?: SmallTenants;
  /** Temporal's work read back from the histories (results written before issue 21 have none). */
  work?: { largeTenant: WorkPerUnit; smallTenant: WorkPerUnit };
  /** CPU-seconds by part of the stack: the whole large-tenant run, and per small tenant of the small-tenant run. */
  cpuSeconds?: { largeTenant: CpuReading; perSmallTenant: CpuReading };
  bulkhead: { fastP95AloneMs: number; fastP95SaturatedMs: number };
  /** The Temporal server's signal-with-start rate with nothing else running: the bridge's ceiling (issue 21 on). */
  bridge: { messagesPerSecond: number; signalWithStartPerSecond?: number };
  growth: { records: number; orchestratorMs: number; rawSqlMs: number; rawSqlOrderedMs: number }[];
  /** The same deletions through Apache Airflow (`--peer airflow`), or why they were skipped. */
  airflow?: AirflowResults | { skipped: string };
}

export function markdown(results: BenchResults): string {
  const { largeTenant: l, smallTenants: s, bulkhead: b } = results;
  return [
    `# Benchmark results (${results.profile ?? 'dev'} profile, worker processes: ${results.workerProcesses ?? 'one'}, ${results.quick ? 'BENCH_QUICK' : 'full'}, ${results.at}, ${results.machine})`,
    '',
    '| measure | value |',
    '|---|---|',
    `| large tenant (${l.records} records): orchestrator, Kafka request → TENANT_DELETED | ${l.orchestratorMs} ms (${(l.orchestratorMs / l.rawSqlMs).toFixed(2)}× raw SQL) |`,
    `| large tenant: naive gather (Promise.all of the DELETEs) | ${l.gatherMs} ms |`,
    `| large tenant: raw SQL, each service's deletes in parallel | ${l.rawSqlMs} ms |`,
    `| large tenant: raw SQL in the dependency order (each instance once its dependents are done) | ${l.rawSqlOrderedMs} ms (orchestrator ${(l.orchestratorMs / l.rawSqlOrderedMs).toFixed(2)}×) |`,
    `| small tenants through the bridge (${s.tenants}, all at once) | ${s.perMinute} tenants/min, p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms |`,
    ...(results.smallTenantsSpread
      ? [
          `| small tenants through the bridge (${results.smallTenantsSpread.tenants}, spread over ${(results.smallTenantsSpread.spreadMs ?? 0) / 1000} s) | ${results.smallTenantsSpread.perMinute} tenants/min, p50 ${results.smallTenantsSpread.p50Ms} ms, p95 ${results.smallTenantsSpread.p95Ms} ms |`,
        ]
      : []),
    ...(results.airflow ? airflowMarkdownRows(results.airflow) : []),
    `| bulkhead: fast type p95 alone / with the slow type saturated | ${b.fastP95AloneMs} ms / ${b.fastP95SaturatedMs} ms (${(((b.fastP95SaturatedMs - b.fastP95AloneMs) / b.fastP95AloneMs) * 100).toFixed(0)}%) |`,
    `| bridge handover | ${results.bridge.messagesPerSecond} messages/s |`,
    ...(results.bridge.signalWithStartPerSecond
      ? [
          `| Temporal alone: signal-with-start of new workflows, 32 at once, nothing else running | ${results.bridge.signalWithStartPerSecond} per second |`,
        ]
      : []),
    '',
    ...workTable(results),
    '| records | orchestrator ms | raw SQL ms | ratio | raw SQL in order ms | ratio |',
    '|---|---|---|---|---|---|',
    ...results.growth.map(
      (g) =>
        `| ${g.records} | ${g.orchestratorMs} | ${g.rawSqlMs} | ${(g.orchestratorMs / g.rawSqlMs).toFixed(2)} | ${g.rawSqlOrderedMs} | ${(g.orchestratorMs / g.rawSqlOrderedMs).toFixed(2)} |`,
    ),
    '',
  ].join('\n');
}

function workTable({ work, cpuSeconds }: BenchResults): string[] {
  if (!work || !cpuSeconds) return [];
  const total = (reading: CpuReading) => CPU_PARTS.reduce((sum, part) => sum + reading[part], 0).toFixed(2);
  const cpu = (reading: CpuReading) => CPU_PARTS.map((part) => `${part} ${reading[part]}`).join(', ');
  const counts = (label: string, w: WorkPerUnit) => [
    `| ${label}: per tenant (${w.tenants} read) | ${w.perTenant.events} | ${w.perTenant.workflowTasks} | ${w.perTenant.activities} |`,
    `| ${label}: per instance (parent's share included) | ${w.perInstance.events} | ${w.perInstance.workflowTasks} | ${w.perInstance.activities} |`,
  ];
  return [
    '| Temporal work | events | workflow tasks | activities |',
    '|---|---|---|---|',
    ...counts('large tenant', work.largeTenant),
    ...counts('small tenant', work.smallTenant),
    '',
    '| CPU-seconds | total | by part |',
    '|---|---|---|',
    `| large tenant, whole run | ${total(cpuSeconds.largeTenant)} | ${cpu(cpuSeconds.largeTenant)} |`,
    `| per small tenant | ${total(cpuSeconds.perSmallTenant)} | ${cpu(cpuSeconds.perSmallTenant)} |`,
    '',
  ];
}

/** A small line chart of the growth series, as plain SVG. */
export function growthChart(growth: BenchResults['growth']): string {
  const width = 640;
  const height = 360;
  const pad = 60;
  const maxX = Math.max(...growth.map((g) => g.records));
  const maxY = Math.max(...growth.flatMap((g) => [g.orchestratorMs, g.rawSqlMs, g.rawSqlOrderedMs]));
  const x = (v: number) => pad + (v / maxX) * (width - 2 * pad);
  const y = (v: number) => height - pad - (v / maxY) * (height - 2 * pad);
  const line = (key: 'orchestratorMs' | 'rawSqlMs' | 'rawSqlOrderedMs', colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${growth.map((g) => `${x(g.records)},${y(g[key])}`).join(' ')}"/>` +
    growth.map((g) => `<circle cx="${x(g.records)}" cy="${y(g[key])}" r="3" fill="${colour}"/>`).join('');
  const ticks = growth
    .map(
      (g) =>
        `<text x="${x(g.records)}" y="${height - pad + 18}" font-size="11" text-anchor="middle">${g.records}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="24" font-size="14" text-anchor="middle">Deletion time by tenant size</text>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="black"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="black"/>
<text x="${width / 2}" y="${height - 14}" font-size="12" text-anchor="middle">records</text>
<text x="16" y="${height / 2}" font-size="12" transform="rotate(-90 16 ${height / 2})" text-anchor="middle">ms (max ${maxY})</text>
${ticks}${line('orchestratorMs', '#1f77b4')}${line('rawSqlOrderedMs', '#2ca02c')}${line('rawSqlMs', '#d62728')}
<text x="${width - pad - 150}" y="${pad}" font-size="12" fill="#1f77b4">orchestrator (Kafka → TENANT_DELETED)</text>
<text x="${width - pad - 150}" y="${pad + 16}" font-size="12" fill="#2ca02c">raw SQL in dependency order</text>
<text x="${width - pad - 150}" y="${pad + 32}" font-size="12" fill="#d62728">raw SQL (all at once, order ignored)</text>
</svg>
`;
}

export function writeResults(dir: string, results: BenchResults): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latest.md'), markdown(results));
  fs.writeFileSync(path.join(dir, 'growth.svg'), growthChart(results.growth));
}

/** The figures both profiles have, side by side: what the production-shaped stack costs or gains. */
export function profileComparison(dev: BenchResults, cluster: BenchResults): string {
  const rows: [string, (r: BenchResults) => string][] = [
    [`large tenant: orchestrator ms`, (r) => `${r.largeTenant.orchestratorMs} (${r.largeTenant.records} records)`],
    [
      'large tenant: orchestrator / raw SQL in order',
      (r) => (r.largeTenant.orchestratorMs / r.largeTenant.rawSqlOrderedMs).toFixed(2),
    ],
    ['small tenants per minute', (r) => `${r.smallTenants.perMinute} (${r.smallTenants.tenants} tenants)`],
    ['small tenants p50 / p95 ms', (r) => `${r.smallTenants.p50Ms} / ${r.smallTenants.p95Ms}`],
    [
      'bulkhead: fast p95 alone / saturated ms',
      (r) => `${r.bulkhead.fastP95AloneMs} / ${r.bulkhead.fastP95SaturatedMs}`,
    ],
    ['bridge handover messages/s', (r) => String(r.bridge.messagesPerSecond)],
  ];
  return [
    `## Cluster profile beside the dev profile`,
    '',
    `dev: ${dev.quick ? 'BENCH_QUICK' : 'full'}, ${dev.at}; cluster: ${cluster.quick ? 'BENCH_QUICK' : 'full'}, ${cluster.at}` +
      (dev.quick === cluster.quick ? '' : ' (different sizes: compare rates, not times)'),
    '',
    '| measure | dev (Temporal dev server, SQLite, 1 broker, 1 worker, 1 bridge) | cluster (Temporal server on PostgreSQL, 3 brokers, workers per group, 2 bridges) |',
    '|---|---|---|',
    ...rows.map(([what, value]) => `| ${what} | ${value(dev)} | ${value(cluster)} |`),
    '',
  ].join('\n');
}

/** cluster.json and cluster.md, the dev figures (latest.json) beside them when there are some; returns the markdown. */
export function writeClusterResults(dir: string, results: BenchResults): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cluster.json'), `${JSON.stringify(results, null, 2)}\n`);
  const devFile = path.join(dir, 'latest.json');
  const dev = fs.existsSync(devFile) ? (JSON.parse(fs.readFileSync(devFile, 'utf8')) as BenchResults) : undefined;
  const text = [markdown(results), ...(dev ? [profileComparison(dev, results)] : [])].join('\n');
  fs.writeFileSync(path.join(dir, 'cluster.md'), text);
  return text;
}
