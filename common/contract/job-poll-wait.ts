/**
 * Long polls of a deletion job (RFC 7240 `Prefer: wait=N`): the orchestrator's GET of a 202's Location asks the
 * service to hold its answer until the job ends or N seconds pass, so that the end is seen when it happens, not at
 * the next poll (each link of a long dependency chain lost up to a poll interval). A service that ignores the
 * header answers at once, as before; a service that honours it never holds an answer longer than its own cap.
 */

/** What the orchestrator asks for: well inside its request timeout and its heartbeat interval's reach. */
export const JOB_POLL_WAIT_SECONDS = 10;

/** `Prefer: wait=10` */
export const jobPollPreferHeader = { Prefer: `wait=${JOB_POLL_WAIT_SECONDS}` };

/** The seconds a `Prefer` header asks to wait (`wait=N` among its preferences), or 0 when it asks none. */
export function preferredWaitSeconds(prefer: string | string[] | undefined): number {
  const values = Array.isArray(prefer) ? prefer : prefer === undefined ? [] : [prefer];
  for (const preference of values.flatMap((value) => value.split(','))) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(;.*)?$/i.exec(preference);
    if (match) return Number(match[1]);
  }
  return 0;
}
