import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

/**
 * Failure knobs for tests and chaos runs, all off unless set: they make a healthy service look like a
 * slow, overloaded, broken or crashing one, so that the orchestrator's retries can be exercised
 * against the real endpoints. They touch the tenant endpoints only, never /healthz or /admin.
 */

const rate = z.number().min(0).max(1);
const milliseconds = z.number().int().min(0).max(600_000);
const retryAfterSeconds = z.number().int().min(0).max(3600);

/** One scripted refusal: tests that must know which request fails (the first DELETE, say) cannot rely on a rate. */
const scriptedAnswerSchema = z.strictObject({
  status: z.number().int().min(400).max(599),
  code: z.string().min(1).max(100).default('INJECTED'),
  message: z.string().min(1).max(500).default('injected fault'),
  /** Sent as Retry-After when set. */
  retryAfterSeconds: retryAfterSeconds.optional(),
});

export const faultSettingsSchema = z
  .strictObject({
    /** Added to every tenant request. */
    latencyMs: milliseconds.default(0),
    /** Share of requests answered 503 with Retry-After. */
    unavailableRate: rate.default(0),
    /** Share answered 429 with Retry-After. */
    rateLimitedRate: rate.default(0),
    /** Share answered 500. */
    errorRate: rate.default(0),
    retryAfterSeconds: retryAfterSeconds.default(1),
    /** Share that sleep hangMs (past a client's timeout) and then answer normally. */
    hangRate: rate.default(0),
    hangMs: milliseconds.default(30_000),
    /** In batched deletions: every attempt aborts, as a crash would, after this many committed batches; 0 = never. */
    crashAfterBatches: z.number().int().min(0).default(0),
    /** Every attempt aborts, as a crash would, after a commit that recorded files and before they are unlinked. */
    crashBeforeFileRemoval: z.boolean().default(false),
    /** The next tenant requests answer these, in order, one each (after latencyMs, before any rate is drawn). */
    nextAnswers: z.array(scriptedAnswerSchema).max(100).default([]),
  })
  .refine((s) => s.unavailableRate + s.rateLimitedRate + s.errorRate + s.hangRate <= 1, {
    message: 'the rates together must not exceed 1',
  });

export type FaultSettings = z.infer<typeof faultSettingsSchema>;
/** What a caller may set: every knob has a default, so none is required. */
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;

export interface InjectedFailure {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** Thrown where a crash was injected: the caller drops the work (and the client's connection) unfinished. */
export class SimulatedCrash extends Error {
  /** `when` completes "injected crash …": `after 3 committed batches`. */
  constructor(when: string) {
    super(`injected crash ${when}`);
    this.name = 'SimulatedCrash';
  }
}

export class FaultInjector {
  private current: FaultSettings;

  constructor(
    initial: FaultSettingsInput = {},
    private readonly random: () => number = Math.random,
  ) {
    this.current = faultSettingsSchema.parse(initial);
  }

  get settings(): FaultSettings {
    return this.current;
  }

  /** Replaces every setting at once (unset ones go back to off); throws a ZodError on a bad body. */
  replace(input: unknown): FaultSettings {
    this.current = faultSettingsSchema.parse(input ?? {});
    return this.current;
  }

  /** Delays the request as set, then picks at most one fault with a single draw; undefined lets it through. */
  async beforeTenantRequest(): Promise<InjectedFailure | undefined> {
    const s = this.current;
    if (s.latencyMs > 0) await sleep(s.latencyMs);
    // From the current settings, not `s`: another request may have taken an answer while this one slept.
    const [scripted, ...rest] = this.current.nextAnswers;
    if (scripted) {
      this.current = { ...this.current, nextAnswers: rest };
      return scripted;
    }
    const draw = this.random();
    let bound = s.unavailableRate;
    if (draw < bound) {
      return {
        status: 503,
        code: 'UNAVAILABLE',
        message: 'injected fault: unavailable',
        retryAfterSeconds: s.retryAfterSeconds,
      };
    }
    bound += s.rateLimitedRate;
    if (draw < bound) {
      return {
        status: 429,
        code: 'RATE_LIMITED',
        message: 'injected fault: rate limited',
        retryAfterSeconds: s.retryAfterSeconds,
      };
    }
    bound += s.errorRate;
    if (draw < bound) return { status: 500, code: 'INTERNAL', message: 'injected fault: internal error' };
    bound += s.hangRate;
    if (draw < bound) await sleep(s.hangMs);
    return undefined;
  }

  crashDue(committedBatches: number): boolean {
    return this.current.crashAfterBatches > 0 && committedBatches >= this.current.crashAfterBatches;
  }
}
