import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import {
  FAILURE_TYPES,
  serviceInstanceWorkflowId,
  tenantWorkflowId,
  type ControlResult,
  type DeletionRequest,
  type FailureType,
  type TenantProgress,
} from '@tenant-deletion/contract';
import { serviceFailure } from '../activities/service-failures';
import { requestDeletion, progressQuery } from '@tenant-deletion/client';
import { approveDeletionUpdate, cancelDeletionUpdate, retryFailedDeletionUpdate } from '../workflows/signals';
import { startTestEnvironment } from '../test/workflows/temporal-test-env';
import { until } from '../test/until';

/**
 * Records the histories that test/workflows/history-replay.test.ts replays: each important path of the tenant
 * workflow (and two of its children), run to its end by today's code on a private dev server with the fake fleet.
 * Payloads are plain (PAYLOAD_CODEC=off) and ids are fixed `replay-…` ones, so a re-run rewrites the same files
 * with only times and run ids changed, and no history holds PII or needs a key to read.
 *
 *   npm run histories:record
 */

process.env.PAYLOAD_CODEC = 'off';
const HISTORIES = path.join(__dirname, '..', 'test', 'workflows', 'histories');
const SCENARIO_DEADLINE_MS = 60_000;
/**
 * Every request says when it was made (as the bridge's and the CLI's do), so that admission asks the registry when
 * the tenant was created; the fake registry created each tenant at TENANT_CREATED_AT, unless a scenario says otherwise.
 */
const REQUESTED_AT = '2026-02-11T12:00:00.000Z';
const TENANT_CREATED_AT = '2026-01-05T09:00:00.000Z';

type Harness = Awaited<ReturnType<typeof startTestEnvironment>>;
/** A closed run to write as `<file>.json`; without a runId, the workflow id's latest run. */
interface Recording {
  file: string;
  workflowId: string;
  runId?: string;
}
interface Scenario {
  name: string;
  run(harness: Harness): Promise<Recording[]>;
}

function request(tenantId: string, extra: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId: `${tenantId}-request`,
    tenantId,
    requestedBy: 'admin-1',
    traceId: `${tenantId}-trace`,
    gdprMode: false,
    dryRun: false,
    requestedAt: REQUESTED_AT,
    ...extra,
  };
}

type Handle = Awaited<ReturnType<typeof requestDeletion>>;

/** Deletes `tenantId` (app-1 needs db-1) while `steer` drives the workflow, and checks how it ended. */
async function deletion(
  harness: Harness,
  tenantId: string,
  expected: TenantProgress['status'],
  {
    steer = async () => {},
    extra = {},
  }: { steer?: (handle: Handle) => Promise<void>; extra?: Partial<DeletionRequest> },
): Promise<void> {
  harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1']]);
  if (!harness.fleet.createdAt.has(tenantId)) harness.fleet.createdAt.set(tenantId, TENANT_CREATED_AT);
  const handle = await requestDeletion(harness.client, request(tenantId, extra));
  await steer(handle);
  const { status } = await handle.result();
  if (status !== expected) throw new Error(`${tenantId} ended ${status}, expected ${expected}`);
}

const progressOf = (handle: Handle) => handle.query(progressQuery);

/** Runs a control Update as `tdel cancel|retry|approve` does (its optional selection given, as an empty one). */
function control<Input>(handle: Handle, update: UpdateDefinition<ControlResult, [Input?]>, input: Input) {
  return handle.executeUpdate(update as UpdateDefinition<ControlResult, [Input]>, { args: [input] });
}

/** A steer that waits until the workflow shows `status`, then acts. */
function when(status: TenantProgress['status'], act: (handle: Handle) => unknown) {
  return async (handle: Handle) => {
    await until(async () => (await progressOf(handle)).status === status, status);
    await act(handle);
  };
}

/** `instance` of `tenantId` answers every delete with `type` until the returned function lifts it. */
function failUntilLifted(harness: Harness, tenantId: string, instance: string, type: FailureType, what: string) {
  let failing = true;
  harness.fleet.behave(tenantId, instance, async (_input, attempt) => {
    if (failing) throw serviceFailure(type, `${instance} answered DELETE: ${what}`, { attempt });
    return { rows: 1 };
  });
  return () => void (failing = false);
}

