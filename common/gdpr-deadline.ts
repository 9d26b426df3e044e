/**
 * GDPR Art. 12(3): an erasure request is answered "within one month of receipt". Periods in months follow
 * Regulation 1182/71 Art. 3(2)(c): the period ends on the same date of the next month, or on that month's last
 * day when it has no such date (31 January → 28 or 29 February). Pure, so the workflow can use it.
 */

/** Deletions due within this many days are at risk: an admin should look now, not on the due date. */
export const AT_RISK_DAYS = 7;

const DAY_MS = 24 * 60 * 60 * 1000;

export type DeadlineStanding = 'OVERDUE' | 'AT_RISK' | 'ON_TIME';

export function gdprDueAt(requestedAt: Date): Date {
  const due = new Date(requestedAt.getTime());
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, lastDay));
  return due;
}

export function deadlineStanding(dueAt: Date, now: Date): DeadlineStanding {
  if (now.getTime() >= dueAt.getTime()) return 'OVERDUE';
  return dueAt.getTime() - now.getTime() <= AT_RISK_DAYS * DAY_MS ? 'AT_RISK' : 'ON_TIME';
}

/** The instant from which a deletion still running counts as at risk: what `tdel list --overdue` asks for. */
export function atRiskFrom(now: Date): Date {
  return new Date(now.getTime() + AT_RISK_DAYS * DAY_MS);
}
