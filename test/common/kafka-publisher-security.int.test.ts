import { loadConfig } from '../../common/config';
import { kafkaPublisher } from '../../common/kafka-client';

/**
 * The workers' publisher (kafkaPublisher, as workers/main.ts builds it from loadConfig) speaks SASL and TLS when the
 * variables say so. The local stack's Kafka has a plaintext listener only, so the proof is how it refuses them: a
 * SASL handshake the listener does not expect, a TLS handshake it does not answer. A real SASL/TLS listener is not
 * part of the local stacks.
 */

jest.setTimeout(120_000);

// kafkajs logs every refused connection attempt: expected here, and the assertions say what matters.
beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const connect = (env: NodeJS.ProcessEnv) => kafkaPublisher(loadConfig({ ...process.env, ...env }), 'security-test');

describe("the workers' Kafka publisher", () => {
  it('reaches the local plaintext broker without TLS or SASL', async () => {
    const publisher = await connect({});
    await publisher.close();
  });

  it('authenticates with SASL when KAFKA_SASL_MECHANISM is set', async () => {
    await expect(
      connect({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'worker', KAFKA_SASL_PASSWORD: 'secret' }),
    ).rejects.toThrow(/SASL/);
  });

  it('speaks TLS when KAFKA_SSL=true', async () => {
    await expect(connect({ KAFKA_SSL: 'true' })).rejects.toThrow(/secure TLS connection/);
  });
});
