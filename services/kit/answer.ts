import type { FastifyReply } from 'fastify';

/** A complete HTTP answer as a value, so that it can be stored and replayed for an Idempotency-Key. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export function sendAnswer(reply: FastifyReply, answer: Answer): FastifyReply {
  return reply
    .code(answer.status)
    .headers(answer.headers ?? {})
    .send(answer.body);
}
