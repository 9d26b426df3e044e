import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import type { WorkflowFacts } from './workflow-histories';

/**
 * The faults only the cluster profile can take: one worker group's process dies while another group keeps
 * deleting, one of two bridges in a consumer group dies and the other takes its partitions, one of three Kafka
 * brokers dies while the bridge and the workers' producers go on. Each comes with the evidence that it landed.
 */

const DELETE_ACTIVITY = 'deleteInstance';

/** The service types split over two worker groups, so that one group's process can die while the other deletes. */
export function splitServiceTypes(serviceTypes: readonly string[]): [string[], string[]] {
  const sorted = [...serviceTypes].sort();
  const half = Math.ceil(sorted.length / 2);
  return [sorted.slice(0, half), sorted.slice(half)];
}

export interface OtherGroupEvidence {
  /** How long the killed group's process stayed dead, in ms. */
  downMs: number;
  /** deleteInstance activities the other group's process completed while the killed one was dead. */
  deletedByOtherGroupWhileDown: number;
  ok: boolean;
}

export function otherGroupEvidence(
  histories: readonly WorkflowFacts[],
  otherIdentities: ReadonlySet<string>,
  down: { from: number; to: number },
): OtherGroupEvidence {
  const deleted = histories.flatMap((facts) =>
    facts.activities.filter(
      (activity) =>
        activity.activityType === DELETE_ACTIVITY &&
        activity.outcome === 'completed' &&
        otherIdentities.has(activity.startedBy ?? '') &&
        activity.endedAt !== undefined &&
        activity.endedAt > down.from &&
        activity.endedAt < down.to,
    ),
  );
  return { downMs: down.to - down.from, deletedByOtherGroupWhileDown: deleted.length, ok: deleted.length > 0 };
}

/** Partitions of the request topics each live member of a consumer group holds, largest first. */
export async function groupPartitions(brokers: string[], groupId: string): Promise<number[]> {
  const admin = new Kafka({ clientId: 'chaos-cluster', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups[0]?.state === 'Stable' ? groups[0].members : [];
    return members
      .map((member) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        return Object.values(assignment?.assignment ?? {}).reduce((total, partitions) => total + partitions.length, 0);
      })
      .sort((a, b) => b - a);
  } finally {
    await admin.disconnect();
  }
}

export interface PartitionMoveEvidence {
  /** Partitions per bridge before the kill: both held some. */
  before: number[];
  /** Partitions per bridge once the group settled without the killed one: the survivor holds them all. */
  after: number[];
  ok: boolean;
}

export function partitionMoveEvidence(before: number[], after: number[]): PartitionMoveEvidence {
  const total = before.reduce((sum, count) => sum + count, 0);
  return {
    before,
    after,
    ok: before.length === 2 && before.every((count) => count > 0) && after.length === 1 && after[0] === total,
  };
}

export interface BrokerKillEvidence {
  node: string;
  downMs: number;
  /** Result and lifecycle messages the workers published that the run read while the broker was dead. */
  publishedWhileDown: number;
  /** Whether the live bridges answered healthy after the broker came back, without a restart. */
  bridgesSurvived: boolean;
  ok: boolean;
}

export function brokerKillEvidence(
  node: string,
  down: { from: number; to: number },
  /** How many result and lifecycle messages the run had read when the broker died, and when it came back. */
  received: { atKill: number; atRestart: number },
  bridgesSurvived: boolean,
): BrokerKillEvidence {
  const publishedWhileDown = received.atRestart - received.atKill;
  return {
    node,
    downMs: down.to - down.from,
    publishedWhileDown,
    bridgesSurvived,
    ok: publishedWhileDown > 0 && bridgesSurvived,
  };
}

/**
 * Kafka's group coordinator for a group id: the leader of the `__consumer_offsets` partition the id hashes to
 * (Java's String.hashCode through Kafka's Utils.abs, which maps Integer.MIN_VALUE to 0, modulo the topic's
 * partitions: the group coordinator's partitionFor). Killing
 * that broker is the broker fault that asks most of the bridges: the group's coordinator moves mid-commit.
 */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  let hash = 0;
  for (const char of groupId) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return (hash === -0x80000000 ? 0 : Math.abs(hash)) % partitions;
}

export async function groupCoordinator(brokers: string[], groupId: string): Promise<number> {
  const admin = new Kafka({ clientId: 'chaos-cluster', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
    const partitions = topics[0].partitions;
    const partition = offsetsPartitionFor(groupId, partitions.length);
    return partitions.find((candidate) => candidate.partitionId === partition)!.leader;
  } finally {
    await admin.disconnect();
  }
}
