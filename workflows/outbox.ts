import type { InstanceReport } from '@tenant-deletion/contract';

/** What the tenant workflow owes the outside world once it may act: written by its state, carried across runs. */

/** A group of outcomes to write to the ledger and the result topic, for the requests named. */
export interface PendingReport {
  requestIds: string[];
  instances: InstanceReport[];
}

export interface Outbox {
  reports: PendingReport[];
  /** Instances whose running child must be asked to cancel. */
  cancelChildren: string[];
  /** Whole-tenant requests cancelled in their grace period: the tenant is resumed under their trace id. */
  resumeTenant: string[];
}
