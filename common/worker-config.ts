import fs from 'node:fs';
import { z } from 'zod';
import { serviceType } from '@tenant-deletion/contract';

/**
 * Worker and orchestration tuning, read from a JSON file (`workers/worker-config.json` by default,
 * WORKER_CONFIG to override). Each service type gets its own queue, slots, timeouts and retry policy:
 * a slow type gets long timeouts and few slots, a fast one many, and groups can put types in separate
 * processes so that a slow type cannot starve a fast one of CPU either.
 */

const positiveInt = z.number().int().positive();

export const retryPolicySchema = z.object({
  maxAttempts: positiveInt
    .default(8)
    .describe('Attempts of one delete, the first included, before the instance fails.'),
  initialIntervalMs: positiveInt
    .default(1_000)
    .describe('The wait before the first retry of a 429, 5xx, timeout or refused connection (a `Retry-After` wins).'),
  maxIntervalMs: positiveInt.default(60_000).describe('The longest wait between two attempts.'),
  backoffCoefficient: z.number().min(1).default(2).describe('Each wait is the previous one times this.'),
});

export const serviceTypeSettingsSchema = z.object({
  maxConcurrentActivities: positiveInt.default(20).describe("Activity slots of the type's worker."),
  maxConcurrentWorkflowTasks: positiveInt.default(20).describe("Workflow task slots of the type's worker."),
  deleteTimeoutSeconds: positiveInt.default(900).describe('One delete end to end, 202 polling included.'),
  heartbeatTimeoutSeconds: positiveInt.default(30).describe('A silent worker is declared dead after this.'),
  requestTimeoutSeconds: positiveInt.default(120).describe("One HTTP request's timeout; a timeout is retried."),
  pollIntervalMs: positiveInt.default(500).describe('202 polling: 50 ms, doubling up to this.'),
  retry: retryPolicySchema.default(retryPolicySchema.parse({})),
});

export type ServiceTypeSettings = z.infer<typeof serviceTypeSettingsSchema>;

export const orchestrationSettingsSchema = z.object({
  // Temporal refuses more than 2,000 pending children per workflow.
  maxChildrenInFlight: positiveInt
    .max(1_900)
    .default(200)
    .describe('Children running at once per tenant (at most 1,900).'),
  holdRecheckSeconds: z
    .number()
    .positive()
    .default(30)
    .describe('How long a held instance waits before it asks again; doubles each time.'),
  holdRecheckMaxSeconds: z
    .number()
    .positive()
    .default(3_600)
    .describe('The longest wait between two re-checks of a hold.'),
  holdContinueAsNewAfterEvents: positiveInt
    .min(100)
    .default(2_000)
    .describe("A held instance's history length that hands it to a new run (or when Temporal suggests it)."),
  continueAsNewAfterEvents: positiveInt
    .default(8_000)
    .describe("The tenant workflow's history length that triggers continue-as-new."),
  maxConcurrentWorkflowTasks: positiveInt.default(50).describe('Workflow task slots of the `tenant-deletion` worker.'),
  maxConcurrentActivities: positiveInt.default(50).describe('Activity slots of the `tenant-deletion` worker.'),
});

export type OrchestrationSettings = z.infer<typeof orchestrationSettingsSchema>;

export const workerConfigSchema = z.object({
  orchestration: orchestrationSettingsSchema.default(orchestrationSettingsSchema.parse({})),
  defaults: serviceTypeSettingsSchema.default(serviceTypeSettingsSchema.parse({})),
  serviceTypes: z
    .record(serviceType, serviceTypeSettingsSchema.partial())
    .default({})
    .describe('`serviceTypes.<type>`: any of the `defaults` keys, for one service type.'),
  groups: z
    .record(
      z.string().regex(/^[a-z0-9-]{1,40}$/, 'group names are 1-40 characters of a-z 0-9 -'),
      z.object({ orchestration: z.boolean().default(false), serviceTypes: z.array(serviceType).default([]) }),
    )
    .refine((groups) => Object.keys(groups).length > 0, 'at least one group is needed')
    .describe(
      '`groups.<name>`: `{ "orchestration": bool, "serviceTypes": [...] }`, the queues one process polls ' +
        '(`npm run worker -- --group <name>`; without `--group`, every group). At least one.',
    ),
  metricsPort: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(9464)
    .describe('Prometheus metrics of the SDK runtime (`--metrics-port 0` disables).'),
  /*
   * A process polls 25 queues with the fleet's twelve types (each type's deletions and previews, the orchestration):
   * with the SDK's fixed pollers that is some 400 long polls open whether or not there is work. Autoscaling showed no
   * gain in the quick bench here (docs/performance.md), so the SDK's default stays the default.
   */
  pollers: z
    .enum(['autoscaling', 'fixed'])
    .default('fixed')
    .describe(
      "How each queue is polled: `autoscaling` (from one poll up to the queue's slots, as the server's answers " +
        'show work waiting) or `fixed` (the SDK default: min(10, slots) polls always open).',
    ),
  /*
   * Temporal's shutdownGraceTime: activities still running after it are cancelled and retried elsewhere, a 202's
   * deletion resuming from the Location its heartbeats recorded.
   */
  shutdownGraceSeconds: z
    .number()
    .int()
    .min(0)
    .max(3_600)
    .default(60)
    .describe('On SIGTERM/SIGINT, how long running activities may finish (0 to 3,600); 0 cancels them at once.'),
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
