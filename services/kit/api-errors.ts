import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ErrorBody } from '@tenant-deletion/contract';

/** Every refusal is `{ error: { code, message } }`, as the contract's callers read it. */

/** `details` are a refusal's extra fields beside code and message (e.g. a legal hold's `held_by`). */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: Record<string, string>,
): FastifyReply {
  return reply.code(status).send({ error: { ...details, code, message } } satisfies ErrorBody);
}

/** A refusal decided by the kit, carried from deep in a request to the error handler. */
export class KitHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = 'KitHttpError';
  }
}

/** Zod's messages name the field and the rule, never the value, so they are safe to return and to log. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}

/** Postgres restarting (SQLSTATE classes 08, 57P0x) or unreachable: answered 503 so that callers retry. */
export function isDatabaseUnavailable(error: { code?: string }): boolean {
  const code = error.code ?? '';
  return code.startsWith('08') || code.startsWith('57P0') || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}
