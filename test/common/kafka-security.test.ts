import { loadConfig } from '../../common/config';
import { kafkaSecurity } from '../../common/kafka-security';
import { configError } from '../config-error';

/**
 * Kafka TLS and SASL are read once, by loadConfig, for every program: the workers build their producer from the same
 * config (kafkaPublisher takes it whole) as the bridge its consumer and DLQ producer.
 */
describe('Kafka security settings', () => {
  it('is plaintext without SASL on the local stack', () => {
    expect(kafkaSecurity(loadConfig({}))).toEqual({ ssl: false });
  });

  it('builds TLS and SASL settings for a real cluster, as the worker and the bridge read them', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'b-1.kafka.example.com:9096,b-2.kafka.example.com:9096',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'tenant-deletion',
      KAFKA_SASL_PASSWORD: 's3cret-pass',
    });
    expect(kafkaSecurity(config)).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'tenant-deletion', password: 's3cret-pass' },
    });
  });

  it('refuses SASL without credentials and never echoes the password', () => {
    expect(configError(() => loadConfig({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).message).toMatch(
      /KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(
      configError(() => loadConfig({ KAFKA_SASL_MECHANISM: 'kerberos', KAFKA_SASL_PASSWORD: 'hunter2' })).message,
    ).not.toContain('hunter2');
    expect(configError(() => loadConfig({ KAFKA_SSL: 'yes' })).message).toMatch(/KAFKA_SSL must be true or false/);
  });
});
