/**
 * The compact form a tenant workflow carries over continue-as-new (workflows/carried-state.ts), without TenantState:
 * by example, and for random schema-valid states by fast-check (`FUZZ_SEED=<n>` replays).
 */
import fc from 'fast-check';
import {
  INSTANCE_DELETION_STATUSES,
  instanceStateSchema,
  requestStateSchema,
  type InstanceState,
  type RequestState,
} from '@tenant-deletion/contract';
import { decodeCarried, encodeCarried, type TenantSnapshot } from '../../workflows/carried-state';
import { fuzzSeed } from '../fuzz-seed';

const NOW = 1_767_225_600_000;
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const roundTrip = (snapshot: TenantSnapshot) => decodeCarried(json(encodeCarried(snapshot)));

function instanceState(id: string, fields: Partial<InstanceState> = {}): InstanceState {
  return {
    serviceInstanceId: id,
    serviceType: id.split('-')[0],
    status: 'COMPLETED',
    deletedCounts: { orders: 3 },
    attempts: 1,
    lastError: null,
    requestIds: ['r-1'],
    run: 1,
    startedAt: NOW,
    finishedAt: NOW + 10,
    ...fields,
  };
}

function requestState(requestId: string, instances: string[], fields: Partial<RequestState> = {}): RequestState {
  return {
    requestId,
    traceId: `trace-${requestId}`,
    requestedBy: 'alice',
    gdprMode: false,
    dryRun: false,
    wholeTenant: false,
    status: 'IN_PROGRESS',
    approvedBy: null,
    reason: null,
    statedReason: null,
    dueAt: null,
    instances,
    graceEndsAt: null,
    failedStep: null,
    ...fields,
  };
}

function snapshot(instances: InstanceState[], requests: RequestState[]): TenantSnapshot {
  return {
    requests,
    instances,
    incoming: [],
    toAdmit: [],
    unfinalized: [],
    finalizations: 0,
    outbox: { reports: [], cancelChildren: [], resumeTenant: [] },
  };
}

