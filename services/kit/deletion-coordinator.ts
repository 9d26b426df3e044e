import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { KitHttpError } from './api-errors';
import type { DeletionBody } from '@tenant-deletion/contract';
import { deletionBody } from './contract-bodies';
import { zeroCounts } from './deletion-counts';
import type { DeletionPlan } from './deletion-plan';
import type { DeletionExecutor, ExecutionOutcome } from './deletion-executor';
import type { DeletionRun, DeletionRuns } from './deletion-runs';
import { SimulatedCrash } from './faults';
import type { LegalHold, LegalHolds } from './legal-holds';
import type { TenantDataCounter } from './tenant-data';
import type { TenantLocks } from './tenant-lock';

/**
 * The story of a DELETE: refuse under a legal hold; take the tenant's lock (or, if a background job
 * already holds it, point at that job); measure what is left; then delete in one transaction, in
 * batches, or in a background job answered with 202, resuming the tenant's unfinished run if an
 * earlier attempt crashed. A poll of a job that nobody is running any more resumes it too, because the
 * caller holding its Location has no other way to finish it.
 */

/** `hold` is undefined when it was lifted between the executor's check and the answer. */
export type HeldAnswer = { kind: 'held'; tenantId: string; hold: LegalHold | undefined };

export type DeletionAnswer = { kind: 'done'; body: DeletionBody } | { kind: 'accepted'; runId: string } | HeldAnswer;

export type PollAnswer =
  | { kind: 'done'; body: DeletionBody }
  | { kind: 'running'; run: DeletionRun }
  | HeldAnswer
  | { kind: 'failed'; message: string };

export interface CoordinatorSettings {
  serviceName: string;
  asyncThresholdRows: number;
  /** How long a DELETE waits for another synchronous deletion of the same tenant before answering 503. */
  lockWaitMs: number;
}

export class DeletionCoordinator {
  private readonly jobs = new Map<string, Promise<void>>();
  private closing = false;

  constructor(
    private readonly db: pg.Pool,
    private readonly plan: DeletionPlan,
    private readonly counter: TenantDataCounter,
    private readonly executor: DeletionExecutor,
    private readonly runs: DeletionRuns,
    private readonly holds: LegalHolds,
    private readonly locks: TenantLocks,
    private readonly settings: CoordinatorSettings,
  ) {}

  async requestDeletion(tenantId: string, log: FastifyBaseLogger): Promise<DeletionAnswer> {
    const hold = await this.holds.find(this.db, tenantId);
    if (hold) return this.heldAnswer(tenantId, hold);
    const locked = await this.lockTenant(tenantId);
    if ('accepted' in locked) return { kind: 'accepted', runId: locked.accepted };
    const client = locked.client;
    let handedOver = false;
    let discard = false;
    try {
      // A hold placed while this request waited for the lock counts too.
      const placedMeanwhile = await this.holds.find(client, tenantId);
      if (placedMeanwhile) return this.heldAnswer(tenantId, placedMeanwhile);
      const open = await this.runs.open(client, tenantId);
      const remaining = await this.counter.count(client, tenantId);
      if (!open && remaining.rows === 0) {
        return { kind: 'done', body: deletionBody(this.settings.serviceName, tenantId, zeroCounts(this.plan)) };
      }
      const background = remaining.rows > this.settings.asyncThresholdRows;
      const run = open
        ? await this.runs.resume(client, open.runId, background)
        : await this.runs.create(client, tenantId, background, zeroCounts(this.plan));
      if (open) log.info({ runId: run.runId }, 'resuming an unfinished deletion run');
      if (background) {
        this.startJob(client, run, remaining.rows, log);
        handedOver = true;
        return { kind: 'accepted', runId: run.runId };
      }
      const outcome = await this.executor.execute({
        client,
        run,
        remainingRows: remaining.rows,
        shouldStop: () => this.closing,
        log,
      });
      return await this.conclude(client, run, outcome);
    } catch (error) {
      discard = true;
      throw error;
    } finally {
      if (!handedOver) await this.locks.release(client, tenantId, discard);
    }
  }

