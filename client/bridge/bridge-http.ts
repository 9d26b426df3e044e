import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Probe } from '../../common/readiness';
import type { BridgeMetrics } from './bridge-metrics';

/**
 * Liveness `/livez` (its older name `/healthz` stays an alias): 503 only when the process should be restarted.
 * Readiness `/readyz`: 200 once the consumer has joined its group and Temporal and the ledger answer; 503 while
 * starting, rebalancing, disconnected or waiting for a dependency. Prometheus `/metrics`.
 */
export async function startBridgeHttp(
  port: number,
  metrics: BridgeMetrics,
  probes: { live(): Probe; ready(): Promise<Probe> },
): Promise<{ close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  const answer = (probe: Probe) => ({
    code: probe.ok ? 200 : 503,
    body: { status: probe.ok ? 'ok' : 'unavailable', detail: probe.detail },
  });
  const liveness = async (_request: FastifyRequest, reply: FastifyReply) => {
    const { code, body } = answer(probes.live());
    return reply.code(code).send(body);
  };
  app.get('/livez', liveness);
  app.get('/healthz', liveness);
  app.get('/readyz', async (_request, reply) => {
    const { code, body } = answer(await probes.ready());
    return reply.code(code).send(body);
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  await app.listen({ port, host: '0.0.0.0' });
  return { close: () => app.close() };
}
