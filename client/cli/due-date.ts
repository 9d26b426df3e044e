import type { WorkflowExecutionInfo } from '@temporalio/client';
import { deadlineStanding, type DeadlineStanding } from '../../common/gdpr-deadline';
import { DELETION_DUE_AT } from '@tenant-deletion/client/search-attributes';
import { formatTime } from './output';

/** A deletion's GDPR due date (DeletionDueAt) and, while it runs, where it stands against that date. */
export function dueDate(
  info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes' | 'status'>,
  now: Date,
): { dueAt: string | null; deadline: DeadlineStanding | null } {
  const dueAt = info.typedSearchAttributes.get(DELETION_DUE_AT);
  return {
    dueAt: dueAt ? formatTime(dueAt) : null,
    deadline: dueAt && info.status.name === 'RUNNING' ? deadlineStanding(dueAt, now) : null,
  };
}
