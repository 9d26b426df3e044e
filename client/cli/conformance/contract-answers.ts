import type { z } from 'zod';
import { deletionBodySchema, previewBodySchema, type DeletionBody, type PreviewBody } from '@tenant-deletion/contract';
import { CheckFailed } from './check-result';
import type { ProbeAnswer, ServiceProbe } from './service-probe';

/** Reading the contract's answers: each deviation becomes a CheckFailed that says what was asked and what came back. */

type Counts = PreviewBody['counts'];

/** Rows over all counts. */
export function totalOf(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** `GET {base}/tenant/{id}/deletion-preview answered 404` plus the service's own reason, when it gave one. */
export function describeAnswer(what: string, answer: ProbeAnswer): string {
  const body = answer.body as { error?: { message?: unknown } } | undefined;
  const reason = typeof body?.error?.message === 'string' ? `: ${body.error.message.slice(0, 200)}` : '';
  return `${what} answered ${answer.status}${reason}`;
}

export function expectStatus(what: string, answer: ProbeAnswer, expected: readonly number[]): void {
  if (!expected.includes(answer.status)) {
    throw new CheckFailed(`${describeAnswer(what, answer)} (expected ${expected.join(' or ')})`);
  }
}

export function parseBody<T>(what: string, answer: ProbeAnswer, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new CheckFailed(
    `${what} answered ${answer.status} with a body that breaks the contract: ${problems.join('; ')}`,
  );
}

/** The preview of a tenant: 200, the contract's body, for that tenant, its total the sum of its counts. */
export async function readPreview(probe: ServiceProbe, tenantId: string): Promise<PreviewBody> {
  return parsePreview(await probe.send('GET', probe.previewUrl(tenantId)), tenantId);
}

export function parsePreview(answer: ProbeAnswer, tenantId: string): PreviewBody {
  const what = `GET preview of ${tenantId}`;
  expectStatus(what, answer, [200]);
  const body = parseBody(what, answer, previewBodySchema);
  if (body.tenant_id !== tenantId) throw new CheckFailed(`${what} names tenant_id ${body.tenant_id}`);
  if (body.total !== totalOf(body.counts)) {
    throw new CheckFailed(`${what}: total ${body.total} is not the sum of its counts (${totalOf(body.counts)})`);
  }
  return body;
}

/** A 200 DELETE answer: the contract's body, for that tenant. */
export function readDeletion(what: string, answer: ProbeAnswer, tenantId: string): DeletionBody {
  expectStatus(what, answer, [200]);
  const body = parseBody(what, answer, deletionBodySchema);
  if (body.tenant_id !== tenantId) throw new CheckFailed(`${what} names tenant_id ${body.tenant_id}`);
  return body;
}

/** The tables whose count is not zero, `orders=3, order_items=9`; empty when all are zero. */
export function nonZero(counts: Counts): string {
  return Object.entries(counts)
    .filter(([, n]) => n !== 0)
    .map(([table, n]) => `${table}=${n}`)
    .join(', ');
}

/** The tables whose count changed between two previews, `orders 3 -> 0`; empty when none did. */
export function changedCounts(before: Counts, after: Counts): string {
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return tables
    .filter((table) => (before[table] ?? 0) !== (after[table] ?? 0))
    .map((table) => `${table} ${before[table] ?? 0} -> ${after[table] ?? 0}`)
    .join(', ');
}
