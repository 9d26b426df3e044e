/**
 * Kafka errors that mean this consumer is no longer a member of its group's current generation: a rebalance began,
 * the group's coordinator moved (its broker died) or the coordinator dropped the member. Retrying the call that met
 * one cannot succeed, since a commit from an old generation is refused for good; kafkajs rejoins the group only when
 * the error leaves `eachBatch`. The chunk's offsets stay uncommitted, so whoever is assigned the partition reads its
 * messages again, and their deterministic request ids absorb the second hand-over.
 */
const MEMBERSHIP_LOST = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

export function isGroupMembershipLost(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && MEMBERSHIP_LOST.has(type);
}
