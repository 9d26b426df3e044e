import { LogTimestamp } from '@temporalio/worker';
import { forwardedCoreLogs, temporalRuntimeLogger } from '../../../common/logging/temporal-runtime-logger';

function capture() {
  const lines: string[] = [];
  return { parsed: () => lines.map((line) => JSON.parse(line)), stream: { write: (s: string) => lines.push(s) } };
}

describe('temporalRuntimeLogger', () => {
  it("writes each SDK entry at its level with the SDK's meta as fields, minus the task token", () => {
    const out = capture();
    const logger = temporalRuntimeLogger('worker', { LOG_LEVEL: 'trace' }, out.stream);
    const meta = {
      sdkComponent: 'activity',
      namespace: 'default',
      taskQueue: 'service-deletion.orders',
      workflowId: 'instance-deletion:t-1:orders-1',
      workflowRunId: 'run-1',
      activityType: 'deleteInstance',
      taskToken: 'CiQ...',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
    };
    logger.trace('t', meta);
    logger.debug('d', meta);
    logger.info('i', meta);
    logger.warn('w', meta);
    logger.error('e', meta);
    logger.log('WARN', 'via log', meta);
    const lines = out.parsed();
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [10, 't'],
      [20, 'd'],
      [30, 'i'],
      [40, 'w'],
      [50, 'e'],
      [40, 'via log'],
    ]);
    const { taskToken: _dropped, ...kept } = meta;
    for (const line of lines) {
      expect(line).toMatchObject({ name: 'worker', ...kept });
      expect(line).not.toHaveProperty('taskToken');
    }
  });

  it("dates a line by the entry's own timestamp, not by when the SDK's buffer let it out", () => {
    const out = capture();
    const made = Date.parse('2026-01-02T03:04:05.678Z');
    temporalRuntimeLogger('worker', {}, out.stream).info('late', { [LogTimestamp]: BigInt(made) * 1_000_000n + 123n });
    temporalRuntimeLogger('worker', {}, out.stream).info('now');
    expect(out.parsed()[0].time).toBe(made);
    expect(Math.abs(out.parsed()[1].time - Date.now())).toBeLessThan(5_000);
  });

  it('filters by LOG_LEVEL', () => {
    const out = capture();
    const logger = temporalRuntimeLogger('worker', { LOG_LEVEL: 'warn' }, out.stream);
    logger.info('dropped');
    logger.warn('kept');
    expect(out.parsed().map((line) => line.msg)).toEqual(['kept']);
  });
});

describe('forwardedCoreLogs', () => {
  it("forwards Core's lines from LOG_LEVEL up, its dependencies' only as errors unless debugging", () => {
    expect(forwardedCoreLogs({})).toEqual({ filter: { core: 'INFO', other: 'ERROR' }, forward: {} });
    expect(forwardedCoreLogs({ LOG_LEVEL: 'debug' })).toEqual({
      filter: { core: 'DEBUG', other: 'WARN' },
      forward: {},
    });
    expect(forwardedCoreLogs({ LOG_LEVEL: 'fatal' })).toEqual({
      filter: { core: 'ERROR', other: 'ERROR' },
      forward: {},
    });
  });
});
