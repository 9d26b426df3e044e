import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { WorkerEnvironment } from './worker-environment';

/**
 * Worker Versioning: with a deployment name and build id, every Worker of the process polls as that Worker
 * Deployment Version, and Temporal sends it only what the deployment's current (or ramping) version should run, so
 * that a release is rolled out with `temporal worker deployment set-current-version` and rolled back by setting the
 * previous build current again.
 *
 * The default behaviour is AUTO_UPGRADE, not PINNED: a tenant deletion runs for weeks (grace periods, legal holds,
 * approvals, GDPR deadlines) and continues as new, and its children run on their own service queues. PINNED would
 * keep each run, and by inheritance its continued-as-new runs and its children, on the build that started it, so
 * every old build would have to keep running until its last tenant finished, and a fix could not reach the
 * deletions already running. AUTO_UPGRADE moves them to the current version at their next workflow task; the price
 * is the one this project already pays: a workflow change must replay old histories (`patched()`, checked by the
 * replay tests against recorded histories).
 */
export function workerDeploymentOptions(env: WorkerEnvironment): WorkerDeploymentOptions | undefined {
  const { TEMPORAL_WORKER_DEPLOYMENT_NAME: deploymentName, TEMPORAL_WORKER_BUILD_ID: buildId } = env;
  // The schema lets only both or neither through.
  if (deploymentName === undefined || buildId === undefined) return undefined;
  return {
    useWorkerVersioning: true,
    version: { deploymentName, buildId },
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  };
}

export function describeDeployment(options: WorkerDeploymentOptions | undefined): string {
  return options
    ? `Worker Deployment ${options.version.deploymentName}, build ${options.version.buildId} (default ${options.defaultVersioningBehavior})`
    : 'unversioned';
}
