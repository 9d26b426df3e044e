import fs from 'node:fs';
import { z } from 'zod';
import { serviceType } from './identifiers';

/**
 * Worker and orchestration tuning, read from a JSON file (`workers/worker-config.json` by default,
 * WORKER_CONFIG to override). Each service type gets its own queue, slots, timeouts and retry policy:
 * a slow type gets long timeouts and few slots, a fast one many, and groups can put types in separate
 * processes so that a slow type cannot starve a fast one of CPU either.
 */

const positiveInt = z.number().int().positive();

export const retryPolicySchema = z.object({
  maxAttempts: positiveInt.default(8),
  initialIntervalMs: positiveInt.default(1_000),
  maxIntervalMs: positiveInt.default(60_000),
  backoffCoefficient: z.number().min(1).default(2),
});

export const serviceTypeSettingsSchema = z.object({
  maxConcurrentActivities: positiveInt.default(20),
  maxConcurrentWorkflowTasks: positiveInt.default(20),
  /** How long one delete may take end to end, including 202 polling. */
  deleteTimeoutSeconds: positiveInt.default(900),
  heartbeatTimeoutSeconds: positiveInt.default(30),
  /** One HTTP request's timeout; a timeout is retried. */
  requestTimeoutSeconds: positiveInt.default(120),
  pollIntervalMs: positiveInt.default(500),
  retry: retryPolicySchema.default(retryPolicySchema.parse({})),
});

export type ServiceTypeSettings = z.infer<typeof serviceTypeSettingsSchema>;

export const orchestrationSettingsSchema = z.object({
  /** Temporal refuses more than 2,000 pending children per workflow. */
  maxChildrenInFlight: positiveInt.max(1_900).default(200),
  /** A held instance re-checks after this, doubling each time up to holdRecheckMaxSeconds. */
  holdRecheckSeconds: z.number().positive().default(30),
  holdRecheckMaxSeconds: z.number().positive().default(3_600),
  /** A held instance's run hands over to a new one beyond this many events (or when Temporal suggests it). */
  holdContinueAsNewAfterEvents: positiveInt.min(100).default(2_000),
  continueAsNewAfterEvents: positiveInt.default(8_000),
  maxConcurrentWorkflowTasks: positiveInt.default(50),
  maxConcurrentActivities: positiveInt.default(50),
});

export type OrchestrationSettings = z.infer<typeof orchestrationSettingsSchema>;

export const workerConfigSchema = z.object({
  orchestration: orchestrationSettingsSchema.default(orchestrationSettingsSchema.parse({})),
  defaults: serviceTypeSettingsSchema.default(serviceTypeSettingsSchema.parse({})),
  serviceTypes: z.record(serviceType, serviceTypeSettingsSchema.partial()).default({}),
  /** Which queues each worker process polls; `npm run worker` without --group runs them all. */
  groups: z
    .record(
      z.string().regex(/^[a-z0-9-]{1,40}$/, 'group names are 1-40 characters of a-z 0-9 -'),
      z.object({ orchestration: z.boolean().default(false), serviceTypes: z.array(serviceType).default([]) }),
    )
    .refine((groups) => Object.keys(groups).length > 0, 'at least one group is needed'),
  metricsPort: z.number().int().min(0).max(65_535).default(9464),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export class WorkerConfigError extends Error {
  constructor(file: string, problems: string[]) {
    super(`invalid worker config ${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'WorkerConfigError';
  }
}

export function parseWorkerConfig(json: unknown, file = '(inline)'): WorkerConfig {
  const parsed = workerConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new WorkerConfigError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

export function readWorkerConfig(file: string): WorkerConfig {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new WorkerConfigError(file, [(error as Error).message]);
  }
  return parseWorkerConfig(json, file);
}

export function settingsFor(config: WorkerConfig, type: string): ServiceTypeSettings {
  const override = config.serviceTypes[type] ?? {};
  return { ...config.defaults, ...override, retry: { ...config.defaults.retry, ...override.retry } };
}
