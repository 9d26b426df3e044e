import type { DeletedCounts, DeletionRequest, InstanceState, RequestState } from '@tenant-deletion/contract';
import type { Outbox } from './outbox';

/**
 * What a tenant workflow hands to its next run on continue-as-new. That input is one payload, which Temporal caps at
 * 2 MiB, and a tenant may have thousands of instances, each named by every request on it. So the carried form names
 * each instance id and request id once, in a table, and refers to them by index; writes an instance as a tuple, not
 * an object repeating its keys; lists a request's instances as runs of consecutive indexes; and, beyond
 * ERROR_BUDGET_FROM instances, keeps FULL_ERRORS errors whole and cuts the rest short. Pure and deterministic:
 * decodeCarried(encodeCarried(s)) is s, through JSON too, except for errors that budget cut.
 */

/** Errors are the services' words: long ones are cut, so that no carried state or result outgrows a payload. */
export const ERROR_CHARS = 500;
/** Beyond this many instances, errors share a budget: 5,000 of ERROR_CHARS alone would be 2.5 MB. */
const ERROR_BUDGET_FROM = 500;
/** Within the budget, the first this many errors (in instance order) stay whole; the others are cut shorter. */
const FULL_ERRORS = 200;
const SHORT_ERROR_CHARS = 100;
/** This form's version; a run continued by a worker from before it carries a TenantSnapshot, without one. */
const FORMAT = 2;

/** The tenant workflow's state as plain data, as TenantState holds it and a run before the compact form carried it. */
export interface TenantSnapshot {
  requests: RequestState[];
  instances: InstanceState[];
  incoming: DeletionRequest[];
  /** Requests approved (or retried after a refused step) whose admission has not run yet. */
  toAdmit: string[];
  /** Completed requests not yet finalized. */
  unfinalized: string[];
  finalizations: number;
  certificateId?: string;
  outbox: Outbox;
}

/** An instance whose id is `names[i]`; a type and status index `words`, request ids index `requestIds`. */
type CarriedInstance = [
  serviceType: number,
  status: number,
  /** `{ total: n }`, the only counts kept beyond 500 instances, is written `n`. */
  deletedCounts: DeletedCounts | number,
  attempts: number,
  lastError: string | null,
  requestIds: number[],
  run: number,
  startedAt: number | null,
  finishedAt: number | null,
];

/** Indexes into `names`: one, or `[first, last]` for a run of consecutive ones (a whole tenant is one run). */
type NameRuns = (number | [number, number])[];

/** A request whose id is `requestIds[i]`; its instances and its preview's keys index `names`. */
type CarriedRequest = Omit<RequestState, 'requestId' | 'instances' | 'preview'> & {
  instances: NameRuns;
  preview?: [number, DeletedCounts][];
};

export interface CompactState extends Omit<TenantSnapshot, 'requests' | 'instances'> {
  format: typeof FORMAT;
  /** Every instance id named: the instances' own first, in their order, then those only requests name. */
  names: string[];
  /** Every request id named: the carried requests' own first, in their order, then those only instances name. */
  requestIds: string[];
  /** Service types and statuses. */
  words: string[];
  instances: CarriedInstance[];
  requests: CarriedRequest[];
}

/** What a run is started with on continue-as-new: the compact form, or the plain one an older worker carried. */
export type CarriedState = CompactState | TenantSnapshot;

export function encodeCarried(snapshot: TenantSnapshot): CompactState {
  const { requests, instances, ...rest } = snapshot;
  const names = new StringTable(instances.map((instance) => instance.serviceInstanceId));
  const requestIds = new StringTable(requests.map((request) => request.requestId));
  const words = new StringTable([]);
  const budgeted = instances.length > ERROR_BUDGET_FROM;
  let errors = 0;
  const error = (text: string | null) => {
    if (text === null || !budgeted) return text;
    errors += 1;
    return errors <= FULL_ERRORS ? text : truncated(text, SHORT_ERROR_CHARS);
  };
  const carriedInstances = instances.map((instance): CarriedInstance => [
    words.index(instance.serviceType),
    words.index(instance.status),
    isTotalOnly(instance.deletedCounts) ? instance.deletedCounts.total : instance.deletedCounts,
    instance.attempts,
    error(instance.lastError),
    instance.requestIds.map((id) => requestIds.index(id)),
    instance.run,
    instance.startedAt,
    instance.finishedAt,
  ]);
  const carriedRequests = requests.map(
    ({ requestId: _id, instances: targets, preview, ...fields }): CarriedRequest => ({
      ...fields,
      instances: runs(targets.map((id) => names.index(id))),
      ...(preview ? { preview: Object.entries(preview).map(([id, counts]) => [names.index(id), counts]) } : {}),
    }),
  );
  return {
    format: FORMAT,
    names: names.strings,
    requestIds: requestIds.strings,
    words: words.strings,
    instances: carriedInstances,
    requests: carriedRequests,
    ...rest,
  };
}

export function decodeCarried(carried: CarriedState): TenantSnapshot {
  if (!('format' in carried)) return carried;
  const { format: _format, names, requestIds, words, instances, requests, ...rest } = carried;
  return {
    ...rest,
    instances: instances.map(
      ([serviceType, status, counts, attempts, lastError, ids, run, startedAt, finishedAt], i): InstanceState => ({
        serviceInstanceId: names[i],
        serviceType: words[serviceType],
        status: words[status] as InstanceState['status'],
        deletedCounts: typeof counts === 'number' ? { total: counts } : counts,
        attempts,
        lastError,
        requestIds: ids.map((id) => requestIds[id]),
        run,
        startedAt,
        finishedAt,
      }),
    ),
    requests: requests.map(({ instances: targets, preview, ...fields }, i): RequestState => ({
      ...fields,
      requestId: requestIds[i],
      instances: expanded(targets).map((index) => names[index]),
      ...(preview ? { preview: Object.fromEntries(preview.map(([index, counts]) => [names[index], counts])) } : {}),
    })),
  };
}

/** Cuts a text to `chars` characters, the last an ellipsis. */
export function truncated(text: string, chars = ERROR_CHARS): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/** Strings by index, each once, in the order first named. */
class StringTable {
  readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();

  constructor(first: readonly string[]) {
    for (const text of first) this.index(text);
  }

  index(text: string): number {
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.strings.push(text) - 1;
      this.indexes.set(text, index);
    }
    return index;
  }
}

export function isTotalOnly(counts: DeletedCounts): counts is { total: number } {
  const keys = Object.keys(counts);
  return keys.length === 1 && keys[0] === 'total';
}

function runs(indexes: readonly number[]): NameRuns {
  const result: NameRuns = [];
  for (const index of indexes) {
    const last = result.at(-1);
    if (typeof last === 'number' && index === last + 1) result[result.length - 1] = [last, index];
    else if (Array.isArray(last) && index === last[1] + 1) last[1] = index;
    else result.push(index);
  }
  return result;
}

function expanded(runs: NameRuns): number[] {
  return runs.flatMap((run) =>
    typeof run === 'number' ? [run] : Array.from({ length: run[1] - run[0] + 1 }, (_, i) => run[0] + i),
  );
}
