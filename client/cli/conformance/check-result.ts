import { z } from 'zod';

/**
 * The checks `tdel conformance` runs, in the order it runs them, and what each found. A check passes, fails with a
 * precise reason, or is skipped with why (never passed for want of what it needs).
 */

export const checkIdSchema = z.enum([
  'preview-shape',
  'unknown-tenant',
  'token-missing',
  'token-expired',
  'token-forged',
  'token-wrong-audience',
  'token-hs256',
  'token-alg-none',
  'token-wrong-scope',
  'legal-hold',
  'retry-after',
  'delete-shape',
  'async-location',
  'preview-zero-after-delete',
  'idempotent-repeat',
  'idempotency-key-replay',
]);
export type CheckId = z.infer<typeof checkIdSchema>;

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
  'preview-shape': 'preview: 200 with the contract body',
  'unknown-tenant': 'unknown tenant: preview and DELETE 200, zero counts',
  'token-missing': 'no token: 401, nothing deleted',
  'token-expired': 'expired token: 401, nothing deleted',
  'token-forged': 'token signed with another key: 401, nothing deleted',
  'token-wrong-audience': 'token for another service: 403 (or 401), nothing deleted',
  'token-hs256': 'HS256 token keyed with the public key: 401, nothing deleted',
  'token-alg-none': 'unsigned token (alg none): 401, nothing deleted',
  'token-wrong-scope': 'preview token on DELETE: 403, nothing deleted',
  'legal-hold': 'DELETE under a legal hold: 409, nothing deleted; a delete token cannot lift it (403)',
  'retry-after': '503 carries Retry-After',
  'delete-shape': 'DELETE: 200 with the contract body',
  'async-location': '202 + Location: 202 while running, then 200 with the body',
  'preview-zero-after-delete': 'preview after DELETE: zero',
  'idempotent-repeat': 'DELETE repeated: 200, zero counts',
  'idempotency-key-replay': 'same Idempotency-Key: the same answer',
};

export const checkStatusSchema = z.enum(['PASS', 'FAIL', 'SKIP']);

export const checkResultSchema = z.object({
  id: checkIdSchema,
  title: z.string(),
  status: checkStatusSchema,
  /** What was seen (PASS), what broke the contract (FAIL), or what the check needs (SKIP). */
  detail: z.string(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** The service broke the contract: the message says how, precisely enough to fix it. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** The check cannot run here: the message says what it needs. */
export class CheckSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckSkipped';
  }
}

/** Runs one check: its detail when it passes, its reason when it fails or is skipped. */
export async function runCheck(id: CheckId, check: () => Promise<string>): Promise<CheckResult> {
  const result = (status: CheckResult['status'], detail: string) => ({ id, title: CHECK_TITLES[id], status, detail });
  try {
    return result('PASS', await check());
  } catch (error) {
    if (error instanceof CheckFailed) return result('FAIL', error.message);
    if (error instanceof CheckSkipped) return result('SKIP', error.message);
    throw error;
  }
}
