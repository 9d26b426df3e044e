import type { CheckId, CheckResult } from '../../../client/cli/conformance/check-result';
import { checkIdSchema } from '../../../client/cli/conformance/check-result';

/** What a conforming service earns: every check PASS but those skipped. */
export function everyCheckPassesBut(skipped: CheckId[]): Record<CheckId, CheckResult['status']> {
  return Object.fromEntries(checkIdSchema.options.map((id) => [id, skipped.includes(id) ? 'SKIP' : 'PASS'])) as Record<
    CheckId,
    CheckResult['status']
  >;
}

/** Each check's status, by id, as a report lists them. */
export function statuses(checks: readonly CheckResult[] | undefined): Record<string, CheckResult['status']> {
  return Object.fromEntries((checks ?? []).map((check) => [check.id, check.status]));
}
