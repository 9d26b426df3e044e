import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { temporalConnectionOptions } from '../../common/temporal-connection';
import { configError } from '../config-error';

/** Temporal's standard client profiles (envconfig) under this project's TEMPORAL_* variables, and who wins. */

const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const PRIVATE_KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let dir: string;
const write = (name: string, contents: string) => {
  const target = path.join(dir, name);
  fs.writeFileSync(target, contents);
  return target;
};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-profile-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A config file with a plaintext `default` profile and a Temporal Cloud-like `cloud` one, with its CA file. */
function profiles(): string {
  const ca = write('ca.pem', CERTIFICATE_PEM);
  return write(
    'temporal.toml',
    `[profile.default]
address = "temporal.internal:7233"
namespace = "deletions"

[profile.cloud]
address = "deletions.a1b2c.tmprl.cloud:7233"
namespace = "deletions.a1b2c"
api_key = "profile-api-key"

[profile.cloud.tls]
server_ca_cert_path = "${ca}"
server_name = "deletions.a1b2c.tmprl.cloud"
`,
  );
}

describe('a Temporal config profile', () => {
  it('fills address and namespace from the default profile of TEMPORAL_CONFIG_FILE', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: profiles() });
    expect(config).toMatchObject({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'deletions' });
    expect(temporalConnectionOptions(config)).toEqual({ address: 'temporal.internal:7233' });
  });

  it('reads the default file under XDG_CONFIG_HOME (or ~/.config) as the temporal CLI does', () => {
    fs.mkdirSync(path.join(dir, 'temporalio'));
    fs.copyFileSync(profiles(), path.join(dir, 'temporalio', 'temporal.toml'));
    expect(loadConfig({ XDG_CONFIG_HOME: dir }).TEMPORAL_ADDRESS).toBe('temporal.internal:7233');
  });

  it('takes the profile TEMPORAL_PROFILE names, with its API key and TLS', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: profiles(), TEMPORAL_PROFILE: 'cloud' });
    expect(temporalConnectionOptions(config)).toEqual({
      address: 'deletions.a1b2c.tmprl.cloud:7233',
      apiKey: 'profile-api-key',
      tls: {
        serverNameOverride: 'deletions.a1b2c.tmprl.cloud',
        serverRootCACertificate: Buffer.from(CERTIFICATE_PEM),
      },
    });
    expect(config.TEMPORAL_NAMESPACE).toBe('deletions.a1b2c');
  });

  it("lets this project's variables win over the profile, setting by setting", () => {
    const keyFile = write('api-key', 'env-api-key\n');
    const config = loadConfig({
      TEMPORAL_CONFIG_FILE: profiles(),
      TEMPORAL_PROFILE: 'cloud',
      TEMPORAL_NAMESPACE: 'other.a1b2c',
      TEMPORAL_API_KEY_FILE: keyFile,
    });
    // The namespace and the key come from the environment; the address and the TLS settings from the profile.
    expect(config.TEMPORAL_NAMESPACE).toBe('other.a1b2c');
    expect(temporalConnectionOptions(config)).toMatchObject({
      address: 'deletions.a1b2c.tmprl.cloud:7233',
      apiKey: 'env-api-key',
      tls: { serverNameOverride: 'deletions.a1b2c.tmprl.cloud' },
    });
  });

  it("reads envconfig's names for the TLS files and inline PEM, below this project's names", () => {
    const cert = write('client.pem', CERTIFICATE_PEM);
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CERT_FILE: cert,
        TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'ignored-as-TEMPORAL_TLS_CERT_FILE-is-set.pem'),
        TEMPORAL_TLS_CLIENT_KEY_DATA: PRIVATE_KEY_PEM,
        TEMPORAL_TLS_SERVER_CA_CERT_DATA: CERTIFICATE_PEM,
      }),
    );
    expect(options.tls).toEqual({
      serverRootCACertificate: Buffer.from(CERTIFICATE_PEM),
      clientCertPair: { crt: Buffer.from(CERTIFICATE_PEM), key: Buffer.from(PRIVATE_KEY_PEM) },
    });
    expect(
      configError(() =>
        loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert, TEMPORAL_TLS_SERVER_CA_CERT_DATA: CERTIFICATE_PEM }),
      ).message,
    ).toContain('TEMPORAL_TLS_SERVER_CA_CERT_DATA and TEMPORAL_TLS_CA_FILE are both set: set only one');
  });

  it('drops the profile TLS settings when TEMPORAL_TLS=false, and still refuses its API key in plaintext', () => {
    const file = profiles();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('api_key = "profile-api-key"\n', ''));
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_TLS: 'false' });
    expect(temporalConnectionOptions(config)).toEqual({ address: 'deletions.a1b2c.tmprl.cloud:7233' });
    expect(
      configError(() =>
        loadConfig({ TEMPORAL_CONFIG_FILE: profiles(), TEMPORAL_PROFILE: 'cloud', TEMPORAL_TLS: 'false' }),
      ).message,
    ).toContain('TEMPORAL_TLS is false, but TEMPORAL_API_KEY needs TLS');
  });

  it('names TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE or the gRPC metadata variable when they are wrong', () => {
    expect(configError(() => loadConfig({ TEMPORAL_CONFIG_FILE: path.join(dir, 'none.toml') })).message).toContain(
      'TEMPORAL_CONFIG_FILE names',
    );
    expect(
      configError(() => loadConfig({ TEMPORAL_CONFIG_FILE: profiles(), TEMPORAL_PROFILE: 'staging' })).message,
    ).toMatch(/TEMPORAL_PROFILE staging names no profile of .*temporal\.toml/);
    const typo = write('typo.toml', '[profile.default]\nadress = "x:1"\n');
    expect(configError(() => loadConfig({ TEMPORAL_CONFIG_FILE: typo })).message).toMatch(
      /TEMPORAL_CONFIG_FILE: .*typo\.toml cannot be used: .*adress/,
    );
    const meta = write('meta.toml', '[profile.default]\n[profile.default.grpc_meta]\nx-team = "a"\n');
    expect(configError(() => loadConfig({ TEMPORAL_CONFIG_FILE: meta })).message).toContain('grpc_meta');
    expect(configError(() => loadConfig({ TEMPORAL_GRPC_META_X_TEAM: 'a' })).message).toContain(
      'TEMPORAL_GRPC_META_X_TEAM: gRPC metadata is not supported',
    );
  });

  it('never echoes an inline private key', () => {
    const message = configError(() => loadConfig({ TEMPORAL_TLS_CLIENT_KEY_DATA: PRIVATE_KEY_PEM })).message;
    expect(message).toContain('TEMPORAL_TLS_CERT_FILE is not set, but TEMPORAL_TLS_CLIENT_KEY_DATA is');
    expect(message).not.toContain('PRIVATE KEY');
  });
});
