/**
 * TenantState without Temporal: the calls the tenant workflow makes (receive, accept, admit, ready, started,
 * finish, settleRequests, the controls, carried()), in the order the main loop and the handlers make them, checked
 * by example and, for random dependency graphs and random child outcomes, by fast-check (`FUZZ_SEED=<n>` replays).
 *
 * Tests named "known bug" are jest `failing` tests: each states what the code should do and passes only while it
 * does not; once the bug is fixed jest reports it, and it becomes a plain test.
 */
import fc from 'fast-check';
import type {
  DeletionRequest,
  InstanceDeletionOutcome,
  InstanceState,
  ServiceInstance,
} from '@tenant-deletion/contract';
import { decodeCarried } from '../../workflows/carried-state';
import type { Outbox } from '../../workflows/outbox';
import { ControlRefused, TenantState } from '../../workflows/tenant-state';
import { fuzzSeed } from '../fuzz-seed';

const TENANT = 'acme';
const NOW = 1_767_225_600_000;
/** Temporal's default limit on one payload, which a continue-as-new input must fit. */
const PAYLOAD_LIMIT = 2 * 1024 * 1024;

function instance(id: string, dependsOn: string[] = [], status: ServiceInstance['status'] = 'ACTIVE'): ServiceInstance {
  return { serviceInstanceId: id, serviceType: id.split('-')[0], baseUrl: `http://fleet/${id}`, dependsOn, status };
}

// app-1 uses cache-1 and db-1; cache-1 uses db-1; report-1 uses db-1. So app-1 and report-1 go first, db-1 last.
const INVENTORY = [
  instance('app-1', ['cache-1', 'db-1']),
  instance('cache-1', ['db-1']),
  instance('db-1'),
  instance('report-1', ['db-1']),
];
const ALL = INVENTORY.map((i) => i.serviceInstanceId);

function request(requestId: string, fields: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId,
    tenantId: TENANT,
    requestedBy: 'alice',
    traceId: `trace-${requestId}`,
    gdprMode: false,
    dryRun: false,
    ...fields,
  };
}

function outcome(status: InstanceDeletionOutcome['status'], failureReason?: string): InstanceDeletionOutcome {
  return {
    status,
    deletedCounts: status === 'COMPLETED' ? { orders: 3 } : {},
    attempts: 1,
    failureReason: failureReason ?? (status === 'FAILED' ? 'orders answered DELETE with 503' : null),
    durationMs: 10,
  };
}

function tenant(inventory: readonly ServiceInstance[] = INVENTORY): TenantState {
  const state = new TenantState(TENANT);
  state.useInventory(inventory);
  return state;
}

/** What checkIncoming does with a request the checks let through: received, then accepted. */
function accepted(
  state: TenantState,
  req: DeletionRequest,
  targets = req.instances ?? ALL,
  alreadyGone: string[] = [],
) {
  state.receive(req);
  state.incoming.splice(0);
  state.accept(req, targets, alreadyGone);
}

/** And what admitQueued does next when no approval and no grace period is needed. */
function admitted(state: TenantState, req: DeletionRequest, targets = req.instances ?? ALL): void {
  accepted(state, req, targets);
  state.admit(req.requestId);
}

/** What the main loop does with room for `limit` children: starts each ready instance. Returns their ids. */
function launchReady(state: TenantState, limit = Number.MAX_SAFE_INTEGER): string[] {
  return state.ready(limit).map(({ serviceInstanceId }) => {
    state.started(serviceInstanceId, NOW);
    return serviceInstanceId;
  });
}

/** A child's outcome for the instance's current run. */
function finishCurrent(state: TenantState, id: string, status: InstanceDeletionOutcome['status'], reason?: string) {
  return state.finish(id, state.instances.get(id)!.run, outcome(status, reason), NOW);
}

/** Launches and completes whatever can run, wave after wave, then settles the requests. */
function completeAll(state: TenantState): void {
  for (let wave = launchReady(state); wave.length > 0; wave = launchReady(state)) {
    for (const id of wave) finishCurrent(state, id, 'COMPLETED');
  }
  state.settleRequests();
}

/** Each outcome the outbox holds, one `request instance#run STATUS` row per request it goes to. */
function reported(outbox: Outbox): string[] {
  return outbox.reports.flatMap(({ requestIds, instances }) =>
    requestIds.flatMap((requestId) =>
      instances.map((report) => `${requestId} ${report.serviceInstanceId}#${report.run} ${report.status}`),
    ),
  );
}

const statusOf = (state: TenantState, id: string) => state.instances.get(id)?.status;
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** carried() as the next run reads it: through JSON, decoded to plain requests and instances. */
const unpacked = (state: TenantState) => decodeCarried(json(state.carried()));
/** A state rebuilt from carried() as continue-as-new does: through JSON, with the inventory reloaded. */
function rebuilt(state: TenantState, inventory: readonly ServiceInstance[] = INVENTORY): TenantState {
  const next = new TenantState(TENANT, json(state.carried()));
  next.useInventory(inventory);
  return next;
}

/** The message of the ControlRefused that `control` throws. */
function refusal(control: () => void): string {
  try {
    control();
  } catch (error) {
    expect(error).toBeInstanceOf(ControlRefused);
    return (error as Error).message;
  }
  throw new Error('the control was not refused');
}

