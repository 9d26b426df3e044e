import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { serviceTaskQueue } from '@tenant-deletion/contract';
import { loadConfig } from '../../common/config';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { parseWorkerConfig, settingsFor } from '../../common/worker-config';
import type { InstanceDeletionInput } from '../../workflows/service-instance-deletion-workflow';
import { until } from '../until';
import { startWorker, uniqueServiceType, type WorkerProcess } from './worker-process';

/**
 * Worker Versioning against the local stack's Temporal (the dev server of Temporal CLI 1.5.1, server 1.29.1, needs
 * no dynamic config for it): a worker with TEMPORAL_WORKER_DEPLOYMENT_NAME and TEMPORAL_WORKER_BUILD_ID polls as
 * that Worker Deployment Version, `temporal worker deployment set-current-version` makes it current, and a workflow
 * then runs on it, AUTO_UPGRADE. Deployment and queue are this run's own, so the stack's other workers are untouched.
 */

jest.setTimeout(300_000);

const TEMPORAL_CLI = path.join(os.homedir(), '.cache/tenant-deletion/bin/temporal');
const run = promisify(execFile);

const config = loadConfig();
let client: Client;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  client = await connectTemporalClient(temporalAccess(config));
});
afterAll(async () => {
  worker?.stop();
  await client?.connection.close();
});

/** The CLI against the same frontend; a version registers a moment after its first poll, so this is retried. */
async function setCurrentVersion(deploymentName: string, buildId: string): Promise<void> {
  const args = ['worker', 'deployment', 'set-current-version', '--deployment-name', deploymentName];
  const target = ['--build-id', buildId, '--yes', '--address', config.TEMPORAL_ADDRESS];
  let last = '';
  await until(
    () =>
      run(TEMPORAL_CLI, [...args, ...target, '--namespace', config.TEMPORAL_NAMESPACE]).then(
        () => true,
        (error: Error & { stderr?: string }) => ((last = error.stderr ?? error.message), false),
      ),
    `set-current-version to succeed (last: ${last})`,
    60_000,
  );
}

function instanceInput(serviceType: string): InstanceDeletionInput {
  return {
    tenantId: 'versioning-test',
    serviceInstanceId: `${serviceType}-1`,
    serviceType,
    // Nothing listens there: the deletion is retried, which keeps the workflow open while its version is read.
    baseUrl: 'http://127.0.0.1:9/api/v1/nothing',
    traceId: `versioning-${serviceType}`,
    requestIds: [`versioning-${serviceType}`],
    run: 1,
    idempotencyKey: `versioning-${serviceType}`,
    holdRecheckSeconds: 30,
    holdRecheckMaxSeconds: 300,
    holdContinueAsNewAfterEvents: 8000,
    settings: settingsFor(parseWorkerConfig({ groups: { probe: { serviceTypes: [serviceType] } } }), serviceType),
  };
}

describe('Worker Versioning', () => {
  it('a versioned worker polls, becomes the current version, and a workflow runs on it AUTO_UPGRADE', async () => {
    const deploymentName = `tdel-test-${randomBytes(4).toString('hex')}`;
    const buildId = `build-${randomBytes(3).toString('hex')}`;
    const serviceType = uniqueServiceType('versioned');
    worker = startWorker({
      serviceType,
      args: ['--health-port', '0'],
      env: { TEMPORAL_WORKER_DEPLOYMENT_NAME: deploymentName, TEMPORAL_WORKER_BUILD_ID: buildId },
    });
    await worker.polling;
    expect(worker.output()).toContain(`Worker Deployment ${deploymentName}, build ${buildId} (default AUTO_UPGRADE)`);

    await setCurrentVersion(deploymentName, buildId);
    const described = await run(TEMPORAL_CLI, [
      ...['worker', 'deployment', 'describe', '--name', deploymentName, '--output', 'json'],
      ...['--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE],
    ]);
    expect(JSON.parse(described.stdout)).toMatchObject({
      routingConfig: { currentVersionBuildID: buildId, currentVersionDeploymentName: deploymentName },
    });

    const handle = await client.workflow.start('ServiceInstanceDeletionWorkflow', {
      taskQueue: serviceTaskQueue(serviceType),
      workflowId: `versioning-test:${serviceType}`,
      args: [instanceInput(serviceType)],
    });
    try {
      let versioning: temporal.api.workflow.v1.IWorkflowExecutionVersioningInfo | null | undefined;
      await until(
        async () => {
          versioning = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
          return Boolean(versioning?.deploymentVersion);
        },
        'the first workflow task to complete on the versioned worker',
        60_000,
      );
      expect(versioning).toMatchObject({
        behavior: temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
        deploymentVersion: { deploymentName, buildId },
      });
    } finally {
      await handle.terminate('versioning test done');
    }
  });

  it('refuses a deployment name without a build id: exit 2, naming both', async () => {
    const refused = startWorker({
      serviceType: uniqueServiceType('versioned'),
      env: { TEMPORAL_WORKER_DEPLOYMENT_NAME: 'tenant-deletion', TEMPORAL_WORKER_BUILD_ID: '' },
    });
    expect((await refused.exited).code).toBe(2);
    expect(refused.output()).toContain(
      'TEMPORAL_WORKER_BUILD_ID is not set, but TEMPORAL_WORKER_DEPLOYMENT_NAME is: Worker Versioning needs both, or neither',
    );
  });
});
