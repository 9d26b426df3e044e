import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { configError } from '../config-error';
import { AesGcmPayloadCodec } from '../../common/payload-codec';
import { temporalAccess, temporalConnectionOptions } from '../../common/temporal-connection';

/** Connection options and access built from the environment: TLS, mTLS, API key, the codec, and their errors. */

const API_KEY = 'tc-api-key-5f0e6d0a9b8c7d6e5f4a3b2c1d0e';
const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const PRIVATE_KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CODEC_KEYS = `k1:${randomBytes(32).toString('base64')}`;

let dir: string;
const file = (name: string, contents: string) => {
  const target = path.join(dir, name);
  fs.writeFileSync(target, contents);
  return target;
};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-connection-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** loadConfig then the options, as every program does. */
const optionsFor = (env: NodeJS.ProcessEnv) => temporalConnectionOptions(loadConfig(env));

const problems = (build: () => unknown): string => configError(build).message;

describe('temporalConnectionOptions', () => {
  it('is plaintext to the local stack when nothing is set', () => {
    expect(optionsFor({})).toEqual({ address: 'localhost:7233' });
    expect(optionsFor({ TEMPORAL_TLS: 'false' })).toEqual({ address: 'localhost:7233' });
  });

  it('turns TLS on with the system roots for TEMPORAL_TLS=true', () => {
    expect(optionsFor({ TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_TLS: 'true' })).toEqual({
      address: 'temporal.example.com:7233',
      tls: {},
    });
  });

  it('builds mTLS from the CA, certificate and key files, with a server name', () => {
    const ca = file('ca.pem', CERTIFICATE_PEM);
    const cert = file('client.pem', CERTIFICATE_PEM);
    const key = file('client.key', PRIVATE_KEY_PEM);
    const options = optionsFor({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_CA_FILE: ca,
      TEMPORAL_TLS_CERT_FILE: cert,
      TEMPORAL_TLS_KEY_FILE: key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(options).toEqual({
      address: '10.0.0.5:7233',
      tls: {
        serverNameOverride: 'temporal.internal',
        serverRootCACertificate: Buffer.from(CERTIFICATE_PEM),
        clientCertPair: { crt: Buffer.from(CERTIFICATE_PEM), key: Buffer.from(PRIVATE_KEY_PEM) },
      },
    });
  });

  it('sends an API key over TLS, from the variable or a file (Temporal Cloud)', () => {
    const address = 'my-ns.a1b2c.tmprl.cloud:7233';
    expect(optionsFor({ TEMPORAL_ADDRESS: address, TEMPORAL_API_KEY: API_KEY })).toEqual({
      address,
      tls: {},
      apiKey: API_KEY,
    });
    // A mounted secret usually ends with a newline.
    const keyFile = file('api-key', `${API_KEY}\n`);
    expect(optionsFor({ TEMPORAL_ADDRESS: address, TEMPORAL_API_KEY_FILE: keyFile })).toEqual({
      address,
      tls: {},
      apiKey: API_KEY,
    });
  });

  it('names the variable of a missing file, and of a file without PEM, listing every problem at once', () => {
    const message = problems(() =>
      optionsFor({
        TEMPORAL_TLS_CA_FILE: path.join(dir, 'missing-ca.pem'),
        TEMPORAL_TLS_CERT_FILE: file('cert.pem', 'not a certificate'),
        TEMPORAL_TLS_KEY_FILE: file('key.pem', CERTIFICATE_PEM),
        TEMPORAL_API_KEY_FILE: path.join(dir, 'missing-key'),
      }),
    );
    expect(message).toContain(`TEMPORAL_TLS_CA_FILE names ${dir}/missing-ca.pem, which does not exist`);
    expect(message).toContain(`TEMPORAL_TLS_CERT_FILE names ${dir}/cert.pem, which holds no certificate in PEM`);
    expect(message).toContain(`TEMPORAL_TLS_KEY_FILE names ${dir}/key.pem, which holds no private key in PEM`);
    expect(message).toContain(`TEMPORAL_API_KEY_FILE names ${dir}/missing-key, which does not exist`);
    expect(message).not.toContain('MIIB');
  });

  it('refuses an empty API key file, or one holding more than the key, without quoting it', () => {
    expect(problems(() => optionsFor({ TEMPORAL_API_KEY_FILE: file('empty', '\n') }))).toContain('which is empty');
    const message = problems(() => optionsFor({ TEMPORAL_API_KEY_FILE: file('env', `TEMPORAL_API_KEY=${API_KEY} x`) }));
    expect(message).toContain('holds more than one token: put only the API key in it');
    expect(message).not.toContain(API_KEY);
  });
});

describe('the TLS variables in loadConfig', () => {
  it('needs both halves of the client certificate, naming the missing one', () => {
    expect(problems(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: '/etc/tls/client.pem' }))).toContain(
      'TEMPORAL_TLS_KEY_FILE is not set, but TEMPORAL_TLS_CERT_FILE is: mTLS needs both, or neither',
    );
    expect(problems(() => loadConfig({ TEMPORAL_TLS_KEY_FILE: '/etc/tls/client.key' }))).toMatch(
      /TEMPORAL_TLS_CERT_FILE is not set, but TEMPORAL_TLS_KEY_FILE is: mTLS needs both, or neither$/m,
    );
  });

  it('refuses an API key with TLS turned off, or from two sources, never echoing it', () => {
    const plaintext = problems(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY }));
    expect(plaintext).toContain('TEMPORAL_TLS is false, but TEMPORAL_API_KEY needs TLS: unset it (got "false")');
    const twice = problems(() => loadConfig({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_API_KEY_FILE: '/run/key' }));
    expect(twice).toContain('TEMPORAL_API_KEY_FILE and TEMPORAL_API_KEY are both set: set only one');
    const spaced = problems(() => loadConfig({ TEMPORAL_API_KEY: `${API_KEY} extra` }));
    expect(spaced).toContain('TEMPORAL_API_KEY must be one token, without spaces');
    for (const message of [plaintext, twice, spaced]) expect(message).not.toContain(API_KEY);
  });

  it('names a bad flag or server name', () => {
    expect(problems(() => loadConfig({ TEMPORAL_TLS: 'yes' }))).toContain(
      'TEMPORAL_TLS must be true or false (got "yes")',
    );
    expect(problems(() => loadConfig({ TEMPORAL_TLS_SERVER_NAME: 'https://x/' }))).toContain(
      'TEMPORAL_TLS_SERVER_NAME must be a host name',
    );
  });
});