describe('dependency order', () => {
  it('ready() offers app-1 and report-1 first, cache-1 once app-1 COMPLETED, db-1 once cache-1 and report-1 did', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    expect(launchReady(state)).toEqual(['app-1', 'report-1']);
    expect(state.ready(10)).toEqual([]);
    finishCurrent(state, 'app-1', 'COMPLETED');
    expect(launchReady(state)).toEqual(['cache-1']);
    finishCurrent(state, 'cache-1', 'COMPLETED');
    expect(state.ready(10)).toEqual([]);
    finishCurrent(state, 'report-1', 'COMPLETED');
    expect(launchReady(state)).toEqual(['db-1']);
  });

  it.each(['IN_PROGRESS', 'ON_HOLD', 'FAILED'] as const)(
    'ready() withholds db-1 while report-1, which depends on it, is %s',
    (reportStatus) => {
      const state = tenant();
      admitted(state, request('r-1'));
      launchReady(state);
      finishCurrent(state, 'app-1', 'COMPLETED');
      launchReady(state);
      finishCurrent(state, 'cache-1', 'COMPLETED');
      if (reportStatus === 'ON_HOLD') state.hold('report-1', true, 'legal hold L-7');
      if (reportStatus === 'FAILED') finishCurrent(state, 'report-1', 'FAILED');
      expect(statusOf(state, 'report-1')).toBe(reportStatus);
      expect(state.ready(10)).toEqual([]);
      expect(statusOf(state, 'db-1')).toBe('PENDING');
    },
  );

  it('an instance the inventory marks DELETED counts as deleted: db-1 is ready once cache-1 COMPLETED', () => {
    const inventory = INVENTORY.map((i) =>
      i.serviceInstanceId === 'report-1' ? { ...i, status: 'DELETED' as const } : i,
    );
    const state = tenant(inventory);
    admitted(state, request('r-1'), ['app-1', 'cache-1', 'db-1']);
    expect(launchReady(state)).toEqual(['app-1']);
    finishCurrent(state, 'app-1', 'COMPLETED');
    expect(launchReady(state)).toEqual(['cache-1']);
    finishCurrent(state, 'cache-1', 'COMPLETED');
    expect(launchReady(state)).toEqual(['db-1']);
  });

  it('ready(limit) offers at most limit instances: ready(1) is app-1 alone, ready(0) nothing', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    expect(state.ready(1).map((i) => i.serviceInstanceId)).toEqual(['app-1']);
    expect(state.ready(0)).toEqual([]);
  });

  it('a child reporting CANCELLED keeps what it needs: report-1 CANCELLED cancels the PENDING db-1, reported', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    state.takeOutbox();
    finishCurrent(state, 'report-1', 'CANCELLED');
    expect(state.instances.get('db-1')).toMatchObject({
      status: 'CANCELLED',
      lastError: 'kept: report-1 depends on it and was cancelled',
    });
    expect(reported(state.takeOutbox())).toEqual(['r-1 report-1#1 CANCELLED', 'r-1 db-1#1 CANCELLED']);
    expect(state.ready(10).map((i) => i.serviceInstanceId)).toEqual([]);
  });

  it('a whole-tenant request stays IN_PROGRESS until its last instance COMPLETED, then awaits finalization', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    for (const id of ['app-1', 'report-1', 'cache-1']) {
      launchReady(state);
      finishCurrent(state, id, 'COMPLETED');
      state.settleRequests();
      expect(state.requests.get('r-1')!.status).toBe('IN_PROGRESS');
      expect(state.toFinalize()).toEqual([]);
    }
    expect(launchReady(state)).toEqual(['db-1']);
    finishCurrent(state, 'db-1', 'COMPLETED');
    state.settleRequests();
    expect(state.requests.get('r-1')!.status).toBe('COMPLETED');
    expect(state.status()).toBe('COMPLETED');
    expect(state.toFinalize().map((r) => r.requestId)).toEqual(['r-1']);
    state.finalized('cert-1');
    expect(state.toFinalize()).toEqual([]);
    expect(state.progress().certificateId).toBe('cert-1');
  });

  it('each outcome is reported to its request once, though the child result and its signal both arrive', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    for (let wave = launchReady(state); wave.length > 0; wave = launchReady(state)) {
      for (const id of wave) {
        expect(finishCurrent(state, id, 'COMPLETED')).toBe(true);
        expect(finishCurrent(state, id, 'COMPLETED')).toBe(false);
      }
    }
    expect(reported(state.takeOutbox()).sort()).toEqual(ALL.map((id) => `r-1 ${id}#1 COMPLETED`).sort());
  });
});

