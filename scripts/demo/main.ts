import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import Table from 'cli-table3';
import { Command } from 'commander';
import pg from 'pg';
import colours from 'picocolors';
import { loadConfig } from '../../common/config';
import { tenantWorkflowId } from '@tenant-deletion/contract';
import { ADMIN_TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { loadTokenSigner } from '../../common/service-token-keys';
import { stackPaths } from '../../common/stack-paths';
import { connectTemporalClient, temporalAccess, type TemporalAccess } from '../../common/temporal-connection';
import { seedTenant, FLEET_INSTANCES, registryUrl } from '@tenant-deletion/example-fleet';
import { ProcessGroup, httpOk } from '../process-group';
import { DEFAULT_API_PORT } from '../../client/api/api-config';
import { LOCAL_CODEC_ENDPOINT } from '../stack/temporal';
import { deletionOrder } from './deletion-order';
import { KafkaTraffic } from './kafka-traffic';
import { inventoryWriter } from '../../db/inventory-writer';

const UI = process.env.TEMPORAL_UI_URL || 'http://localhost:8233';
const BRIDGE_PORT = Number(process.env.BRIDGE_PORT || 9466);
const API_URL = `http://localhost:${Number(process.env.API_PORT || DEFAULT_API_PORT)}`;
const program = new Command('demo')
  .description(
    'The whole flow on the local stack: starts the stack, the fleet, the workers, the Kafka bridge and the codec ' +
      'server, seeds two tenants, deletes one through Kafka in GDPR mode, refuses then orders per-instance deletions ' +
      'of the other, prints the ledger and the Web UI links, then waits for Ctrl-C and stops what it started.',
  )
  .option('--exit', 'end after the summary instead of waiting for Ctrl-C', false)
  .option('--records <n>', 'records seeded per tenant', '20000')
  .addHelpText('after', '\nExamples:\n  npm run demo\n  npm run demo -- --exit --records 5000');

/** Colours and borders only on a terminal, and never with NO_COLOR. */
const styled = process.stdout.isTTY && !process.env.NO_COLOR;
function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: styled ? ['cyan'] : [], border: styled ? ['grey'] : [], compact: true } });
}

function step(title: string): void {
  console.log(`\n${styled ? colours.bold(colours.cyan(`▶ ${title}`)) : `▶ ${title}`}`);
}

function workflowLink(tenantId: string): string {
  return `${UI}/namespaces/default/workflows/${tenantWorkflowId(tenantId)}`;
}

