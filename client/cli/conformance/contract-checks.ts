import type { DeletionBody } from '@tenant-deletion/contract';
import { followLocation } from './async-location';
import { CheckFailed, CheckSkipped } from './check-result';
import type { CheckTarget } from './check-target';
import { describeAnswer, nonZero, parsePreview, readDeletion, readPreview, totalOf } from './contract-answers';
import { freshId, type ProbeAnswer, type ServiceProbe } from './service-probe';

/** An unknown tenant is not an error: 200 with zero counts (a 404 tells the orchestrator its base URL is wrong). */
export async function unknownTenantCheck(
  probe: ServiceProbe,
  tenantId: string,
  previewUsable: boolean,
): Promise<string> {
  let preview = 'preview not read (it breaks the contract: see preview-shape)';
  if (previewUsable) {
    const answer = await probe.send('GET', probe.previewUrl(tenantId));
    refuseNotFound(`GET preview of unknown ${tenantId}`, answer);
    const body = parsePreview(answer, tenantId);
    if (body.total !== 0) throw new CheckFailed(`the preview of unknown ${tenantId} shows ${nonZero(body.counts)}`);
    preview = 'preview 200 zero';
  }
  const what = `DELETE of unknown ${tenantId}`;
  const answer = await probe.send('DELETE', probe.tenantUrl(tenantId), { idempotencyKey: freshId() });
  refuseNotFound(what, answer);
  const body = readDeletion(what, answer, tenantId);
  if (totalOf(body.deleted_counts) !== 0) throw new CheckFailed(`${what} reports ${nonZero(body.deleted_counts)}`);
  return `${tenantId}: ${preview}, DELETE 200 zero`;
}

function refuseNotFound(what: string, answer: ProbeAnswer): void {
  if (answer.status !== 404) return;
  throw new CheckFailed(
    `${describeAnswer(what, answer)}: an unknown tenant must get 200 with zero counts (the orchestrator reads a 404 as a wrong base URL)`,
  );
}

/**
 * The DELETE of the target tenant and what follows from it: its shape, the 202 + Location it may answer, the preview
 * after it, a repeat, and a replay of its Idempotency-Key. Checks that need data skip without it.
 */
export class DeletionChecks {
  private readonly key = freshId();
  private first?: ProbeAnswer;
  private rowsBefore = 0;
  private deleted?: DeletionBody;

  constructor(
    private readonly probe: ServiceProbe,
    private readonly target: CheckTarget,
    /** Why the data checks skip when the target has no data. */
    private readonly noData: string,
    private readonly pollTimeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  async deleteShape(): Promise<string> {
    const { tenantId } = this.target;
    if (this.target.hasData) this.rowsBefore = (await readPreview(this.probe, tenantId)).total;
    this.first = await this.probe.send('DELETE', this.probe.tenantUrl(tenantId), { idempotencyKey: this.key });
    if (this.first.status === 202) {
      // Its final body is async-location's to check; the shape is checked on a DELETE that answers at once.
      const unknown = freshId();
      readDeletion(
        `DELETE of unknown ${unknown}`,
        await this.probe.send('DELETE', this.probe.tenantUrl(unknown)),
        unknown,
      );
      return `${tenantId}: 202 (see async-location); the 200 body for ${unknown} keeps the contract`;
    }
    this.deleted = this.reported(readDeletion(`DELETE of ${tenantId}`, this.first, tenantId));
    return `${tenantId}: 200, ${totalOf(this.deleted.deleted_counts)} rows deleted`;
  }

  async asyncLocation(): Promise<string> {
    if (this.first?.status !== 202) {
      throw new CheckSkipped(
        `not exercised: the DELETE answered ${this.first?.status ?? 'nothing'}, not 202 (services that delete at once need not)`,
      );
    }
    const { body, polls } = await followLocation(
      this.probe,
      this.first,
      this.target.tenantId,
      this.pollTimeoutMs,
      this.signal,
    );
    this.deleted = this.reported(body);
    const deleted = `200 with ${totalOf(body.deleted_counts)} rows deleted`;
    return polls === 1 ? `the first poll: ${deleted} (done before it)` : `${polls - 1} poll(s) 202, then ${deleted}`;
  }

  async previewZeroAfterDelete(): Promise<string> {
    const deleted = this.requireDeletion();
    const after = await readPreview(this.probe, this.target.tenantId);
    if (after.total !== 0) {
      throw new CheckFailed(
        `the DELETE reported ${totalOf(deleted.deleted_counts)} rows deleted, yet the preview still shows ${after.total}: ${nonZero(after.counts)}`,
      );
    }
    return `${this.target.tenantId}: preview total 0`;
  }

  async idempotentRepeat(): Promise<string> {
    this.requireDeletion();
    const { tenantId } = this.target;
    const answer = await this.probe.send('DELETE', this.probe.tenantUrl(tenantId), { idempotencyKey: freshId() });
    const body = readDeletion(`the repeated DELETE of ${tenantId}`, answer, tenantId);
    if (totalOf(body.deleted_counts) !== 0) {
      throw new CheckFailed(
        `the repeated DELETE reports ${nonZero(body.deleted_counts)}; a repeat must report zero counts`,
      );
    }
    return '200 with zero counts';
  }

  async idempotencyKeyReplay(): Promise<string> {
    const deleted = this.requireDeletion();
    const first = this.first!;
    const replay = await this.probe.send('DELETE', this.probe.tenantUrl(this.target.tenantId), {
      idempotencyKey: this.key,
    });
    const what = `the DELETE repeated with the first one's Idempotency-Key`;
    if (replay.status !== first.status) {
      throw new CheckFailed(`${describeAnswer(what, replay)}; the first answered ${first.status}`);
    }
    if (first.status === 202) {
      const [before, again] = [first.headers.get('location'), replay.headers.get('location')];
      if (before !== again)
        throw new CheckFailed(`${what} answered 202 with Location ${again}; the first named ${before}`);
      return `202 with the same Location ${before}`;
    }
    const counts = readDeletion(what, replay, this.target.tenantId).deleted_counts;
    if (nonZero(counts) !== nonZero(deleted.deleted_counts)) {
      throw new CheckFailed(
        `${what} reports ${nonZero(counts) || 'zero counts'}; the first reported ${nonZero(deleted.deleted_counts)}`,
      );
    }
    return `200 with the first answer's ${totalOf(counts)} rows`;
  }

  /** A DELETE that reports nothing where the preview just showed rows has not told what it deleted. */
  private reported(body: DeletionBody): DeletionBody {
    if (this.rowsBefore > 0 && totalOf(body.deleted_counts) === 0) {
      throw new CheckFailed(`the DELETE reports zero counts though the preview showed ${this.rowsBefore} rows`);
    }
    return body;
  }

  private requireDeletion(): DeletionBody {
    if (!this.target.hasData) throw new CheckSkipped(this.noData);
    if (!this.deleted)
      throw new CheckSkipped('the DELETE of the test data did not finish (see delete-shape, async-location)');
    return this.deleted;
  }
}
