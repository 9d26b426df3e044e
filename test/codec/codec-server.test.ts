import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { buildCodecServer } from '../../client/codec-server/codec-server';
import { loadCodecServerConfig } from '../../client/codec-server/codec-server-config';
import { fromPayloadJson, toPayloadJson } from '../../client/codec-server/payload-json';
import { AesGcmPayloadCodec } from '../../common/payload-codec';

const codec = new AesGcmPayloadCodec([{ id: 'k1', key: randomBytes(32) }]);
const UI = 'http://localhost:8233';
const token = 'a-codec-server-token-of-32-characters!';
const app = buildCodecServer({
  codec,
  config: loadCodecServerConfig({}),
  logger: pino({ level: 'silent' }),
});
const guarded = buildCodecServer({
  codec,
  config: loadCodecServerConfig({ CODEC_SERVER_TOKEN: token, CODEC_SERVER_NAMESPACES: 'tenants,default' }),
  logger: pino({ level: 'silent' }),
});
afterAll(async () => {
  await app.close();
  await guarded.close();
});

const input = { tenantId: 'tenant-marker-51c2' };
const plainJson = () => ({ payloads: [toPayloadJson(defaultPayloadConverter.toPayload(input))] });

describe('the codec server', () => {
  it('encodes and decodes Payloads JSON, under any path prefix', async () => {
    const encoded = await app.inject({ method: 'POST', url: '/default/encode', payload: plainJson() });
    expect(encoded.statusCode).toBe(200);
    const [payload] = encoded.json().payloads;
    expect(Buffer.from(payload.data, 'base64').toString()).not.toContain('tenant-marker');
    expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');

    const decoded = await app.inject({
      method: 'POST',
      url: '/decode',
      headers: { 'x-namespace': 'default', origin: UI },
      payload: encoded.json(),
    });
    expect(decoded.statusCode).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(UI);
    expect(defaultPayloadConverter.fromPayload(fromPayloadJson(decoded.json().payloads[0]))).toEqual(input);
  });

  it('answers the Web UI’s CORS preflight, and refuses other origins', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/decode',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-namespace' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': UI,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization',
    });
    const other = await app.inject({ method: 'OPTIONS', url: '/decode', headers: { origin: 'https://evil.example' } });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.json().error).toContain('CODEC_SERVER_CORS_ORIGINS');
    const post = await app.inject({
      method: 'POST',
      url: '/decode',
      headers: { origin: 'https://evil.example' },
      payload: plainJson(),
    });
    expect(post.statusCode).toBe(403);
  });

  it('answers 400 for a body that is not Payloads JSON, and for payloads it cannot decode', async () => {
    const notJson = await app.inject({
      method: 'POST',
      url: '/decode',
      headers: { 'content-type': 'application/json' },
      payload: '{"payloads": [',
    });
    expect(notJson.statusCode).toBe(400);
    const wrongShape = await app.inject({ method: 'POST', url: '/decode', payload: { payloads: [{ data: 42 }] } });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().error).toContain('payloads.0.data');

    const foreign = await new AesGcmPayloadCodec([{ id: 'k0', key: randomBytes(32) }]).encode([
      defaultPayloadConverter.toPayload(input),
    ]);
    const unknownKey = await app.inject({
      method: 'POST',
      url: '/decode',
      payload: { payloads: foreign.map(toPayloadJson) },
    });
    expect(unknownKey.statusCode).toBe(400);
    expect(unknownKey.json().error).toContain('encrypted with key "k0"');
  });

  it('passes unencrypted payloads through /decode', async () => {
    const response = await app.inject({ method: 'POST', url: '/decode', payload: plainJson() });
    expect(response.json()).toEqual(plainJson());
  });

  it('answers /healthz and 404 for other paths', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'POST', url: '/transcode', payload: plainJson() })).statusCode).toBe(404);
  });

  it('with a token, refuses calls without it; serves only its namespaces', async () => {
    const call = (headers: Record<string, string>) =>
      guarded.inject({ method: 'POST', url: '/decode', headers, payload: plainJson() });
    const missing = await call({});
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await call({ authorization: `Bearer ${token}x` })).statusCode).toBe(401);
    expect((await call({ authorization: `Bearer ${token}`, 'x-namespace': 'tenants' })).statusCode).toBe(200);
    // The Temporal CLI sends an empty X-Namespace.
    expect((await call({ authorization: `Bearer ${token}`, 'x-namespace': '' })).statusCode).toBe(200);
    const otherNamespace = await call({ authorization: `Bearer ${token}`, 'x-namespace': 'billing' });
    expect(otherNamespace.statusCode).toBe(403);
    expect(otherNamespace.json().error).toBe(
      'namespace billing is not served here (serving tenants, default; CODEC_SERVER_NAMESPACES)',
    );
    expect((await guarded.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('loadCodecServerConfig', () => {
  it('defaults to port 8081, the local Web UI origin and the configured namespace', () => {
    expect(loadCodecServerConfig({ TEMPORAL_NAMESPACE: 'tenants' })).toEqual({
      port: 8081,
      host: 'localhost',
      corsOrigins: ['http://localhost:8233'],
      namespaces: ['tenants'],
      token: undefined,
    });
    expect(loadCodecServerConfig({ CODEC_SERVER_NAMESPACES: '*' }).namespaces).toBeUndefined();
  });

  it('names bad values, but never echoes the token', () => {
    expect(() =>
      loadCodecServerConfig({ CODEC_SERVER_PORT: 'eighty', CODEC_SERVER_CORS_ORIGINS: 'localhost:8233/' }),
    ).toThrow(
      /CODEC_SERVER_PORT must be a port number \(got "eighty"\)[\s\S]*CODEC_SERVER_CORS_ORIGINS must be origins/,
    );
    expect(() => loadCodecServerConfig({ CODEC_SERVER_TOKEN: 'short-secret' })).toThrow(
      /^invalid configuration:\n {2}- CODEC_SERVER_TOKEN must be at least 32 characters$/,
    );
  });
});
