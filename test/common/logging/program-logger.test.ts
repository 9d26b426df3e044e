import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError } from '../../../common/config-error';
import { programLogger } from '../../../common/logging/program-logger';
import { registerActiveSpanTracer } from '../../active-span-tracer';

/** A pino destination that keeps each line as written. */
function capture() {
  const lines: string[] = [];
  return {
    lines,
    parsed: () => lines.map((line) => JSON.parse(line)),
    stream: { write: (s: string) => lines.push(s) },
  };
}

const provider = registerActiveSpanTracer();

describe('programLogger', () => {
  it('writes one JSON line per call with the program name, a numeric level and msg', () => {
    const out = capture();
    programLogger('worker', {}, {}, out.stream).info({ requestId: 'r-1' }, 'hello');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0].endsWith('\n')).toBe(true);
    expect(out.parsed()[0]).toMatchObject({ name: 'worker', level: 30, msg: 'hello', requestId: 'r-1' });
    expect(out.parsed()[0]).not.toHaveProperty('trace_id');
  });

  it('adds the trace and span ids of the active span', async () => {
    const out = capture();
    const logger = programLogger('worker', {}, {}, out.stream);
    await provider.getTracer('test').startActiveSpan('work', async (span) => {
      await Promise.resolve();
      logger.info('inside');
      span.end();
      expect(out.parsed()[0]).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
    });
  });

  it('takes its level from LOG_LEVEL, and refuses one pino does not know', () => {
    const out = capture();
    const logger = programLogger('worker', { LOG_LEVEL: 'WARN' }, {}, out.stream);
    logger.info('dropped');
    logger.warn('kept');
    expect(out.parsed().map((line) => line.msg)).toEqual(['kept']);
    expect(() => programLogger('worker', { LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => programLogger('worker', { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of .*"loud"/);
  });

  it('writes no token: an authorization value, or a JWT in the message, a field or an error', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const token = await new SignJWT({ sub: 'someone' }).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
    const out = capture();
    const logger = programLogger('bridge', {}, {}, out.stream);
    logger.info({ headers: { Authorization: 'Bearer opaque-secret' } }, 'a request');
    logger.warn({ note: `token=${token}` }, `refused ${token}`);
    logger.error({ err: new Error(`bad token ${token}`) }, 'failed');
    const text = out.lines.join('');
    expect(text).not.toContain('eyJ');
    expect(text).not.toContain('opaque-secret');
    expect(out.parsed()[0].headers.Authorization).toBe('[REDACTED]');
    expect(out.parsed()[1]).toMatchObject({ note: 'token=[REDACTED]', msg: 'refused [REDACTED]' });
    expect(out.parsed()[2].err.message).toBe('bad token [REDACTED]');
  });
});