describe('requests', () => {
  it('receive() absorbs a request id already incoming or already recorded: no second request', () => {
    const state = tenant();
    expect(state.receive(request('r-1'))).toBe(true);
    expect(state.receive(request('r-1', { requestedBy: 'bob' }))).toBe(false);
    expect(state.incoming.map((r) => r.requestedBy)).toEqual(['alice']);
    state.incoming.splice(0);
    state.accept(request('r-1'), ALL, []);
    expect(state.receive(request('r-1'))).toBe(false);
    expect(state.incoming).toEqual([]);
    expect([...state.requests.keys()]).toEqual(['r-1']);
  });

  it('a request joining a running deletion is added to the instance, gets its outcome, and starts nothing anew', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    admitted(state, request('r-2', { instances: ['app-1'] }));
    expect(state.instances.get('app-1')).toMatchObject({ status: 'IN_PROGRESS', run: 1, requestIds: ['r-1', 'r-2'] });
    expect(state.ready(10)).toEqual([]);
    finishCurrent(state, 'app-1', 'COMPLETED');
    expect(reported(state.takeOutbox())).toEqual(['r-1 app-1#1 COMPLETED', 'r-2 app-1#1 COMPLETED']);
    state.settleRequests();
    expect(state.requests.get('r-2')!.status).toBe('COMPLETED');
    expect(state.requests.get('r-1')!.status).toBe('IN_PROGRESS');
  });

  /** r-1 for the whole tenant, its first wave started, app-1 ended `status` and that outcome delivered. */
  function afterApp1(status: 'COMPLETED' | 'FAILED'): TenantState {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    finishCurrent(state, 'app-1', status);
    state.takeOutbox();
    return state;
  }

  it('a request for an instance already COMPLETED is reported COMPLETED at once and does not run it again', () => {
    const state = afterApp1('COMPLETED');
    // As check() does: an instance already deleted is alreadyGone, not a target.
    accepted(state, request('r-2', { instances: ['app-1'] }), [], ['app-1']);
    state.admit('r-2');
    expect(reported(state.takeOutbox())).toEqual(['r-2 app-1#1 COMPLETED']);
    expect(state.instances.get('app-1')).toMatchObject({ status: 'COMPLETED', run: 1, requestIds: ['r-1'] });
    expect(state.ready(10).map((i) => i.serviceInstanceId)).toEqual(['cache-1']);
    state.settleRequests();
    expect(state.requests.get('r-2')!.status).toBe('COMPLETED');
  });

  it('a rejected request reports every target REJECTED with its reason, and the tenant rolls up to REJECTED', () => {
    const state = tenant();
    state.reject(request('r-1', { instances: ['db-1'] }), ['db-1'], 'cannot delete db-1: app-1 (active) depends on it');
    expect(state.requests.get('r-1')).toMatchObject({
      status: 'REJECTED',
      reason: 'cannot delete db-1: app-1 (active) depends on it',
    });
    expect(reported(state.takeOutbox())).toEqual(['r-1 db-1#1 REJECTED']);
    expect(state.status()).toBe('REJECTED');
    expect(state.instances.size).toBe(0);
  });

  it('a request re-admitting a FAILED instance keeps the earlier, unsettled request on it: both get run 2', () => {
    const state = afterApp1('FAILED');
    admitted(state, request('r-2', { instances: ['app-1'] }));
    expect(state.instances.get('app-1')).toMatchObject({ status: 'PENDING', run: 2, requestIds: ['r-1', 'r-2'] });
    launchReady(state);
    finishCurrent(state, 'app-1', 'COMPLETED');
    expect(reported(state.takeOutbox())).toEqual(['r-1 app-1#2 COMPLETED', 'r-2 app-1#2 COMPLETED']);
  });

  it('a request re-admitting a CANCELLED instance leaves off the request that settled CANCELLED with it', () => {
    const state = tenant();
    admitted(state, request('r-1', { instances: ['report-1'] }));
    state.cancel({}, NOW);
    state.settleRequests();
    expect(state.requests.get('r-1')!.status).toBe('CANCELLED');
    admitted(state, request('r-2', { instances: ['report-1'] }));
    expect(state.instances.get('report-1')).toMatchObject({ status: 'PENDING', run: 2, requestIds: ['r-2'] });
  });
});