const SCENARIOS: Scenario[] = [
  {
    name: 'whole-tenant GDPR deletion, completed',
    async run(harness) {
      await deletion(harness, 'replay-gdpr', 'COMPLETED', { extra: { gdprMode: true } });
      return [
        { file: 'whole-tenant-gdpr', workflowId: tenantWorkflowId('replay-gdpr') },
        { file: 'whole-tenant-gdpr-child', workflowId: serviceInstanceWorkflowId('replay-gdpr', 'db-1') },
      ];
    },
  },
  {
    name: 'approval threshold: AWAITING_APPROVAL, approveDeletion, completed',
    async run(harness) {
      harness.fleet.guardRails = { approvalThresholdRecords: 10, gracePeriodSeconds: 0 };
      await deletion(harness, 'replay-approval', 'COMPLETED', {
        steer: when('AWAITING_APPROVAL', (handle) =>
          control(handle, approveDeletionUpdate, { approvedBy: 'approver-1' }),
        ),
      });
      return [{ file: 'approval-approved', workflowId: tenantWorkflowId('replay-approval') }];
    },
  },
  {
    name: 'grace period: cancelDeletion during the grace, tenant restored',
    async run(harness) {
      harness.fleet.guardRails = { approvalThresholdRecords: null, gracePeriodSeconds: 3_600 };
      await deletion(harness, 'replay-grace', 'CANCELLED', {
        steer: async (handle) => {
          await until(async () => typeof (await progressOf(handle)).requests[0]?.graceEndsAt === 'number', 'the grace');
          await control(handle, cancelDeletionUpdate, {});
        },
      });
      return [{ file: 'grace-cancelled', workflowId: tenantWorkflowId('replay-grace') }];
    },
  },
  {
    name: 'legal hold: a child ON_HOLD, then released, completed',
    async run(harness) {
      const lift = failUntilLifted(harness, 'replay-hold', 'db-1', FAILURE_TYPES.legalHold, 'legal hold (case 7)');
      await deletion(harness, 'replay-hold', 'COMPLETED', {
        steer: when('ON_HOLD', lift),
      });
      return [
        { file: 'legal-hold', workflowId: tenantWorkflowId('replay-hold') },
        { file: 'legal-hold-child', workflowId: serviceInstanceWorkflowId('replay-hold', 'db-1') },
      ];
    },
  },
  {
    name: 'a refusal, FAILED, then retryFailedDeletion, completed',
    async run(harness) {
      const fix = failUntilLifted(harness, 'replay-retry', 'app-1', FAILURE_TYPES.rejected, 'schema drift');
      await deletion(harness, 'replay-retry', 'COMPLETED', {
        steer: when('FAILED', (handle) => {
          fix();
          return control(handle, retryFailedDeletionUpdate, {});
        }),
      });
      return [{ file: 'retry-failed', workflowId: tenantWorkflowId('replay-retry') }];
    },
  },
  {
    name: "a request older than the tenant's re-creation in the registry, rejected",
    async run(harness) {
      harness.fleet.createdAt.set('replay-recreated', '2026-03-01T08:00:00.000Z');
      await deletion(harness, 'replay-recreated', 'REJECTED', {});
      return [{ file: 'recreated-tenant-rejected', workflowId: tenantWorkflowId('replay-recreated') }];
    },
  },
];

/**
 * The chain's threshold lies between the task that launches its children (about event 40) and the first child's
 * outcome (about event 52). A run that continues as new in the very task that starts children loses them (the
 * server does not start a child whose parent closed in that task), so the chain's instances are independent: all
 * start in one task, and none is launched by the task that hands over.
 */
const CONTINUE_AS_NEW_AFTER_EVENTS = 50;

/**
 * Run 1 continues as new after db-1's outcome, with db-2..db-4 still deleting; they finish only once run 2 runs,
 * and their outcomes reach it by the tenant's workflow id. Each run is recorded by its run id.
 */
