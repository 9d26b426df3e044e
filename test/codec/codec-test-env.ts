import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { CodecKey } from '../../common/codec-keys';
import { dataConverter } from '../../common/data-converter';
import { stackPaths } from '../../common/stack-paths';
import { temporalBinary } from '../../scripts/stack/temporal';
import * as activities from './codec-activities';
import { startTestCodecServer } from './test-codec-server';

/**
 * A private Temporal dev server (the stack's CLI binary) whose Web UI decodes through a codec server, workers and
 * clients using the payload codec, and a raw client without it, to see what Temporal actually stores.
 */

export const TASK_QUEUE = 'codec-test';

export function codecKey(id: string): CodecKey {
  return { id, key: randomBytes(32) };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startCodecEnvironment(options: { ui?: boolean; keys?: CodecKey[] } = {}) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const keys = options.keys ?? [codecKey('test-key-1')];
  const uiPort = options.ui ? await freePort() : undefined;

  const { server: codecServer, endpoint: codecEndpoint } = await startTestCodecServer(
    keys,
    uiPort ? `http://localhost:${uiPort}` : undefined,
  );

  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary(stackPaths()) },
      extraArgs: ['--log-level', 'error', '--ui-codec-endpoint', codecEndpoint],
      ...(uiPort && { uiPort }),
    },
  });

  const workers: { worker: Worker; running: Promise<void> }[] = [];
  /** A worker whose codec has these keys (the first encrypts). */
  async function startWorker(workerKeys: CodecKey[] = keys) {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./codec-workflows'),
      activities,
      dataConverter: dataConverter({ enabled: true, keys: workerKeys, source: 'test' }),
    });
    const started = { worker, running: worker.run() };
    workers.push(started);
    return {
      async stop() {
        worker.shutdown();
        await started.running;
      },
    };
  }
  /** A client whose codec has these keys, as the orchestrator's clients have. */
  function clientWith(clientKeys: CodecKey[] = keys): Client {
    return new Client({
      connection: env.connection,
      namespace: 'default',
      dataConverter: dataConverter({ enabled: true, keys: clientKeys, source: 'test' }),
    });
  }

  return {
    keys,
    startWorker,
    clientWith,
    /** Does not use the codec: sees the payloads as Temporal stores them. */
    rawClient: env.client,
    frontendAddress: env.address,
    codecEndpoint,
    uiUrl: uiPort ? `http://localhost:${uiPort}` : undefined,
    codecServer,
    async teardown() {
      for (const { worker, running } of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      }
      await codecServer.close();
      await env.teardown();
    },
  };
}