describe('controls', () => {
  it('validateCancel and validateRetry refuse an unknown instance id, naming it', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    const selection = { instances: ['app-1', 'nope-1'] };
    expect(refusal(() => state.validateCancel(selection))).toBe("tenant acme's deletion has no instance nope-1");
    expect(refusal(() => state.validateRetry(selection))).toBe("tenant acme's deletion has no instance nope-1");
  });

  it('validateCancel refuses when every selected instance has settled', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    completeAll(state);
    expect(refusal(() => state.validateCancel({}))).toBe(
      'nothing to cancel for tenant acme: every instance has settled',
    );
    expect(refusal(() => state.validateCancel({ instances: ['app-1'] }))).toBe(
      'nothing to cancel for tenant acme among app-1: every instance has settled',
    );
  });

  it('validateRetry refuses when nothing selected has failed, and accepts a FAILED instance', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    finishCurrent(state, 'app-1', 'FAILED');
    expect(refusal(() => state.validateRetry({ instances: ['report-1'] }))).toBe(
      'nothing to retry for tenant acme among report-1: nothing has failed, or what failed is needed by a cancelled instance and so is kept',
    );
    expect(() => state.validateRetry({ instances: ['app-1'] })).not.toThrow();
  });

  it('validateApproval refuses when nothing awaits approval', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    expect(refusal(() => state.validateApproval({ approvedBy: 'bob' }))).toBe(
      'nothing awaits approval for tenant acme',
    );
    expect(refusal(() => state.validateApproval({ approvedBy: 'bob', requestId: 'r-9' }))).toBe(
      'nothing awaits approval for tenant acme among r-9',
    );
  });

  it('validateApproval refuses a self-approval (approvedBy === requestedBy); approve() by another releases it', () => {
    const state = tenant();
    accepted(state, request('r-1'));
    state.holdForApproval('r-1', 'previewed 900 records exceed APPROVAL_THRESHOLD_RECORDS (100): approve or cancel');
    expect(state.status()).toBe('AWAITING_APPROVAL');
    expect(refusal(() => state.validateApproval({ approvedBy: 'alice' }))).toBe(
      'alice requested r-1 and cannot approve it: a second person must',
    );
    expect(() => state.validateApproval({ approvedBy: 'bob', requestIds: ['r-1'] })).not.toThrow();
    expect(state.approve({ approvedBy: 'bob', requestIds: ['r-1'] })).toEqual({
      instances: [],
      requests: [{ requestId: 'r-1', from: 'AWAITING_APPROVAL', to: 'IN_PROGRESS' }],
    });
    expect(state.requests.get('r-1')).toMatchObject({ status: 'IN_PROGRESS', approvedBy: 'bob', reason: null });
    expect(state.toAdmit).toEqual(['r-1']);
  });

  it('cancel of a running instance answers CANCEL_REQUESTED and asks its child; it stays IN_PROGRESS meanwhile', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    expect(() => state.validateCancel({ instances: ['app-1'] })).not.toThrow();
    expect(state.cancel({ instances: ['app-1'] }, NOW)).toEqual({
      instances: [{ serviceInstanceId: 'app-1', from: 'IN_PROGRESS', to: 'CANCEL_REQUESTED' }],
      requests: [],
    });
    expect(state.outbox.cancelChildren).toEqual(['app-1']);
    expect(statusOf(state, 'app-1')).toBe('IN_PROGRESS');
  });

  it('cancel of a PENDING instance makes it CANCELLED at once, reported; the request then ends CANCELLED', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    expect(state.cancel({ instances: ['db-1'] }, NOW)).toEqual({
      instances: [{ serviceInstanceId: 'db-1', from: 'PENDING', to: 'CANCELLED' }],
      requests: [],
    });
    expect(state.instances.get('db-1')).toMatchObject({
      status: 'CANCELLED',
      lastError: 'cancelled by an admin: nothing more deleted',
    });
    expect(reported(state.takeOutbox())).toEqual(['r-1 db-1#1 CANCELLED']);
    expect(state.outbox.cancelChildren).toEqual([]);
    completeAll(state);
    expect(state.requests.get('r-1')!.status).toBe('CANCELLED');
  });

  it('cancelling a PENDING app-1 also cancels the PENDING cache-1 and db-1 it needs, says so, and the run can end', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    const plan = {
      instances: [
        { serviceInstanceId: 'app-1', from: 'PENDING', to: 'CANCELLED' },
        { serviceInstanceId: 'cache-1', from: 'PENDING', to: 'CANCELLED' },
        { serviceInstanceId: 'db-1', from: 'PENDING', to: 'CANCELLED' },
      ],
      requests: [],
    };
    expect(() => state.validateCancel({ instances: ['app-1'] })).not.toThrow();
    expect(state.cancel({ instances: ['app-1'] }, NOW)).toEqual(plan);
    expect(state.instances.get('db-1')).toMatchObject({
      status: 'CANCELLED',
      lastError: 'kept: app-1 depends on it and was cancelled by an admin',
    });
    expect(reported(state.takeOutbox())).toEqual([
      'r-1 app-1#1 CANCELLED',
      'r-1 cache-1#1 CANCELLED',
      'r-1 db-1#1 CANCELLED',
    ]);
    expect(launchReady(state)).toEqual(['report-1']);
    finishCurrent(state, 'report-1', 'COMPLETED');
    state.settleRequests();
    expect(state.active()).toBe(false);
    expect(state.requests.get('r-1')!.status).toBe('CANCELLED');
  });

  it('retry refuses a FAILED db-1 that a cancelled app-1 needs (it could never start again), naming why', () => {
    const state = tenant([instance('report-1', ['db-1']), instance('db-1')]);
    admitted(state, request('r-1'), ['report-1', 'db-1']);
    expect(launchReady(state)).toEqual(['report-1']);
    finishCurrent(state, 'report-1', 'COMPLETED');
    expect(launchReady(state)).toEqual(['db-1']);
    finishCurrent(state, 'db-1', 'FAILED');
    // app-1 joins the inventory, needing db-1; its own request is cancelled before it runs.
    state.useInventory([instance('report-1', ['db-1']), instance('db-1'), instance('app-1', ['db-1'])]);
    admitted(state, request('r-2', { instances: ['app-1'] }));
    state.cancel({ instances: ['app-1'] }, NOW);
    expect(state.instances.get('app-1')!.status).toBe('CANCELLED');
    expect(() => state.validateRetry({ instances: ['db-1'] })).toThrow(
      'nothing to retry for tenant acme among db-1: nothing has failed, or what failed is needed by a cancelled instance and so is kept',
    );
  });

  it('cancelling a running app-1 asks its child only; what it needs is cancelled once the child reports CANCELLED', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    expect(state.cancel({ instances: ['app-1'] }, NOW).instances).toEqual([
      { serviceInstanceId: 'app-1', from: 'IN_PROGRESS', to: 'CANCEL_REQUESTED' },
    ]);
    expect([statusOf(state, 'cache-1'), statusOf(state, 'db-1')]).toEqual(['PENDING', 'PENDING']);
  });

  it('retry makes a FAILED instance PENDING for run 2; ready() offers it again and a run-1 outcome is ignored', () => {
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    finishCurrent(state, 'app-1', 'FAILED');
    expect(state.status()).toBe('IN_PROGRESS'); // report-1 still runs
    finishCurrent(state, 'report-1', 'COMPLETED');
    expect(state.status()).toBe('FAILED');
    expect(state.retry({ instances: ['app-1'] })).toEqual({
      instances: [{ serviceInstanceId: 'app-1', from: 'FAILED', to: 'PENDING' }],
      requests: [],
    });
    expect(state.instances.get('app-1')).toMatchObject({ status: 'PENDING', run: 2 });
    expect(launchReady(state)).toEqual(['app-1']);
    expect(state.finish('app-1', 1, outcome('COMPLETED'), NOW)).toBe(false);
    expect(state.finish('app-1', 2, outcome('COMPLETED'), NOW)).toBe(true);
    expect(state.instances.get('app-1')).toMatchObject({ status: 'COMPLETED', attempts: 2 });
  });

  it('retry reruns a request FAILED at admission: back IN_PROGRESS and queued for admission', () => {
    const state = tenant();
    accepted(state, request('r-1'));
    state.failStep('r-1', 'admission', 'the tenant registry refused the suspend: 409');
    expect(state.status()).toBe('FAILED');
    expect(state.waitsForAdmin()).toBe(true);
    expect(state.retry({})).toEqual({
      instances: [],
      requests: [{ requestId: 'r-1', from: 'FAILED', to: 'IN_PROGRESS' }],
    });
    expect(state.requests.get('r-1')).toMatchObject({ status: 'IN_PROGRESS', failedStep: null });
    expect(state.toAdmit).toEqual(['r-1']);
  });

  it('cancel in the grace period ends the whole-tenant request CANCELLED and queues the resume under its trace id', () => {
    const state = tenant();
    accepted(state, request('r-1'));
    state.startGrace('r-1', NOW + 60_000, 60);
    expect(state.nextGraceEnd()).toBe(NOW + 60_000);
    expect(state.graceEnded(NOW)).toEqual([]);
    expect(state.cancel({}, NOW)).toEqual({
      instances: [],
      requests: [{ requestId: 'r-1', from: 'IN_PROGRESS', to: 'CANCELLED' }],
    });
    expect(state.outbox.resumeTenant).toEqual(['trace-r-1']);
    expect(reported(state.takeOutbox())).toEqual(ALL.map((id) => `r-1 ${id}#1 CANCELLED`));
    expect(state.nextGraceEnd()).toBeNull();
    expect(state.status()).toBe('CANCELLED');
  });

  it('cancel of a request awaiting approval ends it CANCELLED with no resume', () => {
    const state = tenant();
    accepted(state, request('r-1', { instances: ['app-1'] }));
    state.holdForApproval('r-1', 'blast-radius cap');
    state.cancel({ instances: ['app-1'] }, NOW);
    expect(state.requests.get('r-1')).toMatchObject({
      status: 'CANCELLED',
      reason: 'cancelled while awaiting approval: nothing deleted',
    });
    expect(state.outbox.resumeTenant).toEqual([]);
    expect(reported(state.takeOutbox())).toEqual(['r-1 app-1#1 CANCELLED']);
  });
});

