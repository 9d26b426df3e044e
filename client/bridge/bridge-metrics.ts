import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the bridge does, for Prometheus: consumed, handed over, dead-lettered by code, handover latency, lag. */
export class BridgeMetrics {
  readonly registry = new Registry();
  readonly consumed = new Counter({
    name: 'bridge_messages_consumed_total',
    help: 'Request messages read from Kafka',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly handedOver = new Counter({
    name: 'bridge_requests_handed_over_total',
    help: 'Requests Temporal accepted (signal-with-start)',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'bridge_messages_dead_lettered_total',
    help: 'Messages written to the DLQ, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly handoverSeconds = new Histogram({
    name: 'bridge_handover_seconds',
    help: 'From reading a message to Temporal accepting it, retries included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'bridge_consumer_lag',
    help: 'Messages behind the end of each partition, as of the last batch',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly waiting = new Gauge({
    name: 'bridge_waiting_for_dependency',
    help: '1 while the bridge backs off because Temporal, Kafka or PostgreSQL (the ledger) is unavailable',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
