import { runChaos } from './chaos-run';

/** `npm run test:chaos`: CHAOS_TENANTS tenants (default 100) under faults; the last line is the JSON summary. */
const tenants = Number(process.env.CHAOS_TENANTS ?? 100);
if (!Number.isInteger(tenants) || tenants < 2) {
  console.error(`CHAOS_TENANTS must be a whole number of at least 2, got ${process.env.CHAOS_TENANTS}`);
  process.exit(2);
}

runChaos({
  tenants,
  recordsPerTenant: 300,
  neighbours: 3,
  schedule: {
    killWorker: 5_000,
    killBridge: 10_000,
    restartTemporal: 20_000,
    restartKafka: 35_000,
    resetGroup: 42_000,
    liftHold: 50_000,
  },
  timeLimitMs: 30 * 60_000,
  log: (line) => console.error(`chaos: ${line}`),
}).then(
  (summary) => {
    console.log(JSON.stringify(summary));
    process.exit(summary.ok ? 0 : 1);
  },
  (error: Error) => {
    console.error(`chaos: ${error.message}`);
    console.log(JSON.stringify({ ok: false, error: error.message }));
    process.exit(1);
  },
);
