import { z } from 'zod';

/**
 * What deleteInstance records in its heartbeats: the Location of the deletion job a 202 named. Temporal keeps the last
 * heartbeat's details for the activity's next attempt, so an attempt that follows a dead or drained worker polls
 * that job again instead of sending another DELETE.
 */

export const deleteProgressSchema = z.object({
  location: z.string().min(1).max(2_048).refine(isHttpLocation, { message: 'must be an http(s) URL or a path' }),
});

export type DeleteProgress = z.infer<typeof deleteProgressSchema>;

/**
 * The progress an earlier attempt heartbeated, if any. The details come from the workflow's history, written by
 * whichever worker version ran that attempt: anything that is not a progress record is ignored (the attempt then
 * starts with a DELETE, which the service answers as a replay of the same Idempotency-Key).
 */
export function resumableProgress(details: unknown): DeleteProgress | undefined {
  const parsed = deleteProgressSchema.safeParse(details);
  return parsed.success ? parsed.data : undefined;
}

/** An absolute http(s) URL, or a reference the instance's base URL resolves (ServiceClient.poll does the same). */
function isHttpLocation(location: string): boolean {
  const base = 'http://service.invalid/';
  return URL.canParse(location, base) && ['http:', 'https:'].includes(new URL(location, base).protocol);
}
