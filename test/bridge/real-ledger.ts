import type pg from 'pg';
import { createTenantActivities } from '../../activities/tenant-activities';
import type { startTestEnvironment } from '../workflows/temporal-test-env';

type Activities = Parameters<NonNullable<Parameters<typeof startTestEnvironment>[2]>>[0];

/**
 * The fake fleet's orchestration activities with the ledger's real ones (activities/tenant-activities.ts) on the
 * local PostgreSQL: the workflows write and read `service_deletion_requests` as in production, so that the bridge
 * finds there what they did. Result events are not published; the fake's own bookkeeping still runs.
 */
export function withRealLedger(db: pg.Pool): (fake: Activities) => Activities {
  return (fake) => {
    const real = createTenantActivities({
      db,
      publisher: { publish: async () => undefined, close: async () => undefined },
      // The ledger activities need neither the registry nor the worker config.
      registry: undefined as never,
      workerConfig: undefined as never,
      guardRails: { approvalThresholdRecords: null, gracePeriodSeconds: 0 },
      certificateSigner: null,
    });
    return {
      ...fake,
      recordedRequestIds: real.recordedRequestIds,
      recordRequests: async (entries) => (await fake.recordRequests(entries), await real.recordRequests(entries)),
      reportOutcomes: async (report) => (await fake.reportOutcomes(report), await real.reportOutcomes(report)),
    };
  };
}
