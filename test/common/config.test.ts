import { ConfigError, loadConfig } from '../../common/config';
import { configError } from '../config-error';

describe('loadConfig', () => {
  it('gives the local stack defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      KAFKA_BROKERS: ['localhost:9092'],
      KAFKA_SSL: false,
      DATABASE_URL: 'postgres://postgres@localhost:5432/tenant_deletion',
      APPROVAL_THRESHOLD_RECORDS: 1_000_000,
      BLAST_RADIUS_MAX_WHOLE_TENANT: 50,
      BLAST_RADIUS_WINDOW_HOURS: 24,
      REQUEST_MAX_AGE_HOURS: 72,
      GRACE_PERIOD_SECONDS: 0,
      TENANT_REGISTRY_URL: 'http://localhost:8100',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', KAFKA_BROKERS: '' }).TEMPORAL_ADDRESS).toBe('localhost:7233');
  });

  it('splits a broker list and coerces numbers', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9093', APPROVAL_THRESHOLD_RECORDS: '5000' });
    expect(config.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9093']);
    expect(config.APPROVAL_THRESHOLD_RECORDS).toBe(5000);
  });

  it.each([
    ['TEMPORAL_ADDRESS', 'localhost', 'must be host:port'],
    ['TEMPORAL_NAMESPACE', 'bad namespace!', 'must be a Temporal namespace name'],
    ['KAFKA_BROKERS', 'k1:9092,,', 'must be host:port'],
    ['DATABASE_URL', 'mysql://x@y/z', 'must be a postgres:// URL'],
    ['APPROVAL_THRESHOLD_RECORDS', '-3', 'must be greater than 0'],
    ['APPROVAL_THRESHOLD_RECORDS', '1.5', 'must be a whole number'],
    ['APPROVAL_THRESHOLD_RECORDS', 'lots', 'must be a whole number'],
    ['SERVICE_TOKEN_JWKS_URL', 'ftp://keys/jwks.json', 'must be an http\\(s\\):// or file:// URL, or a file path'],
    ['REQUEST_MAX_AGE_HOURS', '0', 'must be greater than 0'],
    ['REQUEST_MAX_AGE_HOURS', '3 days', 'must be a whole number'],
  ])('rejects %s=%j naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`${variable} ${message}`));
  });

  it('never echoes values that may hold credentials', () => {
    const url = 'mysql://admin:p4ssw0rd@db/x';
    const key = 'tk_live_0123 with a space';
    const { message, problems } = configError(() => loadConfig({ TEMPORAL_API_KEY: key, DATABASE_URL: url }));
    expect(problems).toHaveLength(2);
    expect(message).not.toContain(key);
    expect(message).not.toContain('p4ssw0rd');
  });

  it("takes the token authorities' key files and JWKS locations as set", () => {
    const config = loadConfig({
      SERVICE_TOKEN_SIGNING_KEY_FILE: '/run/keys/orchestrator.pem',
      SERVICE_TOKEN_JWKS_URL: 'https://keys.example/orchestrator/jwks.json',
      READER_TOKEN_JWKS_URL: 'file:///etc/tenant-deletion/readers-jwks.json',
      ADMIN_TOKEN_JWKS_URL: 'keys/admin-jwks.json',
    });
    expect(config.SERVICE_TOKEN_JWKS_URL).toBe('https://keys.example/orchestrator/jwks.json');
    expect(config.ADMIN_TOKEN_JWKS_URL).toBe('keys/admin-jwks.json');
  });

  it('no longer knows the HS256 secret', () => {
    expect(loadConfig({ SERVICE_TOKEN_SECRET: 'x'.repeat(40) })).not.toHaveProperty('SERVICE_TOKEN_SECRET');
  });

  it('echoes harmless values to help fix them', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'nohost' })).toThrow('(got "nohost")');
  });
});
