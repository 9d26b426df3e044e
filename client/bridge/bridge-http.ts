import Fastify from 'fastify';
import type { BridgeMetrics } from './bridge-metrics';

/** `/healthz` (200 while consuming, 503 while joining or waiting for a dependency) and Prometheus `/metrics`. */
export async function startBridgeHttp(
  port: number,
  metrics: BridgeMetrics,
  health: () => { ok: boolean; detail: string },
): Promise<{ close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_request, reply) => {
    const { ok, detail } = health();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', detail });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  await app.listen({ port, host: '0.0.0.0' });
  return { close: () => app.close() };
}
