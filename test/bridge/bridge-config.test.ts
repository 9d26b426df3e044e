import { configError } from '../config-error';
import { kafkaSecurity, loadBridgeConfig } from '../../client/bridge/bridge-config';

describe('bridge config', () => {
  it('defaults to the local stack: plaintext, port 9466', () => {
    const config = loadBridgeConfig({});
    expect(config).toMatchObject({
      BRIDGE_PORT: 9466,
      BRIDGE_GROUP_ID: 'tenant-deletion-bridge',
      BRIDGE_FROM_BEGINNING: false,
      KAFKA_SSL: false,
    });
    expect(kafkaSecurity(config)).toEqual({ ssl: false });
  });

  it('reads BRIDGE_FROM_BEGINNING=true|false and refuses anything else, naming the variable', () => {
    expect(loadBridgeConfig({ BRIDGE_FROM_BEGINNING: 'true' }).BRIDGE_FROM_BEGINNING).toBe(true);
    expect(loadBridgeConfig({ BRIDGE_FROM_BEGINNING: 'false' }).BRIDGE_FROM_BEGINNING).toBe(false);
    expect(() => loadBridgeConfig({ BRIDGE_FROM_BEGINNING: 'yes' })).toThrow(/BRIDGE_FROM_BEGINNING/);
  });

  it('builds TLS and SASL settings for a real cluster', () => {
    const config = loadBridgeConfig({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'bridge',
      KAFKA_SASL_PASSWORD: 's3cret-pass',
    });
    expect(kafkaSecurity(config)).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'bridge', password: 's3cret-pass' },
    });
  });

  it('refuses SASL without credentials and never echoes the password', () => {
    expect(() => loadBridgeConfig({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(
      /KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(
      configError(() => loadBridgeConfig({ KAFKA_SASL_MECHANISM: 'kerberos', KAFKA_SASL_PASSWORD: 'hunter2' })).message,
    ).not.toContain('hunter2');
    expect(() => loadBridgeConfig({ KAFKA_SSL: 'yes' })).toThrow(/KAFKA_SSL/);
  });
});