function queryLink(query: string): string {
  return `${UI}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
}

program.action(async (options: { exit: boolean; records: string }) => {
  const paths = stackPaths();
  step('local stack: Temporal with its Web UI, Kafka, PostgreSQL');
  if (spawnSync('npm', ['run', '--silent', 'stack:up'], { cwd: paths.repoDir, stdio: 'inherit' }).status !== 0) {
    throw new Error('the local stack did not come up; fix what stack:up printed and run the demo again');
  }
  const config = loadConfig();
  const temporal = temporalAccess(config);
  // The admins' key of the local stack (stack:up made it): seeding creates the tenants in the registry.
  const admin = await loadTokenSigner(ADMIN_TOKEN_ISSUER);
  const processes = new ProcessGroup(paths.repoDir, paths.logDir);
  const stop = async () => {
    await processes.stopAll();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));

  try {
    step('fleet (registry + 13 service instances), workers, Kafka bridge, deletion API, codec server');
    await processes.start('fleet', 'fleet', { LOG_LEVEL: 'warn' }, (log) => log.includes('the fleet is running'));
    // A demo run starts two whole-tenant deletions; the default cap (50 a day) would hold a keen user's 26th run.
    await processes.start('worker', 'worker', { BLAST_RADIUS_MAX_WHOLE_TENANT: '100000' }, (log) =>
      log.includes('workers polling'),
    );
    await processes.start('bridge', 'bridge', {}, () => httpOk(`http://localhost:${BRIDGE_PORT}/readyz`));
    // The deletion API (tdel delete, cancel, retry and approve go through it), unless one already runs.
    if (!(await httpOk(`${API_URL}/healthz`))) {
      await processes.start('api', 'api', { LOG_LEVEL: 'warn' }, () => httpOk(`${API_URL}/healthz`));
    }
    console.log(`  the deletion API: ${API_URL} (its OpenAPI document: ${API_URL}/openapi.json)`);
    // Payloads are encrypted: the Web UI shows them through the codec server, unless one already runs.
    if (!(await httpOk(`${LOCAL_CODEC_ENDPOINT}/healthz`))) {
      await processes.start('codec-server', 'codec-server', {}, () => httpOk(`${LOCAL_CODEC_ENDPOINT}/healthz`));
    }
    console.log(`  the Web UI decodes payloads through ${LOCAL_CODEC_ENDPOINT} (npm run codec-server)`);
    console.log(`  logs: ${paths.logDir}/demo-{fleet,worker,bridge,api,codec-server}.log`);

    const run = randomBytes(2).toString('hex');
    const gdprTenant = `demo-bakery-${run}-a`;
    const orderedTenant = `demo-bakery-${run}-b`;
    step(`seeding ${gdprTenant} and ${orderedTenant} with ${options.records} records each`);
    for (const tenantId of [gdprTenant, orderedTenant]) {
      const seeded = await seedTenant({
        tenantId,
        records: Number(options.records),
        databaseUrl: config.DATABASE_URL,
        inventory: inventoryWriter(config.DATABASE_URL),
        registry: { url: registryUrl(), signer: admin },
      });
      console.log(`  ${tenantId}: ${seeded.records} records, ${seeded.files} files in ${seeded.durationMs} ms`);
    }

    const kafka = await KafkaTraffic.open(config.KAFKA_BROKERS, [gdprTenant, orderedTenant]);
    try {
      step(`whole-tenant GDPR deletion of ${gdprTenant}, requested on Kafka (tenant.deletion.request)`);
      await kafka.requestTenantDeletion(gdprTenant, `trace-${run}-gdpr`, true, 'contract-ended');
      console.log(`  Web UI: ${workflowLink(gdprTenant)}`);
      await waitForWorkflow(temporal, gdprTenant);
      await followWithCli(paths.repoDir, gdprTenant);
      const deleted = await kafka.waitFor(
        kafka.lifecycle,
        (event) => event.tenantId === gdprTenant && event.type === 'TENANT_DELETED',
        `TENANT_DELETED for ${gdprTenant}`,
      );
      console.log(`  ${colours.green('TENANT_DELETED')} published; registry PII erased`);

      step(`per-instance deletion of ${orderedTenant}: inventory-1 first, which others depend on`);
      await kafka.requestInstanceDeletion(orderedTenant, 'inventory', 'inventory-1', `trace-${run}-early`);
      const refused = await kafka.waitFor(
        kafka.results,
        (result) => result.tenantId === orderedTenant && result.serviceInstanceId === 'inventory-1',
        'result for inventory-1',
      );
      console.log(`  ${colours.yellow(refused.status)}: ${refused.failureReason}`);

      step(`the same instances in the right order (dependents first) until ${orderedTenant} is empty`);
      for (const instance of deletionOrder(FLEET_INSTANCES)) {
        const traceId = `trace-${run}-${instance.serviceInstanceId}`;
        await kafka.requestInstanceDeletion(orderedTenant, instance.serviceType, instance.serviceInstanceId, traceId);
        const result = await kafka.waitFor(
          kafka.results,
          (r) =>
            r.tenantId === orderedTenant &&
            r.serviceInstanceId === instance.serviceInstanceId &&
            r.status !== 'REJECTED',
          `result for ${instance.serviceInstanceId}`,
        );
        const records = Object.values(result.deletedCounts).reduce((sum, n) => sum + n, 0);
        console.log(`  ${instance.serviceInstanceId.padEnd(18)} ${colours.green(result.status)} ${records} records`);
      }
      const empty = await kafka.waitFor(
        kafka.lifecycle,
        (event) => event.tenantId === orderedTenant && event.type === 'TENANT_EMPTY',
        `TENANT_EMPTY for ${orderedTenant}`,
      );
      console.log(`  ${colours.green('TENANT_EMPTY')} published`);

      step('the ledger (service_deletion_requests)');
      const summary = await printLedger(config.DATABASE_URL, [gdprTenant, orderedTenant]);

      step(`the signed deletion certificate of ${gdprTenant}, verified (tdel certificate --verify)`);
      if (
        spawnSync('npx', ['tdel', 'certificate', gdprTenant, '--verify'], { cwd: paths.repoDir, stdio: 'inherit' })
          .status !== 0
      ) {
        throw new Error(`the certificate of ${gdprTenant} did not verify; see what tdel certificate printed`);
      }

      step('summary');
      const summaryTable = table(['tenant', 'requested as', 'outcome', 'instances', 'records', 'certificate']);
      summaryTable.push(
        [
          gdprTenant,
          'whole tenant, GDPR (Kafka)',
          'TENANT_DELETED',
          summary[gdprTenant].instances,
          summary[gdprTenant].records,
          deleted.certificateId ?? '-',
        ],
        [
          orderedTenant,
          'one instance at a time (Kafka)',
          'TENANT_EMPTY',
          summary[orderedTenant].instances,
          summary[orderedTenant].records,
          empty.certificateId ?? '-',
        ],
      );
      console.log(summaryTable.toString());
      console.log(`\nWeb UI: ${UI}`);
      console.log(`  ${gdprTenant}: ${queryLink(`TenantId="${gdprTenant}"`)}`);
      console.log(`  ${orderedTenant}: ${queryLink(`TenantId="${orderedTenant}"`)}`);
      console.log(`  failed deletions: ${queryLink('DeletionStatus="FAILED"')}`);
    } finally {
      await kafka.close();
    }

    if (!options.exit) {
      console.log(
        `\nThe fleet, workers, bridge, deletion API and codec server keep running; press Ctrl-C to stop them (the stack stays up).`,
      );
      await new Promise(() => undefined);
    }
  } finally {
    await stop();
  }
});

