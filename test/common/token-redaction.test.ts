import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { REDACTED, redactTokens } from '../../common/token-redaction';
import { fuzzSeed } from '../fuzz-seed';

const { privateKey } = generateKeyPairSync('ed25519');
let token: string;

beforeAll(async () => {
  token = await new SignJWT({ roles: ['operator'] })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setSubject('ops-1')
    .setAudience('tenant-deletion-api')
    .setExpirationTime('1h')
    .sign(privateKey);
});

const message = (authorization: unknown) =>
  JSON.stringify({
    traceId: 't-1',
    key: 'tenant-1',
    authorization,
    payload: { tenantId: 'tenant-1', serviceInstanceId: 'srv.abc.001', timestamp: '2026-02-11T12:00:00.000Z' },
  });

describe('redactTokens', () => {
  it("replaces the authorization field's token and keeps every other byte", () => {
    const original = message(token);
    const redacted = redactTokens(original);
    expect(redacted).toBe(original.replace(token, REDACTED));
    expect(JSON.parse(redacted).authorization).toBe(REDACTED);
  });

  it('replaces whatever the authorization field holds, in any case and spacing', () => {
    const text = '{"Authorization" :  "Bearer let-me-in \\" still the value", "key": "tenant-1"}';
    expect(redactTokens(text)).toBe(`{"Authorization" :  "${REDACTED}", "key": "tenant-1"}`);
  });

  it('finds a signed JWT outside the authorization field, in JSON or not', () => {
    expect(redactTokens(JSON.stringify({ token, key: 'tenant-1' }))).toBe(
      JSON.stringify({ token: REDACTED, key: 'tenant-1' }),
    );
    expect(redactTokens(`{oops ${token}, "key"`)).toBe(`{oops ${REDACTED}, "key"`);
    expect(redactTokens(`prefix.${token}.suffix`)).toBe(`prefix.${REDACTED}.suffix`);
    // An unsigned JWT (`alg: none`) carries claims someone meant to pass: taken out too.
    const unsigned = `${token.split('.').slice(0, 2).join('.')}.`;
    expect(redactTokens(`x ${unsigned} y`)).toBe(`x ${REDACTED} y`);
  });

  it('leaves dotted ids, addresses, timestamps and text alone', () => {
    const text = 'srv.abc.001 10.0.0.1:9092 2026-02-11T12:00:00.000Z a.b.c eyJ.eyJ.x tenant-1.v2.final';
    expect(redactTokens(text)).toBe(text);
  });

  it('takes one pass over long runs without dots or with many, as an oversized message has', () => {
    const started = Date.now();
    redactTokens('x'.repeat(200_000));
    redactTokens('ab.'.repeat(70_000));
    redactTokens(`${token}.`.repeat(500));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('never leaves a token in any message that carries one', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (before, after) => {
        const text = `${before} ${token} ${after}`;
        return !redactTokens(text).includes(token.split('.')[1]);
      }),
      { numRuns: 500, seed: fuzzSeed('redactTokens around a token') },
    );
  });
});
