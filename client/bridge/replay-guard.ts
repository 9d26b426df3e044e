import type { DeletionRequest } from '@tenant-deletion/contract';
import { describeStatuses, type RequestLedgerState } from '../../db/ledger';
import type { Refused } from './request-messages';

/**
 * Valid requests the bridge still refuses, because acting on them would replay history: a message older than the
 * request horizon (STALE), and a request whose deletion the ledger says has ended (DUPLICATE). Both happen when a
 * topic is read again (a consumer-group reset, a new group reading from the beginning) and would otherwise start
 * a deletion nobody asks for any more; the tenant workflow also absorbs a request the ledger holds, so this is the
 * visible half: the DLQ says what was not done and why.
 */

const HOUR_MS = 3_600_000;

/** A request at any stage of the bridge's checks: these refusals need only its ids and timestamp. */
type Checking = { ok: true; request: Pick<DeletionRequest, 'requestId' | 'tenantId' | 'requestedAt'> };

/** STALE when the payload's timestamp is more than `maxAgeHours` before `now`. */
export function refuseStale<T extends Checking>(parsed: T | Refused, maxAgeHours: number, now: number): T | Refused {
  if (!parsed.ok || parsed.request.requestedAt === undefined) return parsed;
  const ageMs = now - Date.parse(parsed.request.requestedAt);
  if (ageMs <= maxAgeHours * HOUR_MS) return parsed;
  const { requestId, requestedAt } = parsed.request;
  return {
    ok: false,
    code: 'STALE',
    message:
      `request ${requestId} was made at ${requestedAt}, ${Math.floor(ageMs / HOUR_MS)} h ago, past ` +
      `REQUEST_MAX_AGE_HOURS (${maxAgeHours}): not handed over; if it is still wanted, send it again with a new ` +
      `timestamp and traceId`,
    issues: [],
  };
}

/** DUPLICATE when the ledger holds the request and its deletion ended; `states` are the ledger's for the chunk. */
export function refuseEnded<T extends Checking>(
  parsed: T | Refused,
  states: ReadonlyMap<string, RequestLedgerState>,
): T | Refused {
  if (!parsed.ok) return parsed;
  const state = states.get(ledgerKey(parsed.request));
  if (!state?.ended) return parsed;
  return {
    ok: false,
    code: 'DUPLICATE',
    message:
      `request ${state.requestId} of tenant ${state.tenantId} already ran: the ledger has it ended ` +
      `(${describeStatuses(state.statuses)}, last change ${state.lastChange.toISOString()}); not handed over again. ` +
      `To delete again, send a new request (a new traceId)`,
    issues: [],
  };
}

export function ledgerKey(request: Pick<DeletionRequest, 'tenantId' | 'requestId'>): string {
  return `${request.tenantId}\n${request.requestId}`;
}
