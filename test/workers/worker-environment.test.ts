import { workerDeploymentOptions } from '../../workers/worker-deployment';
import { loadWorkerEnvironment } from '../../workers/worker-environment';
import { configError } from '../config-error';

describe("the worker's environment", () => {
  it('is unversioned, with the default health port and a 30 s compliance refresh, when nothing is set', () => {
    const env = loadWorkerEnvironment({});
    expect(env).toEqual({ COMPLIANCE_METRICS_INTERVAL_SECONDS: 30 });
    expect(workerDeploymentOptions(env)).toBeUndefined();
  });

  it('takes a compliance refresh interval in seconds and refuses one that is not above 0', () => {
    expect(
      loadWorkerEnvironment({ COMPLIANCE_METRICS_INTERVAL_SECONDS: '1.5' }).COMPLIANCE_METRICS_INTERVAL_SECONDS,
    ).toBe(1.5);
    for (const value of ['0', 'soon']) {
      expect(
        configError(() => loadWorkerEnvironment({ COMPLIANCE_METRICS_INTERVAL_SECONDS: value })).message,
      ).toContain('COMPLIANCE_METRICS_INTERVAL_SECONDS');
    }
  });

  it('versions every Worker as the deployment and build, auto-upgrading by default', () => {
    const env = loadWorkerEnvironment({
      TEMPORAL_WORKER_DEPLOYMENT_NAME: 'tenant-deletion',
      TEMPORAL_WORKER_BUILD_ID: '2026.12.01-3f2a9c1',
    });
    expect(workerDeploymentOptions(env)).toEqual({
      useWorkerVersioning: true,
      version: { deploymentName: 'tenant-deletion', buildId: '2026.12.01-3f2a9c1' },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
  });

  it.each([
    [
      { TEMPORAL_WORKER_DEPLOYMENT_NAME: 'tenant-deletion' },
      'TEMPORAL_WORKER_BUILD_ID is not set, but TEMPORAL_WORKER_DEPLOYMENT_NAME is',
    ],
    [{ TEMPORAL_WORKER_BUILD_ID: 'b1' }, 'TEMPORAL_WORKER_DEPLOYMENT_NAME is not set, but TEMPORAL_WORKER_BUILD_ID is'],
  ])('refuses one of the pair without the other, naming both (%j)', (env, message) => {
    expect(configError(() => loadWorkerEnvironment(env)).message).toContain(message);
  });

  it('refuses a deployment name with a dot (Temporal joins name and build with one) and a bad port', () => {
    const problems = configError(() =>
      loadWorkerEnvironment({
        TEMPORAL_WORKER_DEPLOYMENT_NAME: 'tenant.deletion',
        TEMPORAL_WORKER_BUILD_ID: 'b1',
        WORKER_HEALTH_PORT: '70000',
      }),
    ).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^WORKER_HEALTH_PORT must be a port/),
      expect.stringMatching(/^TEMPORAL_WORKER_DEPLOYMENT_NAME must be .*\(no dot\)/),
    ]);
  });

  it('reads WORKER_HEALTH_PORT, 0 included (disabled)', () => {
    expect(loadWorkerEnvironment({ WORKER_HEALTH_PORT: '9500' }).WORKER_HEALTH_PORT).toBe(9500);
    expect(loadWorkerEnvironment({ WORKER_HEALTH_PORT: '0' }).WORKER_HEALTH_PORT).toBe(0);
  });
});
