import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { TOPICS } from '@tenant-deletion/contract';
import { kafkaClient } from '../../common/kafka-client';

/**
 * The lifecycle events of the run's tenants as the topic holds them, read once at the end between the offsets
 * recorded before the first request and the topic's end: a live consumer that lived through the broker restart
 * may see a message twice itself, which would be counted as the orchestrator's duplicate.
 *
 * The contract says when TENANT_EMPTY and TENANT_DELETED are published, not how often. Kafka delivers at least
 * once, and every event carries an `event-id` header that stays the same when a finalizing activity is retried
 * (README: "so consumers can drop duplicates"), so a repeat with the same event id and certificate is allowed and
 * counted; a second finalization (another event id, another certificate) is not.
 */

export type TopicOffsets = { partition: number; offset: string }[];

export interface LifecycleTally {
  /** Messages of this type per tenant. */
  messages: Map<string, number>;
  /** Distinct event ids per tenant: more than one is more than one finalization. */
  eventIds: Map<string, Set<string>>;
  certificateIds: Map<string, Set<string>>;
}

interface LifecycleValue {
  type?: string;
  tenantId?: string;
  certificateId?: string;
}

export async function lifecycleEndOffsets(brokers: string[]): Promise<TopicOffsets> {
  const admin = kafkaClient(brokers, 'tenant-deletion-chaos').admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(TOPICS.lifecycleEvents);
    return ends.map(({ partition, high }) => ({ partition, offset: high }));
  } finally {
    await admin.disconnect();
  }
}

/** Tallies TENANT_EMPTY and TENANT_DELETED of `tenants` from `from` to the topic's current end. */
export async function readLifecycleEvents(
  brokers: string[],
  from: TopicOffsets,
  tenants: readonly string[],
  timeoutMs = 60_000,
): Promise<Record<'TENANT_EMPTY' | 'TENANT_DELETED', LifecycleTally>> {
  const tally = (): LifecycleTally => ({ messages: new Map(), eventIds: new Map(), certificateIds: new Map() });
  const result = { TENANT_EMPTY: tally(), TENANT_DELETED: tally() };
  const wanted = new Set(tenants);
  const to = new Map((await lifecycleEndOffsets(brokers)).map(({ partition, offset }) => [partition, BigInt(offset)]));
  const remaining = new Set(
    from.filter(({ partition, offset }) => BigInt(offset) < (to.get(partition) ?? 0n)).map((p) => p.partition),
  );
  if (remaining.size === 0) return result;

  const kafka = kafkaClient(brokers, 'tenant-deletion-chaos');
  const groupId = `tenant-deletion-chaos-lifecycle-${randomUUID()}`;
  const admin = kafka.admin();
  // A short fetch wait: disconnecting waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  try {
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.lifecycleEvents] });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const end = to.get(batch.partition) ?? 0n;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          const event = JSON.parse(message.value?.toString() ?? '{}') as LifecycleValue;
          if (!wanted.has(event.tenantId ?? '') || (event.type !== 'TENANT_EMPTY' && event.type !== 'TENANT_DELETED')) {
            continue;
          }
          const { messages, eventIds, certificateIds } = result[event.type];
          const tenant = event.tenantId!;
          messages.set(tenant, (messages.get(tenant) ?? 0) + 1);
          eventIds.set(
            tenant,
            (eventIds.get(tenant) ?? new Set()).add(message.headers?.['event-id']?.toString() ?? ''),
          );
          certificateIds.set(tenant, (certificateIds.get(tenant) ?? new Set()).add(event.certificateId ?? ''));
        }
        // Past the last message read: control records, if any, leave gaps that no message fills.
        if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
      },
    });
    // Seeking a running consumer (rather than admin.setOffsets, which joins and leaves the group) is instant.
    for (const { partition, offset } of from) consumer.seek({ topic: TOPICS.lifecycleEvents, partition, offset });
    const deadline = Date.now() + timeoutMs;
    while (remaining.size > 0) {
      if (Date.now() > deadline)
        throw new Error(`the lifecycle topic was not read to its end within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return result;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

export interface FinalizationTally {
  /** TENANT_EMPTY messages of the run's tenants, duplicates included. */
  tenantEmptyMessages: number;
  /** Messages beyond the first per tenant. */
  duplicateTenantEmpty: number;
  /** Tenants with exactly one TENANT_EMPTY and one TENANT_DELETED event id, one certificate id and one certificate row. */
  finalizedOnce: number;
  /** Tenants with more than one of any of these. */
  doubleFinalizations: number;
  /** Tenants with a TENANT_DELETED. */
  tenantDeleted: Set<string>;
}

/** Reads the topic from `from` and the ledger's certificates: how often each tenant was finalized. */
export async function finalizationEvidence(
  db: pg.Pool,
  brokers: string[],
  from: TopicOffsets,
  tenants: string[],
): Promise<FinalizationTally> {
  const { TENANT_EMPTY: empty, TENANT_DELETED: deleted } = await readLifecycleEvents(brokers, from, tenants);
  const certificates = await db.query<{ tenant_id: string; n: number }>(
    `SELECT tenant_id, count(*)::int AS n FROM deletion_certificates WHERE tenant_id = ANY($1) GROUP BY 1`,
    [tenants],
  );
  const certificateRows = new Map(certificates.rows.map((row) => [row.tenant_id, row.n]));
  const counts = (id: string) => [
    empty.eventIds.get(id)?.size ?? 0,
    deleted.eventIds.get(id)?.size ?? 0,
    new Set([...(empty.certificateIds.get(id) ?? []), ...(deleted.certificateIds.get(id) ?? [])]).size,
    certificateRows.get(id) ?? 0,
  ];
  const tenantEmptyMessages = [...empty.messages.values()].reduce((total, n) => total + n, 0);
  return {
    tenantEmptyMessages,
    duplicateTenantEmpty: tenantEmptyMessages - empty.messages.size,
    finalizedOnce: tenants.filter((id) => counts(id).every((n) => n === 1)).length,
    doubleFinalizations: tenants.filter((id) => counts(id).some((n) => n > 1)).length,
    tenantDeleted: new Set(deleted.messages.keys()),
  };
}