describe('carried() and continue-as-new', () => {
  const inventory = [...INVENTORY, instance('ledger-1'), instance('search-1')];

  /** r-0 done and finalized; r-1 with app-1 COMPLETED, report-1 ON_HOLD, cache-1 FAILED; a dry run; a held request. */
  function midway(): TenantState {
    const state = tenant(inventory);
    admitted(state, request('r-0', { instances: ['ledger-1'] }));
    completeAll(state);
    state.finalized('cert-1');
    admitted(state, request('r-1', { gdprMode: true, requestedAt: '2026-01-31T10:00:00Z' }));
    launchReady(state);
    finishCurrent(state, 'app-1', 'COMPLETED');
    state.hold('report-1', true, 'legal hold L-7');
    launchReady(state);
    finishCurrent(state, 'cache-1', 'FAILED');
    accepted(state, request('r-2', { dryRun: true, instances: ['search-1'] }));
    state.previewed('r-2', [{ id: 'search-1', deletedCounts: { docs: 12 }, failureReason: null }]);
    accepted(state, request('r-3', { instances: ['search-1'], requestedBy: 'carol' }));
    state.holdForApproval('r-3', 'blast-radius cap');
    state.settleRequests();
    return state;
  }

  it('a state rebuilt from carried() through JSON answers the same progress(), summary() and status()', () => {
    const state = midway();
    expect(state.status()).toBe('ON_HOLD');
    const next = rebuilt(state, inventory);
    expect(next.progress()).toStrictEqual(json(state.progress()));
    expect(next.summary()).toStrictEqual(json(state.summary()));
    expect(next.status()).toBe(state.status());
  });

  it('the rebuilt state carries on: release, retry and the rest complete r-1 and leave it to finalize', () => {
    const next = rebuilt(midway(), inventory);
    next.hold('report-1', false, null);
    expect(finishCurrent(next, 'report-1', 'COMPLETED')).toBe(true);
    next.retry({ instances: ['cache-1'] });
    completeAll(next);
    expect(next.requests.get('r-1')!.status).toBe('COMPLETED');
    expect(next.toFinalize().map((r) => r.requestId)).toEqual(['r-0', 'r-1']);
  });

  it('carried() drops the oldest finished requests beyond 100, except one still unfinalized; open ones all stay', () => {
    const state = tenant();
    admitted(state, request('first', { instances: ['app-1'] }));
    completeAll(state);
    state.finalized('cert-1');
    admitted(state, request('unfinalized', { instances: ['report-1'] }));
    completeAll(state);
    const rejected = Array.from({ length: 150 }, (_, i) => `rejected-${String(i).padStart(3, '0')}`);
    for (const id of rejected) state.reject(request(id, { instances: ['db-1'] }), ['db-1'], 'app-1 depends on it');
    accepted(state, request('open', { instances: ['cache-1'] }));
    state.holdForApproval('open', 'blast-radius cap');

    const carried = unpacked(state);
    expect(carried.requests.map((r) => r.requestId)).toEqual(['unfinalized', ...rejected.slice(50), 'open']);
    expect(carried.instances.find((i) => i.serviceInstanceId === 'app-1')!.requestIds).toEqual([]);
    expect(carried.instances.find((i) => i.serviceInstanceId === 'report-1')!.requestIds).toEqual(['unfinalized']);
  });

  it('carried() keeps a request FAILED at admission (retryFailed reruns it) behind 100 newer finished ones', () => {
    const state = tenant();
    accepted(state, request('w-1'));
    state.failStep('w-1', 'admission', 'the tenant registry refused the suspend: 409');
    for (let i = 0; i < 100; i += 1) state.reject(request(`rejected-${i}`), ['db-1'], 'app-1 depends on it');
    const next = rebuilt(state);
    expect(next.requests.get('w-1')?.status).toBe('FAILED');
    expect(next.waitsForAdmin()).toBe(true);
    expect(next.retry({}).requests).toEqual([{ requestId: 'w-1', from: 'FAILED', to: 'IN_PROGRESS' }]);
  });

  it('errors over 500 characters are cut to 499 and an ellipsis (finish, hold, failStep, reject); 500 stay whole', () => {
    const long = 'e'.repeat(2_000);
    const cut = `${'e'.repeat(499)}…`;
    const state = tenant();
    admitted(state, request('r-1'));
    launchReady(state);
    finishCurrent(state, 'app-1', 'FAILED', long);
    state.hold('report-1', true, long);
    accepted(state, request('r-2'));
    state.failStep('r-2', 'admission', long);
    state.reject(request('r-3'), ['db-1'], long);
    const carried = unpacked(state);
    const carriedInstance = (id: string) => carried.instances.find((i) => i.serviceInstanceId === id)!;
    const carriedRequest = (id: string) => carried.requests.find((r) => r.requestId === id)!;
    expect([carriedInstance('app-1').lastError, carriedInstance('report-1').lastError]).toEqual([cut, cut]);
    expect([carriedRequest('r-2').reason, carriedRequest('r-3').reason]).toEqual([cut, cut]);

    state.hold('report-1', true, 'h'.repeat(500));
    expect(state.instances.get('report-1')!.lastError).toBe('h'.repeat(500));
  });

  // Admission builds this reason from every failed preview's message: 5,000 of them made half a megabyte.
  it('holdForApproval() cuts its reason to 500 characters like every other error', () => {
    const state = tenant();
    accepted(state, request('r-1'));
    state.holdForApproval('r-1', `preview failed for ${'x'.repeat(2_000)}`);
    expect(state.requests.get('r-1')!.reason).toBe(`preview failed for ${'x'.repeat(480)}…`);
    expect(unpacked(state).requests[0].reason!.length).toBe(500);
  });

  /** `count` instances, all admitted by one whole-tenant request and finished with `status`. */
  function finishedTenant(count: number, status: 'COMPLETED' | 'FAILED', failureReason?: string) {
    const ids = Array.from({ length: count }, (_, i) => `orders-${String(i).padStart(33, '0')}`); // 40 characters
    const many = ids.map((id) => instance(id));
    const state = tenant(many);
    admitted(state, request('00000000-0000-4000-8000-000000000000', { gdprMode: true }), ids);
    launchReady(state);
    for (const id of ids) {
      state.finish(id, 1, { ...outcome(status, failureReason), deletedCounts: { orders: 1, lines: 2 } }, NOW);
    }
    state.takeOutbox();
    state.settleRequests();
    return { state, ids, many };
  }

  it('instance counts are carried per table up to 500 instances, as a total beyond; the totals stay the same', () => {
    expect(unpacked(finishedTenant(500, 'COMPLETED').state).instances[0].deletedCounts).toEqual({
      orders: 1,
      lines: 2,
    });
    const { state, many } = finishedTenant(501, 'COMPLETED');
    expect(unpacked(state).instances[0].deletedCounts).toEqual({ total: 3 });
    expect(rebuilt(state, many).progress().totals).toEqual(state.progress().totals);
  });

  /** carried() through JSON, in bytes: what continue-as-new puts in its one payload. */
  const carriedBytes = (state: TenantState) => Buffer.byteLength(JSON.stringify(state.carried()));

  /** What carried() was before its compact form (plain objects, errors uncut), in bytes, for comparison. */
  const plainBytes = (state: TenantState) => {
    const plain = decodeCarried(state.carried());
    const instances = plain.instances.map((i) => ({
      ...i,
      lastError: state.instances.get(i.serviceInstanceId)!.lastError,
    }));
    return Buffer.byteLength(JSON.stringify({ ...plain, instances }));
  };

  // The continue-as-new input is the start request (under 1 KiB here) and this, through the codec (a 28-byte
  // envelope). Measured: 461,637 bytes (1,626,732 as plain objects, before the compact form).
  it('carried() of 5,000 COMPLETED instances (40-character ids), one whole-tenant and 3 single-instance requests, is under 700 KB', () => {
    const { state, ids } = finishedTenant(5_000, 'COMPLETED');
    for (const [n, id] of ids.slice(0, 3).entries()) {
      const single = request(`00000000-0000-4000-8000-00000000000${n + 1}`, { instances: [id] });
      accepted(state, single, [], [id]);
      state.admit(single.requestId);
    }
    state.takeOutbox();
    state.settleRequests();
    console.log(`carried() of 5,000 completed instances: ${carriedBytes(state)} bytes, plain ${plainBytes(state)}`);
    expect(carriedBytes(state)).toBeLessThan(700_000);
  });

  // Measured: 950,554 bytes (2,100,493 as plain objects, before the compact form).
  it('carried() of 5,000 instances FAILED with 100-character errors fits the 2 MiB payload limit', () => {
    const { state } = finishedTenant(5_000, 'FAILED', 'f'.repeat(100));
    console.log(`carried() of 5,000 failed instances: ${carriedBytes(state)} bytes, plain ${plainBytes(state)}`);
    expect(carriedBytes(state)).toBeLessThan(PAYLOAD_LIMIT);
  });

  /**
   * 5,000 instances FAILED twice with 500-character errors: a whole-tenant request, a second one that admitted them
   * all again, and 20 single-instance requests that joined run 2.
   */
  function failedTwice() {
    const error = 'f'.repeat(500);
    const { state, ids, many } = finishedTenant(5_000, 'FAILED', error);
    admitted(state, request('00000000-0000-4000-8000-100000000000', { gdprMode: true }), ids);
    for (const [n, id] of ids.slice(0, 20).entries()) {
      admitted(state, request(`00000000-0000-4000-8000-2000000000${String(n).padStart(2, '0')}`, { instances: [id] }));
    }
    launchReady(state);
    for (const id of ids) finishCurrent(state, id, 'FAILED', error);
    state.takeOutbox();
    state.settleRequests();
    return { state, many };
  }

  // Measured: 1,056,774 bytes (4,518,894 as plain objects, before the compact form, which also cut no error).
  // Beyond 500 instances, errors after the first 200 are carried cut to 100 characters.
  it('carried() of 5,000 instances FAILED with 500-character errors, 2 whole-tenant and 20 single-instance requests, is under 1.5 MB', () => {
    const { state } = failedTwice();
    expect(state.instances.get('orders-000000000000000000000000000000000')!.requestIds).toHaveLength(3);
    console.log(`carried() of 5,000 failed twice: ${carriedBytes(state)} bytes, plain ${plainBytes(state)}`);
    expect(carriedBytes(state)).toBeLessThan(1_500_000);
  });

  it('that state rebuilt through JSON answers the same progress(), summary() and status(), errors past the 200th cut to 100 characters', () => {
    const { state, many } = failedTwice();
    const next = rebuilt(state, many);
    // As ever beyond 500 instances, counts are carried as totals (here, nothing deleted).
    const carried = (i: InstanceState, n: number) => ({
      ...i,
      deletedCounts: { total: 0 },
      lastError: n < 200 ? i.lastError : `${'f'.repeat(99)}…`,
    });
    const progress = json(state.progress());
    const summary = json(state.summary());
    expect(next.progress()).toStrictEqual({ ...progress, instances: progress.instances.map(carried) });
    expect(next.summary()).toStrictEqual({ ...summary, attention: summary.attention.map(carried) });
    expect(next.status()).toBe('FAILED');
  });
});

