import { textTable } from '../text-table';
import type { SeedTenantResult } from './seed-tenant';

/** What the seeder prints: records per instance, then the totals and how long it took. */
export function seedReport(result: SeedTenantResult): string {
  const rows = result.instances.map((instance) => [
    instance.serviceInstanceId,
    instance.serviceType,
    instance.database,
    instance.records,
    instance.files,
    (instance.durationMs / 1000).toFixed(1),
  ]);
  const seconds = result.durationMs / 1000;
  return [
    textTable(['instance', 'service', 'database', 'records', 'files', 'seconds'], rows),
    '',
    `tenant ${result.tenantId}: ${result.records} records and ${result.files} files in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.records / Math.max(seconds, 0.001))} records/s, run ${result.runId})`,
  ].join('\n');
}
