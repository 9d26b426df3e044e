import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ErrorBody } from '@tenant-deletion/contract';

/** The registry's error answers: `{ error: { code, message } }`, as every service of the fleet answers. */

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } } satisfies ErrorBody);
}

/** Zod's messages name the field and the rule, never the value, so they are safe to return and to log. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}

/**
 * Failures of the database connection rather than of the request: Postgres restarting (SQLSTATE class 08,
 * 57P0x) or unreachable. They answer 503 so that callers retry instead of failing the deletion.
 */
export function isDatabaseUnavailable(error: { code?: string }): boolean {
  const code = error.code ?? '';
  return code.startsWith('08') || code.startsWith('57P0') || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}
