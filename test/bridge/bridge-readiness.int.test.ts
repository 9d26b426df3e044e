import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { type RunningBridge, startBridge } from '../../client/bridge/bridge';
import { loadBridgeConfig } from '../../client/bridge/bridge-config';
import { startBridgeHttp } from '../../client/bridge/bridge-http';
import { loadBridgeIdentity } from '../../client/bridge/bridge-identity';
import { BridgeMetrics } from '../../client/bridge/bridge-metrics';
import { notReady, ready } from '../../common/readiness';
import { temporalAccess } from '../../common/temporal-connection';
import { skipRequestBacklog } from '../../scripts/kafka-backlog';
import { freePort } from '../workers/worker-process';
import { until } from '../until';
import { BRIDGE_WAIT_MS, config } from './bridge-harness';

/**
 * The bridge's liveness and readiness over HTTP, as `npm run bridge` serves them, against the local stack's Kafka,
 * Temporal and PostgreSQL: /readyz is 503 until the consumer joined its group, 200 once it consumes with Temporal and
 * the ledger reachable, 503 while a second bridge's join rebalances the group and while Temporal or the ledger does
 * not answer. /livez (and its alias /healthz) stays 200 throughout.
 */

jest.setTimeout(300_000);

const run = randomBytes(4).toString('hex');
const UNREACHABLE_TEMPORAL = '127.0.0.1:1';
const UNREACHABLE_LEDGER = 'postgres://postgres@127.0.0.1:1/tenant_deletion';

interface Served {
  port: number;
  bridge: Promise<RunningBridge>;
  close(): Promise<void>;
}

/** A bridge on `groupId` with its HTTP endpoints, up before it connects (as main.ts starts them). */
async function serve(groupId: string, overrides: { temporal?: string; ledger?: string } = {}): Promise<Served> {
  const port = await freePort();
  const started: { bridge?: RunningBridge } = {};
  const metrics = new BridgeMetrics();
  const http = await startBridgeHttp(port, metrics, {
    live: () => started.bridge?.live() ?? ready('starting'),
    ready: async () => (started.bridge ? started.bridge.ready() : notReady('starting')),
  });
  const bridge = startBridge({
    config: { ...config, DATABASE_URL: overrides.ledger ?? config.DATABASE_URL },
    temporal: temporalAccess({ ...config, TEMPORAL_ADDRESS: overrides.temporal ?? config.TEMPORAL_ADDRESS }),
    identity: await loadBridgeIdentity({ TENANT_REGISTRY_URL: config.TENANT_REGISTRY_URL }),
    bridge: { ...loadBridgeConfig({}), BRIDGE_GROUP_ID: groupId },
    logger: pino({ level: 'silent' }),
    metrics,
  }).then((running) => (started.bridge = running));
  return {
    port,
    bridge,
    async close() {
      await (await bridge).close();
      await http.close();
    },
  };
}

async function get(port: number, route: string): Promise<{ status: number; detail: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
}

const READY = { status: 200, detail: 'consuming; Temporal and the ledger reachable' };
const LIVE = { status: 200, detail: 'running' };

describe('the bridge readiness, apart from its liveness', () => {
  it('is ready only once in its group, and not while a second bridge joining rebalances it', async () => {
    const groupId = `bridge-readiness-${run}`;
    await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
    const first = await serve(groupId);
    let second: Served | undefined;
    try {
      expect(await get(first.port, '/readyz')).toEqual({ status: 503, detail: expect.any(String) });
      await until(
        async () => (await get(first.port, '/readyz')).status === 200,
        'the first bridge ready',
        BRIDGE_WAIT_MS,
      );
      expect(await get(first.port, '/readyz')).toEqual(READY);
      expect(await get(first.port, '/livez')).toEqual(LIVE);
      expect(await get(first.port, '/healthz')).toEqual(LIVE);

      second = await serve(groupId);
      const seen = new Set<string>();
      await until(
        async () => {
          const answer = await get(first.port, '/readyz');
          seen.add(`${answer.status} ${answer.detail}`);
          const both = answer.status === 200 && (await get(second!.port, '/readyz')).status === 200;
          return both && seen.size > 1;
        },
        'the group to rebalance and both bridges to be ready',
        BRIDGE_WAIT_MS,
      );
      expect([...seen]).toContain('503 joining the consumer group');
      expect(await get(first.port, '/livez')).toEqual(LIVE);
    } finally {
      await second?.close();
      await first.close();
    }
  });

  it('is not ready while Temporal or the ledger does not answer, and stays live', async () => {
    for (const [overrides, reason] of [
      [{ temporal: UNREACHABLE_TEMPORAL }, /^Temporal (unreachable|did not answer)/],
      [{ ledger: UNREACHABLE_LEDGER }, /^PostgreSQL \(ledger\) unreachable/],
    ] as const) {
      const groupId = `bridge-readiness-${run}-${Object.keys(overrides)[0]}`;
      await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
      const served = await serve(groupId, overrides);
      try {
        const bridge = await served.bridge;
        await until(() => bridge.health().ok, 'the bridge to consume', BRIDGE_WAIT_MS);
        expect(await get(served.port, '/readyz')).toEqual({ status: 503, detail: expect.stringMatching(reason) });
        expect(await get(served.port, '/livez')).toEqual(LIVE);
        expect(await get(served.port, '/healthz')).toEqual(LIVE);
      } finally {
        await served.close();
      }
    }
  });
});