async function continueAsNewChain(harness: Harness): Promise<Recording[]> {
  const tenantId = 'replay-continue-as-new';
  harness.fleet.addTenant(tenantId, [['db-1'], ['db-2'], ['db-3'], ['db-4']]);
  harness.fleet.createdAt.set(tenantId, TENANT_CREATED_AT);
  let handOver!: () => void;
  const handedOver = new Promise<void>((resolve) => (handOver = resolve));
  for (const id of ['db-2', 'db-3', 'db-4']) {
    harness.fleet.behave(tenantId, id, () => handedOver.then(() => ({ rows: 2 })));
  }
  const handle = await requestDeletion(harness.client, request(tenantId));
  const current = harness.client.workflow.getHandle(handle.workflowId);
  await until(async () => (await current.describe()).runId !== handle.signaledRunId, 'run 1 to continue as new');
  handOver();
  const { status } = await handle.result();
  if (status !== 'COMPLETED') throw new Error(`${tenantId} ended ${status}, expected COMPLETED`);
  const runs: Recording[] = [];
  for (
    let runId: string | undefined = handle.signaledRunId;
    runId;
    runId = await continuedAs(harness.client, handle.workflowId, runId)
  ) {
    runs.push({ file: `continue-as-new-run-${runs.length + 1}`, workflowId: handle.workflowId, runId });
  }
  return runs;
}

/** The run that `runId` continued as, if it did. */
async function continuedAs(client: Client, workflowId: string, runId: string): Promise<string | undefined> {
  const { events = [] } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return events?.[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
}

interface Fetched {
  file: string;
  json: string;
  events: number;
}

async function fetchHistory(client: Client, { file, workflowId, runId }: Recording): Promise<Fetched> {
  const handle = client.workflow.getHandle(workflowId, runId, { followRuns: false });
  await handle.result().catch(() => undefined); // a child may still be closing after its parent has ended
  const history = await handle.fetchHistory();
  return { file: `${file}.json`, json: `${historyToJSON(history)}\n`, events: history.events?.length ?? 0 };
}

/** A scenario that does not end in time fails the recording, naming itself, instead of hanging it. */
async function withinDeadline(scenario: Scenario, harness: Harness): Promise<Recording[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${scenario.name}: not done in ${SCENARIO_DEADLINE_MS} ms`)),
      SCENARIO_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([scenario.run(harness), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs scenarios on one private server whose fleet has these orchestration settings, and fetches their histories. */
async function record(
  orchestration: Parameters<typeof startTestEnvironment>[0],
  scenarios: Scenario[],
): Promise<Fetched[]> {
  const harness = await startTestEnvironment(orchestration);
  try {
    const fetched: Fetched[] = [];
    for (const scenario of scenarios) {
      console.log(`recording: ${scenario.name}`);
      for (const recording of await withinDeadline(scenario, harness)) {
        fetched.push(await fetchHistory(harness.client, recording));
      }
      harness.fleet.guardRails = { approvalThresholdRecords: null, gracePeriodSeconds: 0 };
    }
    return fetched;
  } finally {
    await harness.teardown();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const histories = [
    ...(await record({}, SCENARIOS)),
    ...(await record({ continueAsNewAfterEvents: CONTINUE_AS_NEW_AFTER_EVENTS }, [
      { name: 'continue-as-new chain, completed', run: continueAsNewChain },
    ])),
  ];
  // The set is replaced only once every scenario has been recorded: a failed run leaves the old one in place.
  mkdirSync(HISTORIES, { recursive: true });
  for (const old of readdirSync(HISTORIES).filter((file) => file.endsWith('.json'))) rmSync(path.join(HISTORIES, old));
  for (const { file, json } of histories) writeFileSync(path.join(HISTORIES, file), json);
  console.log(`wrote ${histories.length} histories in ${((Date.now() - started) / 1_000).toFixed(1)} s:`);
  for (const { file, json, events } of histories) {
    console.log(
      `  ${path.relative(process.cwd(), path.join(HISTORIES, file))}: ${events} events, ${json.length} bytes`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
