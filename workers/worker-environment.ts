import { z } from 'zod';
import { parseEnvironment } from '../common/config';

/**
 * The worker process's own variables, beside those every program reads (common/config.ts) and the worker config
 * file (common/worker-config.ts): its health endpoints, its Worker Deployment Version and how often the orchestration
 * worker's compliance gauges are refreshed.
 */

/** Temporal names a version `<deployment>.<buildId>`, so a deployment name holds no dot. */
const deploymentName = z
  .string()
  .regex(/^[A-Za-z0-9_/:-]{1,255}$/, 'must be 1-255 characters of A-Z a-z 0-9 _ / : - (no dot)');

const buildId = z
  .string()
  .regex(/^[A-Za-z0-9._:+/-]{1,255}$/, 'must be 1-255 characters of A-Z a-z 0-9 . _ : + / -, e.g. a commit sha');

export const WORKER_HEALTH_PORT_DEFAULT = 9467;

export const workerEnvironmentSchema = z
  .object({
    WORKER_HEALTH_PORT: z.coerce
      .number({ error: 'must be a port' })
      .int('must be a port')
      .min(0, 'must be a port')
      .max(65_535, 'must be a port')
      .optional()
      .describe(
        `The worker's \`/livez\` and \`/readyz\` port (\`--health-port\` overrides it); 0 disables them. Unset: ` +
          `${WORKER_HEALTH_PORT_DEFAULT}, or none when another process already holds it (a second worker on a laptop).`,
      ),
    TEMPORAL_WORKER_DEPLOYMENT_NAME: deploymentName
      .optional()
      .describe(
        'Worker Versioning: the Worker Deployment every Worker of the process joins, e.g. `tenant-deletion`; ' +
          'set with `TEMPORAL_WORKER_BUILD_ID`, both or neither. Unset: unversioned workers.',
      ),
    TEMPORAL_WORKER_BUILD_ID: buildId
      .optional()
      .describe(
        "Worker Versioning: this build's id within the deployment (the image tag or commit); a new one per release.",
      ),
    COMPLIANCE_METRICS_INTERVAL_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .positive('must be a number of seconds above 0')
      .default(30)
      .describe(
        'How often a worker running the orchestration group refreshes its compliance gauges from Temporal and the ' +
          'ledger ([metrics.md](metrics.md)).',
      ),
  })
  .superRefine((env, ctx) => {
    const name = env.TEMPORAL_WORKER_DEPLOYMENT_NAME !== undefined;
    const build = env.TEMPORAL_WORKER_BUILD_ID !== undefined;
    if (name !== build) {
      const [missing, present] = name
        ? ['TEMPORAL_WORKER_BUILD_ID', 'TEMPORAL_WORKER_DEPLOYMENT_NAME']
        : ['TEMPORAL_WORKER_DEPLOYMENT_NAME', 'TEMPORAL_WORKER_BUILD_ID'];
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `is not set, but ${present} is: Worker Versioning needs both, or neither`,
      });
    }
  });

export type WorkerEnvironment = z.infer<typeof workerEnvironmentSchema>;

export function loadWorkerEnvironment(env: NodeJS.ProcessEnv = process.env): WorkerEnvironment {
  return parseEnvironment(workerEnvironmentSchema, env);
}
