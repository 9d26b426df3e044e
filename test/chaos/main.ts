import { Command } from 'commander';
import { parseProfileOption, type Profile } from '../../scripts/stack/cluster/profile';
import { brokerAddresses } from '../../scripts/stack/cluster/kafka-cluster-config';
import { runChaos } from './chaos-run';

/** `npm run test:chaos`: CHAOS_TENANTS tenants (default 100) under faults; the last line is the JSON summary. */
const { profile } = new Command('test:chaos')
  .description(
    'Deletes CHAOS_TENANTS tenants (default 100) through Kafka while killing workers, bridges, Temporal and Kafka; ' +
      'prints a JSON summary and exits 0 only when nothing was lost, doubled or over-deleted and every fault landed.',
  )
  .option(
    '--profile <profile>',
    'the stack to run on: dev, or cluster (a worker group, one of two bridges and one of three brokers killed)',
    parseProfileOption,
    'dev' as Profile,
  )
  .addHelpText('after', '\nExamples:\n  CHAOS_TENANTS=20 npm run test:chaos\n  npm run test:chaos -- --profile cluster')
  .parse()
  .opts<{ profile: Profile }>();

const tenants = Number(process.env.CHAOS_TENANTS ?? 100);
if (!Number.isInteger(tenants) || tenants < 2) {
  console.error(`CHAOS_TENANTS must be a whole number of at least 2, got ${process.env.CHAOS_TENANTS}`);
  process.exit(2);
}
// Every broker of the cluster, so that a client started while one is dead still finds the others.
if (profile === 'cluster' && !process.env.KAFKA_BROKERS) process.env.KAFKA_BROKERS = brokerAddresses().join(',');

runChaos({
  tenants,
  recordsPerTenant: 300,
  neighbours: 3,
  // On the cluster the killed bridge's partitions move once its session expires (30 s): the reset waits for that.
  schedule:
    profile === 'cluster'
      ? {
          killWorker: 5_000,
          killBridge: 10_000,
          restartKafka: 15_000,
          restartTemporal: 35_000,
          resetGroup: 55_000,
          liftHold: 60_000,
        }
      : {
          killWorker: 5_000,
          killBridge: 10_000,
          restartTemporal: 20_000,
          restartKafka: 35_000,
          resetGroup: 42_000,
          liftHold: 50_000,
        },
  timeLimitMs: 30 * 60_000,
  profile,
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
