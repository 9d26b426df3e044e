import type { Client } from '@temporalio/client';
import { serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';
import { progressQuery } from '@tenant-deletion/client';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { rowsOf, type TenantRows } from './tenant-rows';
import type { WorkflowFacts } from './workflow-histories';

/**
 * Watches the held tenant the way an operator would, through Temporal only: the parent's DeletionStatus search
 * attribute (describe) and the `progress` query's status of the held instance. Polls from the first request until
 * the hold is lifted; either source showing ON_HOLD counts, and which ones did is recorded. Failed polls (the worker
 * or the server is down for a fault) are skipped.
 */

export type HoldSource = 'DeletionStatus search attribute' | 'progress query';

export class HoldWatch {
  readonly seenVia = new Set<HoldSource>();
  /** When ON_HOLD was first seen (epoch ms). */
  firstSeenAt: number | null = null;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: Client,
    readonly tenantId: string,
    readonly serviceInstanceId: string,
    private readonly intervalMs = 500,
  ) {
    this.loop = this.poll();
  }

  /** Resolves once ON_HOLD was seen, or after the time limit (then `firstSeenAt` stays null). */
  async seen(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.firstSeenAt === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.firstSeenAt !== null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async poll(): Promise<void> {
    const handle = this.client.workflow.getHandle(tenantWorkflowId(this.tenantId));
    while (!this.stopped) {
      const [description, progress] = await Promise.all([
        handle.describe().catch(() => undefined),
        handle.query(progressQuery).catch(() => undefined),
      ]);
      if (description?.typedSearchAttributes.get(DELETION_STATUS) === 'ON_HOLD')
        this.saw('DeletionStatus search attribute');
      const instance = progress?.instances.find((i) => i.serviceInstanceId === this.serviceInstanceId);
      if (instance?.status === 'ON_HOLD') this.saw('progress query');
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }

  private saw(source: HoldSource): void {
    this.seenVia.add(source);
    this.firstSeenAt ??= Date.now();
  }
}

export interface LegalHoldEvidence {
  tenantId: string;
  serviceInstanceId: string;
  /** The held instance's rows of the tenant, counted by SQL in its database: seeded, just before the lift, after. */
  rowsSeeded: number;
  rowsAtLift: number | null;
  rowsAfterRun: number;
  seenOnHoldVia: HoldSource[];
  /** After the requests, in ms. */
  seenOnHoldAfterMs: number | null;
  liftedAfterMs: number | null;
  /** How long after the lift the instance's deleteInstance completed, per its history; null if it never did. */
  deletedAfterLiftMs: number | null;
  ok: boolean;
}

/** The watch's sightings, the SQL counts (seeded, at the lift, after) and when the history says the instance went. */
export function legalHoldEvidence(
  watch: HoldWatch,
  seeded: TenantRows,
  after: TenantRows,
  lift: { at: number; rows: number } | undefined,
  requestedAt: number,
  histories: readonly WorkflowFacts[],
): LegalHoldEvidence {
  const { tenantId, serviceInstanceId } = watch;
  const deletion = histories
    .find((facts) => facts.workflowId === serviceInstanceWorkflowId(tenantId, serviceInstanceId))
    ?.activities.find((a) => a.activityType === 'deleteInstance' && a.outcome === 'completed');
  const evidence = {
    tenantId,
    serviceInstanceId,
    rowsSeeded: rowsOf(seeded, tenantId, serviceInstanceId),
    rowsAtLift: lift?.rows ?? null,
    rowsAfterRun: rowsOf(after, tenantId, serviceInstanceId),
    seenOnHoldVia: [...watch.seenVia],
    seenOnHoldAfterMs: watch.firstSeenAt === null ? null : watch.firstSeenAt - requestedAt,
    liftedAfterMs: lift ? lift.at - requestedAt : null,
    deletedAfterLiftMs: lift && deletion?.endedAt !== undefined ? deletion.endedAt - lift.at : null,
  };
  return {
    ...evidence,
    ok:
      evidence.seenOnHoldVia.length > 0 &&
      evidence.rowsSeeded > 0 &&
      evidence.rowsAtLift === evidence.rowsSeeded &&
      evidence.deletedAfterLiftMs !== null &&
      evidence.deletedAfterLiftMs >= 0 &&
      evidence.rowsAfterRun === 0,
  };
}