describe('encodeCarried and decodeCarried', () => {
  it('names each instance once: a whole tenant is one run of indexes, and order and ids only requests name survive', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `orders-${i}`);
    const state = snapshot(
      ids.map((id) => instanceState(id, { requestIds: ['r-1', 'r-2'] })),
      [
        requestState('r-1', ids, { wholeTenant: true }),
        // As accept() lists them: targets first, then those already gone.
        requestState('r-2', ['orders-7', 'gone-1', 'orders-3', 'orders-4', 'orders-5']),
        requestState('r-3', ['*'], { status: 'REJECTED', reason: 'app-1 depends on it' }),
        requestState('r-4', ['search-1'], {
          dryRun: true,
          status: 'COMPLETED',
          preview: { 'search-1': { docs: 12 } },
        }),
      ],
    );
    const carried = encodeCarried(state);
    expect(carried.requests[0].instances).toEqual([[0, 299]]);
    expect(carried.requests[1].instances).toEqual([7, 300, [3, 5]]);
    expect(carried.names.slice(300)).toEqual(['gone-1', '*', 'search-1']);
    expect(roundTrip(state)).toStrictEqual(state);
  });

  it('keeps a request id an instance still names though its request is no longer carried', () => {
    const state = snapshot([instanceState('db-1', { requestIds: ['dropped', 'r-1'] })], [requestState('r-1', [])]);
    expect(encodeCarried(state).requestIds).toEqual(['r-1', 'dropped']);
    expect(roundTrip(state)).toStrictEqual(state);
  });

  it('decodes the plain form a worker before the compact one carried as it is', () => {
    const plain = snapshot([instanceState('db-1')], [requestState('r-1', ['db-1'])]);
    expect(decodeCarried(json(plain))).toStrictEqual(plain);
  });

  it('keeps every error whole up to 500 instances; beyond, the first 200 whole and the others cut to 100 characters', () => {
    const failed = (count: number) =>
      snapshot(
        Array.from({ length: count }, (_, i) =>
          instanceState(`orders-${i}`, { status: 'FAILED', lastError: `${i}:${'f'.repeat(498)}` }),
        ),
        [],
      );
    const errors = (state: TenantSnapshot) => roundTrip(state).instances.map((i) => i.lastError!.length);
    expect(new Set(errors(failed(500)))).toEqual(new Set([500, 501, 502]));
    const cut = roundTrip(failed(501)).instances.map((i) => i.lastError);
    expect(cut.slice(0, 200)).toEqual(failed(200).instances.map((i) => i.lastError));
    expect(cut[200]).toBe(`200:${'f'.repeat(95)}…`);
    expect(new Set(cut.slice(200).map((error) => error!.length))).toEqual(new Set([100]));
  });

  describe('for any schema-valid state (fast-check)', () => {
    const text = fc.string({ maxLength: 12 });
    const counts = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.nat(), { maxKeys: 3 });
    const moment = fc.option(fc.nat({ max: 2 * NOW }));
    const requestIds = fc.uniqueArray(text, { maxLength: 6 });
    const instanceIds = fc.uniqueArray(text, { maxLength: 12 });
    const state = fc.tuple(requestIds, instanceIds).chain(([requestIdPool, instanceIdPool]) => {
      const someOf = (pool: string[]) => fc.array(fc.constantFrom('extra', ...pool), { maxLength: 5 });
      const instances = fc.tuple(
        ...instanceIdPool.map((serviceInstanceId) =>
          fc.record({
            serviceInstanceId: fc.constant(serviceInstanceId),
            serviceType: text,
            status: fc.constantFrom(...INSTANCE_DELETION_STATUSES),
            deletedCounts: fc.oneof(
              counts,
              fc.nat().map((total) => ({ total })),
            ),
            attempts: fc.nat(),
            lastError: fc.option(fc.string({ maxLength: 600 })),
            requestIds: someOf(requestIdPool),
            run: fc.integer({ min: 1, max: 9 }),
            startedAt: moment,
            finishedAt: moment,
          }),
        ),
      );
      const requests = fc.tuple(
        ...requestIdPool.map((requestId) =>
          fc.record(
            {
              requestId: fc.constant(requestId),
              traceId: text,
              requestedBy: text,
              gdprMode: fc.boolean(),
              dryRun: fc.boolean(),
              wholeTenant: fc.boolean(),
              status: fc.constantFrom(...INSTANCE_DELETION_STATUSES, 'AWAITING_APPROVAL' as const),
              approvedBy: fc.option(text),
              reason: fc.option(text),
              statedReason: fc.option(text),
              dueAt: fc.option(text),
              instances: someOf(instanceIdPool),
              preview: fc.dictionary(fc.constantFrom('*', ...instanceIdPool), counts, { maxKeys: 3 }),
              graceEndsAt: fc.option(fc.nat()),
              failedStep: fc.option(fc.constantFrom('admission' as const, 'finalization' as const)),
            },
            // The optional three may be absent, as in a state from before they were added.
            {
              requiredKeys: [
                'requestId',
                'traceId',
                'requestedBy',
                'gdprMode',
                'dryRun',
                'wholeTenant',
                'status',
                'approvedBy',
                'reason',
                'statedReason',
                'dueAt',
                'instances',
              ],
            },
          ),
        ),
      );
      return fc.tuple(instances, requests);
    });

    it('comes back through JSON as it was, and valid by instanceStateSchema and requestStateSchema', () => {
      fc.assert(
        fc.property(state, ([instances, requests]) => {
          const valid = snapshot(
            instances.map((i) => instanceStateSchema.parse(i)),
            requests.map((r) => requestStateSchema.parse(r)),
          );
          const decoded = roundTrip(valid);
          expect(decoded).toStrictEqual(json(valid));
          for (const instance of decoded.instances) instanceStateSchema.parse(instance);
          for (const request of decoded.requests) requestStateSchema.parse(request);
        }),
        { numRuns: 300, seed: fuzzSeed('carried-state round trip') },
      );
    });
  });
});
