import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { deletionRequestSchema, type DeletionRequest, type TenantDeletionResult } from '@tenant-deletion/contract';
import type { LoadedInventory } from '../activities/tenant-activities';
import { admitQueued, checkIncoming } from './admission';
import { finalizeIfDone } from './finalization';
import { launch } from './instance-launcher';
import { orchestration } from './orchestration-activities';
import { deliver } from './outbox-delivery';
import { TENANT_ID } from '@tenant-deletion/client/search-attributes';
import { countTenantDeletionFinished } from '../common/metrics/workflow-counters';
import { StatusDisplay } from './status-display';
import { handleTenantMessages } from './tenant-handlers';
import { TenantState, type CarriedState } from './tenant-state';

export type TenantDeletionInput = DeletionRequest & { carried?: CarriedState };

/** A run hands over to a new one beyond these, or when Temporal suggests it (50 MB and 10,000 signals are hard caps). */
const HISTORY_BYTES_BUDGET = 10 * 1024 * 1024;
const SIGNALS_BUDGET = 4_000;

/**
 * Deletes a tenant's data across its service instances. All requests for one tenant meet here (signal-with-start):
 * each is checked against the inventory and the ledger, admitted (or held for approval), and its instances are
 * deleted by one child each, in dependency order, as many at once as the window allows. When a request completes
 * the tenant is finalized; the workflow ends when nothing runs and nothing waits for an admin.
 */
export async function TenantDeletionWorkflow(input: TenantDeletionInput): Promise<TenantDeletionResult> {
  const { carried, ...request } = input;
  const valid = deletionRequestSchema.safeParse(request);
  if (!valid.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid deletion request for ${workflowInfo().workflowId}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      'InvalidRequest',
    );
  }
  const state = new TenantState(request.tenantId, carried);
  if (!carried) state.receive(valid.data);
  const now = () => Date.now();
  let signals = 0;
  let changed = false;
  handleTenantMessages(state, now, () => {
    signals += 1;
    changed = true;
  });
  upsertSearchAttributes([{ key: TENANT_ID, value: request.tenantId }]);
  const display = new StatusDisplay();
  const starting = new Set<Promise<void>>();

  let loaded: LoadedInventory = await load();
  try {
    for (;;) {
      await condition(() => changed || hasWork(), untilGraceEnds());
      changed = false;
      if (state.incoming.length > 0) {
        if (inventoryMayBeStale()) loaded = await load();
        await checkIncoming(state, loaded);
      }
      await admitQueued(state, loaded, now);
      for (const requestId of state.graceEnded(now())) state.admit(requestId);
      const room = loaded.orchestration.maxChildrenInFlight - state.running();
      for (const instance of state.ready(room)) {
        const started = launch(state, instance, loaded, now);
        starting.add(started);
        void started.then(() => starting.delete(started));
      }
      await deliver(state);
      state.settleRequests();
      await finalizeIfDone(state);
      display.show(state);

      if (done()) {
        await condition(allHandlersFinished);
        if (done()) {
          countTenantDeletionFinished(state.status());
          return state.result();
        }
      }
      if (timeForNewRun(loaded)) {
        await Promise.all(starting);
        await condition(allHandlersFinished);
        await deliver(state);
        await continueAsNew<typeof TenantDeletionWorkflow>({ ...request, carried: state.carried() });
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(windDown);
      countTenantDeletionFinished(state.status());
    }
    throw error;
  }

  /** Cancelling the workflow (the Web UI's Cancel) is a whole-tenant `cancel`, reported like any other. */
  async function windDown(): Promise<void> {
    state.cancel({}, now());
    while (state.running() > 0 || state.hasOutbox()) {
      await deliver(state);
      await condition(() => state.running() === 0 || state.hasOutbox());
    }
    state.settleRequests();
    display.show(state);
  }

  async function load(): Promise<LoadedInventory> {
    const inventory = await orchestration.loadInventory(request.tenantId);
    state.useInventory(inventory.instances);
    return inventory;
  }

  /**
   * A whole-tenant request must see instances added since the last load; a request for known instances need not
   * reload (at 5,000 instances the inventory is over 1 MB of history each time).
   */
  function inventoryMayBeStale(): boolean {
    return state.incoming.some(
      (incoming) => !incoming.instances || incoming.instances.some((id) => !state.inventoryInstance(id)),
    );
  }

  function hasWork(): boolean {
    return (
      state.incoming.length > 0 ||
      state.toAdmit.length > 0 ||
      state.hasOutbox() ||
      state.graceEnded(now()).length > 0 ||
      (state.running() < loaded.orchestration.maxChildrenInFlight && state.ready(1).length > 0) ||
      state.toFinalize().length > 0 ||
      done()
    );
  }

  function untilGraceEnds(): number | undefined {
    const end = state.nextGraceEnd();
    return end === null ? undefined : Math.max(1, end - now());
  }

  function done(): boolean {
    return !state.active() && !state.hasOutbox() && state.toFinalize().length === 0 && !state.waitsForAdmin();
  }

  function timeForNewRun(settings: LoadedInventory): boolean {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      info.historySize > HISTORY_BYTES_BUDGET ||
      info.historyLength > settings.orchestration.continueAsNewAfterEvents ||
      signals > SIGNALS_BUDGET
    );
  }
}
