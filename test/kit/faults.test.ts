import { FaultInjector } from '../../services/kit/faults';

describe('FaultInjector', () => {
  it('lets everything through by default', async () => {
    const faults = new FaultInjector({}, () => 0);
    expect(await faults.beforeTenantRequest()).toBeUndefined();
    expect(faults.crashDue(1000)).toBe(false);
  });

  it('picks at most one fault per request with a single draw over the rates', async () => {
    const settings = { unavailableRate: 0.25, rateLimitedRate: 0.25, errorRate: 0.25, retryAfterSeconds: 3 };
    const at = (draw: number) => new FaultInjector(settings, () => draw).beforeTenantRequest();
    expect(await at(0.1)).toMatchObject({ status: 503, retryAfterSeconds: 3 });
    expect(await at(0.3)).toMatchObject({ status: 429, retryAfterSeconds: 3 });
    expect(await at(0.6)).toMatchObject({ status: 500 });
    expect(await at(0.9)).toBeUndefined();
  });

  it('answers the scripted refusals first, one request each and in order, then draws as before', async () => {
    const faults = new FaultInjector(
      {
        errorRate: 1,
        nextAnswers: [
          { status: 503, code: 'UNAVAILABLE', message: 'warming up', retryAfterSeconds: 2 },
          { status: 422 },
        ],
      },
      () => 0,
    );
    expect(await faults.beforeTenantRequest()).toEqual({
      status: 503,
      code: 'UNAVAILABLE',
      message: 'warming up',
      retryAfterSeconds: 2,
    });
    expect(await faults.beforeTenantRequest()).toEqual({ status: 422, code: 'INJECTED', message: 'injected fault' });
    expect(faults.settings.nextAnswers).toEqual([]);
    expect(await faults.beforeTenantRequest()).toMatchObject({ status: 500 });
    expect(() => faults.replace({ nextAnswers: [{ status: 200 }] })).toThrow();
  });

  it('crashes after the configured number of committed batches', () => {
    const faults = new FaultInjector({ crashAfterBatches: 2 });
    expect(faults.crashDue(1)).toBe(false);
    expect(faults.crashDue(2)).toBe(true);
  });

  it('replaces every knob at once and refuses rates that add up past 1', () => {
    const faults = new FaultInjector({ errorRate: 1 });
    expect(faults.replace({ latencyMs: 5 })).toMatchObject({ latencyMs: 5, errorRate: 0 });
    expect(() => faults.replace({ errorRate: 0.7, hangRate: 0.7 })).toThrow();
    expect(() => faults.replace({ unknownKnob: 1 })).toThrow();
  });
});