describe('temporalAccess', () => {
  it('joins the connection, the namespace and the codec, and describes them without secrets', () => {
    const access = temporalAccess(loadConfig({ TEMPORAL_NAMESPACE: 'tenants', TEMPORAL_API_KEY: API_KEY }), {
      PAYLOAD_CODEC_KEYS: CODEC_KEYS,
    });
    expect(access.namespace).toBe('tenants');
    expect(access.connection.apiKey).toBe(API_KEY);
    expect(access.dataConverter.payloadCodecs).toEqual([expect.any(AesGcmPayloadCodec)]);
    expect(access.dataConverter.failureConverterPath).toMatch(/encrypted-failure-converter/);
    expect(access.description).toBe(
      'Temporal localhost:7233, namespace tenants (TLS, API key from TEMPORAL_API_KEY); ' +
        'payloads encrypted with AES-256-GCM, key "k1" (from PAYLOAD_CODEC_KEYS)',
    );
    expect(access.description).not.toContain(API_KEY);
  });

  it('describes mTLS by its files', () => {
    const access = temporalAccess(
      loadConfig({
        TEMPORAL_TLS_CA_FILE: file('ca.pem', CERTIFICATE_PEM),
        TEMPORAL_TLS_CERT_FILE: file('client.pem', CERTIFICATE_PEM),
        TEMPORAL_TLS_KEY_FILE: file('client.key', PRIVATE_KEY_PEM),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
      { PAYLOAD_CODEC: 'off' },
    );
    expect(access.dataConverter).toEqual({});
    expect(access.description).toBe(
      `Temporal localhost:7233, namespace default (TLS, CA ${dir}/ca.pem, client certificate ${dir}/client.pem, ` +
        'server name temporal.internal); payload codec off (PAYLOAD_CODEC=off): Temporal stores payloads readable',
    );
  });

  it('reports connection and codec problems together', () => {
    const message = problems(() =>
      temporalAccess(loadConfig({ TEMPORAL_TLS_CA_FILE: path.join(dir, 'ca.pem') }), {
        TDEL_STATE_DIR: path.join(dir, 'no-stack'),
      }),
    );
    expect(message).toContain('TEMPORAL_TLS_CA_FILE names');
    expect(message).toContain('PAYLOAD_CODEC_KEYS is not set');
  });
});