describe('random dependency graphs and child outcomes (fast-check)', () => {
  type Step = { kind: 'COMPLETED' | 'FAILED' | 'ON_HOLD' | 'RELEASE' | 'RETRY' | 'REDELIVER'; pick: number };
  interface Scenario {
    inventory: ServiceInstance[];
    steps: Step[];
    window: number;
  }
  interface Trace {
    state: TenantState;
    /** `id#run` for each started(). */
    starts: string[];
    retries: Map<string, number>;
    /** Outcomes delivered again for a run already finished that finish() applied (should be none). */
    reapplied: number;
    /** Every outbox report of the run, as `request instance#run STATUS`. */
    reports: string[];
  }

  // svc-i depends only on lower-indexed instances, so the graph is acyclic.
  const scenario: fc.Arbitrary<Scenario> = fc.record({
    inventory: fc
      .array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 10 })
      .map((deps) =>
        deps.map((picks, i) => instance(`svc-${i}`, i === 0 ? [] : [...new Set(picks.map((p) => `svc-${p % i}`))])),
      ),
    steps: fc.array(
      fc.record({
        kind: fc.constantFrom('COMPLETED', 'FAILED', 'ON_HOLD', 'RELEASE', 'RETRY', 'REDELIVER'),
        pick: fc.nat(),
      }),
      { maxLength: 80 },
    ),
    window: fc.integer({ min: 1, max: 4 }),
  });

  /**
   * Plays a scenario as the main loop would: launch what is ready within the window, apply one step (a child's
   * outcome, a hold or its release, a retry, an outcome delivered twice), settle, launch again. Then drains:
   * releases, retries and completes until nothing is active or waits for an admin. `check` sees the state and
   * what ready() offered each time the loop launches, before those instances start.
   */
  function play({ inventory, steps, window }: Scenario, check: (state: TenantState, offered: InstanceState[]) => void) {
    const state = tenant(inventory);
    admitted(
      state,
      request('r-1'),
      inventory.map((i) => i.serviceInstanceId),
    );
    const trace: Trace = { state, starts: [], retries: new Map(), reapplied: 0, reports: [] };
    const finished: { id: string; run: number }[] = [];
    const inStatus = (...statuses: string[]) =>
      [...state.instances.values()].filter((i) => statuses.includes(i.status));
    const finish = (i: InstanceState, status: 'COMPLETED' | 'FAILED') => {
      finished.push({ id: i.serviceInstanceId, run: i.run });
      state.finish(i.serviceInstanceId, i.run, outcome(status), NOW);
    };
    const retry = (i: InstanceState) => {
      trace.retries.set(i.serviceInstanceId, (trace.retries.get(i.serviceInstanceId) ?? 0) + 1);
      state.retry({ instances: [i.serviceInstanceId] });
    };
    const apply = ({ kind, pick }: Step) => {
      const one = <T>(list: T[]): T | undefined => list[pick % Math.max(1, list.length)];
      const running = one(inStatus('IN_PROGRESS', 'ON_HOLD'));
      if ((kind === 'COMPLETED' || kind === 'FAILED') && running) finish(running, kind);
      const inProgress = one(inStatus('IN_PROGRESS'));
      if (kind === 'ON_HOLD' && inProgress) state.hold(inProgress.serviceInstanceId, true, 'legal hold');
      const held = one(inStatus('ON_HOLD'));
      if (kind === 'RELEASE' && held) state.hold(held.serviceInstanceId, false, null);
      const failed = one(inStatus('FAILED'));
      if (kind === 'RETRY' && failed) retry(failed);
      const again = one(finished);
      if (kind === 'REDELIVER' && again && state.finish(again.id, again.run, outcome('COMPLETED'), NOW)) {
        trace.reapplied += 1;
      }
    };
    const loop = () => {
      state.settleRequests();
      const offered = state.ready(window - state.running());
      check(state, offered);
      for (const { serviceInstanceId, run } of offered) {
        trace.starts.push(`${serviceInstanceId}#${run}`);
        state.started(serviceInstanceId, NOW);
      }
    };
    loop();
    for (const step of steps) {
      apply(step);
      loop();
    }
    for (let guard = 0; (state.active() || state.waitsForAdmin()) && guard < 1_000; guard += 1) {
      for (const i of inStatus('ON_HOLD')) state.hold(i.serviceInstanceId, false, null);
      for (const i of inStatus('FAILED')) retry(i);
      for (const i of inStatus('IN_PROGRESS')) finish(i, 'COMPLETED');
      loop();
    }
    trace.reports = reported(state.takeOutbox());
    return trace;
  }

  const property = (name: string, test: (s: Scenario) => void) =>
    fc.assert(fc.property(scenario, test), { numRuns: 300, seed: fuzzSeed(name) });

  it('ready() never offers an instance before every instance that depends on it COMPLETED', () => {
    property('tenant-state dependency order', (s) => {
      play(s, (state, offered) => {
        for (const { serviceInstanceId } of offered) {
          const dependents = s.inventory.filter((i) => i.dependsOn.includes(serviceInstanceId));
          for (const dependent of dependents) expect(statusOf(state, dependent.serviceInstanceId)).toBe('COMPLETED');
        }
      });
    });
  });

  it('each instance starts at most once per run, and runs only 1 + its retries times; a redelivered outcome is never applied', () => {
    property('tenant-state starts once per run', (s) => {
      const { starts, retries, reapplied } = play(s, () => {});
      expect(new Set(starts).size).toBe(starts.length);
      for (const { serviceInstanceId: id } of s.inventory) {
        const runs = starts.filter((start) => start.startsWith(`${id}#`)).length;
        expect(runs).toBeLessThanOrEqual(1 + (retries.get(id) ?? 0));
      }
      expect(reapplied).toBe(0);
    });
  });

  it('summary() totals of the seven statuses always sum to the number of instances', () => {
    property('tenant-state totals', (s) => {
      play(s, (state) => {
        const { deletedRecords: _records, ...byStatus } = state.summary().totals;
        expect(Object.values(byStatus).reduce((sum, n) => sum + n, 0)).toBe(s.inventory.length);
      });
    });
  });

  it('status() is FAILED exactly when some instance FAILED and none is IN_PROGRESS or ON_HOLD', () => {
    property('tenant-state failed roll-up', (s) => {
      play(s, (state) => {
        const statuses = new Set([...state.instances.values()].map((i) => i.status));
        const failed = statuses.has('FAILED') && !statuses.has('IN_PROGRESS') && !statuses.has('ON_HOLD');
        expect(state.status() === 'FAILED').toBe(failed);
      });
    });
  });

  it('every run ends with the request COMPLETED and exactly one COMPLETED report per instance, none twice per run', () => {
    property('tenant-state completion', (s) => {
      const { state, reports } = play(s, () => {});
      expect(state.active()).toBe(false);
      expect(state.requests.get('r-1')!.status).toBe('COMPLETED');
      const runs = reports.map((row) => row.split(' ')[1]);
      expect(new Set(runs).size).toBe(runs.length);
      const completed = reports.filter((row) => row.endsWith(' COMPLETED')).map((row) => row.split(/[ #]/)[1]);
      expect(completed.sort()).toEqual(s.inventory.map((i) => i.serviceInstanceId).sort());
    });
  });
});