  async poll(runId: string, log: FastifyBaseLogger): Promise<PollAnswer | undefined> {
    const run = await this.runs.find(this.db, runId);
    if (!run) return undefined;
    if (run.status === 'finished') return { kind: 'done', body: run.result! };
    let client: pg.PoolClient | undefined;
    try {
      client = await this.locks.tryLock(run.tenantId);
    } catch (error) {
      // At the cap nobody can take the job over now; the next poll tries again.
      if (error instanceof KitHttpError) return { kind: 'running', run };
      throw error;
    }
    if (!client) return { kind: 'running', run };
    let handedOver = false;
    try {
      // Nobody holds the lock: re-read, the job may have finished or stopped just before.
      const current = (await this.runs.find(client, runId))!;
      if (current.status === 'finished') return { kind: 'done', body: current.result! };
      const hold = await this.holds.find(client, current.tenantId);
      if (hold) return this.heldAnswer(current.tenantId, hold);
      if (current.stopCode === 'FAILED') {
        await this.runs.clearStop(client, runId);
        return { kind: 'failed', message: current.stopMessage ?? 'the deletion failed' };
      }
      log.info({ runId }, 'resuming an interrupted deletion job');
      const remaining = await this.counter.count(client, current.tenantId);
      const resumed = await this.runs.resume(client, runId, true);
      this.startJob(client, resumed, remaining.rows, log);
      handedOver = true;
      return { kind: 'running', run: resumed };
    } finally {
      if (!handedOver) await this.locks.release(client, run.tenantId);
    }
  }

  /**
   * Waits up to `ms` for this process's job of `runId` to end: a poll that asked to wait (`Prefer: wait=N`) then
   * answers the end when it happens. At once when no job of that run runs in this process.
   */
  async waitForJob(runId: string, ms: number): Promise<void> {
    const job = this.jobs.get(runId);
    if (!job || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Lets running jobs stop after their current batch (their runs stay open to be resumed), and waits for them. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled(this.jobs.values());
  }

  private async conclude(client: pg.PoolClient, run: DeletionRun, outcome: ExecutionOutcome): Promise<DeletionAnswer> {
    if (outcome.kind === 'held') {
      await this.runs.stop(client, run.runId, 'LEGAL_HOLD', `tenant ${run.tenantId} is under legal hold`);
      return this.heldAnswer(run.tenantId, await this.holds.find(client, run.tenantId));
    }
    if (outcome.kind === 'stopped') {
      throw new KitHttpError(503, 'SHUTTING_DOWN', 'the service is shutting down; retry to resume the deletion', 1);
    }
    const body = deletionBody(this.settings.serviceName, run.tenantId, outcome.counts);
    await this.runs.finish(client, run.runId, body);
    return { kind: 'done', body };
  }

  /**
   * The tenant's lock on a connection of its own, held for the whole deletion. While another deletion
   * holds it, a background job is pointed at (202 with its Location); a synchronous one is waited for.
   */
  private async lockTenant(tenantId: string): Promise<{ client: pg.PoolClient } | { accepted: string }> {
    const deadline = Date.now() + this.settings.lockWaitMs;
    for (;;) {
      const client = await this.locks.tryLock(tenantId);
      if (client) return { client };
      const open = await this.runs.open(this.db, tenantId);
      if (open?.background) return { accepted: open.runId };
      if (Date.now() >= deadline) {
        throw new KitHttpError(
          503,
          'DELETION_IN_PROGRESS',
          `another deletion of tenant ${tenantId} is in progress; retry when it has finished`,
          1,
        );
      }
      await sleep(100);
    }
  }

  /** Runs the deletion after the answer went out; the connection, and with it the tenant's lock, goes with it. */
  private startJob(
    client: pg.PoolClient,
    run: DeletionRun,
    remainingRows: number,
    requestLog: FastifyBaseLogger,
  ): void {
    const log = requestLog.child({ runId: run.runId });
    const job = (async () => {
      let discard = false;
      try {
        const outcome = await this.executor.execute({
          client,
          run,
          remainingRows,
          shouldStop: () => this.closing,
          log,
        });
        if (outcome.kind === 'stopped') log.info('deletion job paused for shutdown; the next poll resumes it');
        else await this.conclude(client, run, outcome);
      } catch (error) {
        discard = true;
        if (error instanceof SimulatedCrash) {
          log.warn({ message: error.message }, 'deletion job crashed (injected)');
        } else {
          const { code, message } = error as { code?: string; message: string };
          log.error({ code, message }, 'deletion job failed');
          await this.runs.stop(this.db, run.runId, 'FAILED', message).catch(() => undefined);
        }
      } finally {
        await this.locks.release(client, run.tenantId, discard);
        this.jobs.delete(run.runId);
      }
    })();
    this.jobs.set(run.runId, job);
  }

  private heldAnswer(tenantId: string, hold: LegalHold | undefined): HeldAnswer {
    return { kind: 'held', tenantId, hold };
  }
}
