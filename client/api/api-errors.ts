import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ErrorBody } from '@tenant-deletion/contract';

/**
 * The API's refusals: `{ "error": { "code", "message" } }`, as every service of the system answers. A route throws
 * an ApiError; the server's error handler sends it. Messages name ids and rules, never a token or a person's data.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const unauthenticated = (reason: string) => new ApiError(401, 'UNAUTHENTICATED', reason);
export const forbidden = (reason: string) => new ApiError(403, 'FORBIDDEN', reason);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const invalid = (code: string, message: string) => new ApiError(400, code, message);
export const conflict = (message: string) => new ApiError(409, 'REFUSED', message);
export const unavailable = (message: string) => new ApiError(503, 'UNAVAILABLE', message);

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="tenant-deletion-api"');
  if (error.status === 503) reply.header('retry-after', '5');
  return reply.code(error.status).send({ error: { code: error.code, message: error.message } } satisfies ErrorBody);
}

/** Zod's messages name the field and the rule, never the value: safe to answer and to log. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/** A body, parameter or header through its schema, or a 400 with the code given and what is wrong. */
export function parsed<Schema extends z.ZodType>(schema: Schema, value: unknown, code: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(code, describeIssues(result.error));
  return result.data;
}
