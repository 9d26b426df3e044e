import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { loadPayloadCodecConfig } from '../../common/codec-keys';
import { dataConverter } from '../../common/data-converter';
import { stackPaths } from '../../common/stack-paths';
import { temporalBinary } from '../../scripts/stack/temporal';
import { SEARCH_ATTRIBUTE_KEYS } from '@tenant-deletion/client/search-attributes';
import { createWorkerPool } from '../../workers/worker-pool';
import { startTestCodecServer } from '../codec/test-codec-server';
import { FakeFleet, fakeWorkerConfig } from './fake-fleet';

type OrchestrationActivities = ReturnType<FakeFleet['tenantActivities']>;

/**
 * A private Temporal dev server (the stack's own CLI binary: @temporalio/testing cannot download one here) with
 * the contract's search attributes, and the real worker pool running the fake fleet's activities. Payloads are
 * encrypted with the codec every program uses (the local stack's key unless PAYLOAD_CODEC_KEYS says otherwise), so
 * that `tdel` spawned against this server reads them; with a Web UI, the UI decodes through a codec server.
 */
export async function startTestEnvironment(
  orchestration: Parameters<typeof fakeWorkerConfig>[0] = {},
  server: { uiPort?: number } = {},
  /** Replaces some of the fake orchestration activities, e.g. the ledger's with the real ones on PostgreSQL. */
  activities: (fake: OrchestrationActivities) => OrchestrationActivities = (fake) => fake,
) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const codec = loadPayloadCodecConfig();
  const converter = dataConverter(codec);
  const codecServer =
    server.uiPort && codec.enabled
      ? await startTestCodecServer(codec.keys, `http://localhost:${server.uiPort}`)
      : undefined;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary(stackPaths()) },
      searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
      extraArgs: ['--log-level', 'error', ...(codecServer ? ['--ui-codec-endpoint', codecServer.endpoint] : [])],
      ...server,
    },
    client: { dataConverter: converter },
  });
  const fleet = new FakeFleet(fakeWorkerConfig(orchestration));
  const workers: Worker[] = await createWorkerPool({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    dataConverter: converter,
    config: fleet.workerConfig,
    groups: [],
    tenantActivities: activities(fleet.tenantActivities()),
    instanceActivities: fleet.instanceActivities(),
  });
  const running = workers.map((worker) => worker.run());
  return {
    env,
    client: env.client,
    fleet,
    async teardown() {
      workers.forEach((worker) => worker.shutdown());
      await Promise.all(running);
      await env.teardown();
      await codecServer?.server.close();
    },
  };
}
