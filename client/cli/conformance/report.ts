import { z } from 'zod';
import type { Output } from '../output';
import type { CheckResult } from './check-result';
import { checkResultSchema } from './check-result';

/** What `tdel conformance` prints: a table of the checks, or with --json one document of this schema. */

export const conformanceReportSchema = z.object({
  baseUrl: z.string(),
  serviceType: z.string(),
  /** The test tenant whose data the checks deleted; null without test data. */
  tenantId: z.string().nullable(),
  /** No check failed. */
  conforms: z.boolean(),
  counts: z.object({ pass: z.number(), fail: z.number(), skip: z.number() }),
  checks: z.array(checkResultSchema),
});
export type ConformanceReport = z.infer<typeof conformanceReportSchema>;

export function conformanceReport(
  target: { baseUrl: string; serviceType: string; tenantId?: string },
  checks: CheckResult[],
): ConformanceReport {
  const count = (status: CheckResult['status']) => checks.filter((check) => check.status === status).length;
  return {
    baseUrl: target.baseUrl,
    serviceType: target.serviceType,
    tenantId: target.tenantId ?? null,
    conforms: count('FAIL') === 0,
    counts: { pass: count('PASS'), fail: count('FAIL'), skip: count('SKIP') },
    checks,
  };
}

export function printReport(out: Output, report: ConformanceReport): void {
  const colour = { PASS: out.c.green, FAIL: out.c.red, SKIP: out.c.yellow } as const;
  out.line(
    out.table(
      ['CHECK', 'RESULT', 'DETAIL'],
      report.checks.map((check) => [check.id, colour[check.status](check.status), check.detail]),
    ),
  );
  out.line('');
  const { pass, fail, skip } = report.counts;
  const verdict = report.conforms
    ? out.c.green(`${report.serviceType} at ${report.baseUrl} conforms`)
    : out.c.red(`${report.serviceType} at ${report.baseUrl} does not conform`);
  out.line(`${verdict}: ${pass} passed, ${fail} failed, ${skip} skipped`);
  for (const check of report.checks.filter((c) => c.status === 'FAIL')) {
    out.line(`${out.c.red('FAIL')} ${check.id} (${check.title}): ${check.detail}`);
  }
}
