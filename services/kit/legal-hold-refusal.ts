import type { LegalHoldRefusal } from '@tenant-deletion/contract';
import { KitHttpError } from './api-errors';
import type { LegalHold } from './legal-holds';

/**
 * The 409 of a DELETE or poll under a legal hold, naming who placed it and since when, so the orchestrator's status
 * tells an operator whom to ask. `hold` is undefined when it was lifted between the check and the answer.
 */
export function legalHoldRefusal(tenantId: string, hold: LegalHold | undefined): KitHttpError {
  const by = hold?.placedBy === undefined ? '' : ` placed by ${hold.placedBy}`;
  const since = hold === undefined ? '' : ` since ${hold.placedAt.toISOString()}`;
  const details: Omit<LegalHoldRefusal['error'], 'code' | 'message'> = {
    ...(hold?.placedBy !== undefined && { held_by: hold.placedBy }),
    ...(hold !== undefined && { held_since: hold.placedAt.toISOString() }),
  };
  return new KitHttpError(
    409,
    'LEGAL_HOLD',
    `tenant ${tenantId} is under legal hold${by}${since}: its data stays until an admin lifts the hold`,
    undefined,
    details,
  );
}
