import type { BridgeKillEvidence } from './bridge-kill';
import type { BrokerKillEvidence, OtherGroupEvidence, PartitionMoveEvidence } from './cluster-faults';
import type { GroupResetEvidence } from './group-reset';
import type { LegalHoldEvidence } from './hold-watch';
import type { RetryAfterEvidence } from './retry-after';
import type { WorkerKillEvidence } from './worker-kill';

/** The chaos run's one-line JSON verdict, and why it is not ok when it is not. */

export interface FinalizationEvidence {
  /** TENANT_EMPTY messages in the lifecycle topic for the run's tenants, duplicates included. */
  tenantEmptyMessages: number;
  /** Tenants finalized exactly once: one TENANT_EMPTY and one TENANT_DELETED event id, one certificate id and row. */
  finalizedOnce: number;
}

export interface ChaosSummary {
  tenants: number;
  /** Tenant workflows that completed. */
  terminal: number;
  /** Every row the run's tenants had, by SQL, before the requests. */
  seededRows: number;
  /** By SQL in every table of every instance database, after the run. */
  rowsLeftInDeletedTenants: number;
  neighbourRows: { before: number; after: number };
  /** Sum over (neighbour, instance, table) of how much its SQL row count moved. */
  neighbourRowsChanged: number;
  /** Tenants with more than one finalization: two TENANT_EMPTY or TENANT_DELETED event ids, or two certificates. */
  doubleFinalizations: number;
  /** TENANT_EMPTY messages beyond the first per tenant (redeliveries, same event id): allowed, counted. */
  duplicateTenantEmpty: number;
  finalization: FinalizationEvidence;
  lostRequests: number;
  legalHold: LegalHoldEvidence;
  retryAfter: RetryAfterEvidence;
  workerKill: WorkerKillEvidence;
  bridgeKill: BridgeKillEvidence;
  groupReset: GroupResetEvidence;
  /** The cluster profile's own faults; absent on the dev profile. */
  cluster?: {
    otherGroup: OtherGroupEvidence;
    partitionMove: PartitionMoveEvidence;
    brokerKill: BrokerKillEvidence;
  };
  /** The faults injected, each with its time after the first requests. */
  faults: string[];
  /** Why ok is false; empty when it is true. */
  failures: string[];
  durationMs: number;
  ok: boolean;
}

export function failuresOf(summary: Omit<ChaosSummary, 'failures' | 'ok'>): string[] {
  const failures: string[] = [];
  const { tenants, legalHold: hold, retryAfter, workerKill, bridgeKill } = summary;
  if (summary.terminal !== tenants)
    failures.push(`${tenants - summary.terminal} of ${tenants} tenant workflows did not complete`);
  if (summary.seededRows === 0) failures.push('the tenants had no rows to delete');
  if (summary.rowsLeftInDeletedTenants !== 0) {
    failures.push(`SQL finds ${summary.rowsLeftInDeletedTenants} rows left in the deleted tenants`);
  }
  if (summary.neighbourRows.before === 0) failures.push('the neighbours had no rows to keep');
  if (summary.neighbourRowsChanged !== 0) failures.push(`neighbours' rows changed by ${summary.neighbourRowsChanged}`);
  if (summary.lostRequests !== 0) failures.push(`${summary.lostRequests} tenants' requests were lost`);
  if (summary.doubleFinalizations !== 0) failures.push(`${summary.doubleFinalizations} tenants were finalized twice`);
  if (summary.finalization.finalizedOnce !== tenants) {
    failures.push(`${summary.finalization.finalizedOnce} of ${tenants} tenants were finalized exactly once`);
  }
  if (hold.seenOnHoldVia.length === 0) failures.push(`${hold.tenantId} was never seen ON_HOLD while held`);
  if (hold.rowsSeeded === 0 || hold.rowsAtLift !== hold.rowsSeeded) {
    failures.push(
      `${hold.serviceInstanceId} held ${hold.rowsAtLift} of ${hold.rowsSeeded} rows of ${hold.tenantId} at the lift`,
    );
  }
  if (hold.deletedAfterLiftMs === null || hold.deletedAfterLiftMs < 0 || hold.rowsAfterRun !== 0) {
    failures.push(
      `${hold.serviceInstanceId} of ${hold.tenantId} was not deleted after the lift (${hold.rowsAfterRun} rows left)`,
    );
  }
  if (retryAfter.telling === 0)
    failures.push('no retry after a 503 with Retry-After could tell honouring from backoff');
  if (retryAfter.violations !== 0) failures.push(`${retryAfter.violations} retries came sooner than Retry-After`);
  if (!workerKill.ok) {
    failures.push(
      `the worker kill interrupted no deletion (${workerKill.runningAtKill} running on it at the kill, ` +
        `${workerKill.finishedByLaterAttempt} finished by a later attempt)`,
    );
  }
  if (!bridgeKill.ok) {
    failures.push(
      `the bridge kill did not land mid-hand-over (${bridgeKill.handedOverBeforeKill} handed over before, ` +
        `${bridgeKill.inTopicAtKill} in the topic, ${bridgeKill.handedOverByRestarted} of them by the restarted bridge)`,
    );
  }
  const { groupReset } = summary;
  if (!groupReset.ok) {
    failures.push(
      `the consumer-group reset: ${groupReset.replayedMessages} requests read again, ` +
        `${groupReset.caughtUp ? '' : 'not '}caught up, ${groupReset.doubleDeletions} instances deleted twice`,
    );
  }
  if (summary.cluster) failures.push(...clusterFailures(summary.cluster));
  return failures;
}

function clusterFailures({ otherGroup, partitionMove, brokerKill }: NonNullable<ChaosSummary['cluster']>): string[] {
  const failures: string[] = [];
  if (!otherGroup.ok) {
    failures.push(`no other worker group deleted while the killed one was down for ${otherGroup.downMs} ms`);
  }
  if (!partitionMove.ok) {
    failures.push(
      `the killed bridge's partitions did not move: [${partitionMove.before.join(', ')}] before, [${partitionMove.after.join(', ')}] after`,
    );
  }
  if (!brokerKill.ok) {
    failures.push(
      `with broker ${brokerKill.node} dead, ${brokerKill.publishedWhileDown} messages were published, ` +
        `the bridges ${brokerKill.bridgesSurvived ? 'survived' : 'did not survive'}`,
    );
  }
  return failures;
}