/** The bridge hands the Kafka request over asynchronously: wait until the tenant's workflow exists. */
async function waitForWorkflow(temporal: TemporalAccess, tenantId: string, timeoutMs = 60_000): Promise<void> {
  const client = await connectTemporalClient(temporal);
  try {
    const handle = client.workflow.getHandle(tenantWorkflowId(tenantId));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await handle.describe();
        return;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await client.connection.close();
  }
}

/** `tdel status --watch`: the operators' own live view of the deletion. */
function followWithCli(repoDir: string, tenantId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tdel', 'status', tenantId, '--watch'], { cwd: repoDir, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tdel status --watch exited with ${code}`))));
  });
}

async function printLedger(
  databaseUrl: string,
  tenants: string[],
): Promise<Record<string, { instances: number; records: number }>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT tenant_id, service_instance_id, status, retry_count, duration_ms, failure_reason,
              (SELECT COALESCE(sum(value::bigint), 0) FROM jsonb_each_text(COALESCE(deleted_counts, '{}'))) AS records
         FROM service_deletion_requests WHERE tenant_id = ANY($1) ORDER BY tenant_id, created_at, service_instance_id`,
      [tenants],
    );
    const ledger = table(['tenant', 'instance', 'status', 'records', 'retries', 'ms', 'reason']);
    const summary = Object.fromEntries(tenants.map((t) => [t, { instances: 0, records: 0 }]));
    for (const row of rows) {
      ledger.push([
        row.tenant_id,
        row.service_instance_id,
        row.status,
        row.records,
        row.retry_count,
        row.duration_ms ?? '',
        (row.failure_reason ?? '').slice(0, 60),
      ]);
      if (row.status === 'COMPLETED') {
        summary[row.tenant_id].instances += 1;
        summary[row.tenant_id].records += Number(row.records);
      }
    }
    console.log(ledger.toString());
    return summary;
  } finally {
    await db.end();
  }
}

program.parseAsync().catch((error: unknown) => {
  console.error(`\ndemo: ${(error as Error).message}`);
  process.exit(1);
});
