import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { DeletionStatus } from '@tenant-deletion/contract';
import { DELETION_DUE_AT, DELETION_STATUS, GDPR_MODE } from '@tenant-deletion/client/search-attributes';
import { detailsTable, earliestDueAt, previewTable } from './tenant-progress';
import type { TenantState } from './tenant-state';

/**
 * What the Web UI shows of a tenant: the DeletionStatus, GdprMode and DeletionDueAt search attributes (written
 * only when they change: each write is a history event) and the current details table.
 */
export class StatusDisplay {
  private status: DeletionStatus | undefined;
  private dueAt: string | null = null;

  show(state: TenantState): void {
    const status = state.status();
    const requests = [...state.requests.values()];
    if (status !== this.status) {
      upsertSearchAttributes([
        { key: DELETION_STATUS, value: status },
        { key: GDPR_MODE, value: requests.some((request) => request.gdprMode) },
      ]);
      this.status = status;
    }
    const dueAt = earliestDueAt(requests);
    if (dueAt !== null && dueAt !== this.dueAt) {
      upsertSearchAttributes([{ key: DELETION_DUE_AT, value: new Date(dueAt) }]);
      this.dueAt = dueAt;
    }
    setCurrentDetails(detailsTable(status, [...state.instances.values()]) + previewTable(requests));
  }
}
