import { tenantWorkflowId } from '@tenant-deletion/contract';
import type { WorkflowFacts } from './workflow-histories';

/**
 * Proof that the bridge's SIGKILL landed while it was handing over: some requests had been handed to Temporal by
 * the killed bridge, and others were in the topic (the broker had acknowledged them) but not yet handed over by it;
 * the restarted bridge, in the same consumer group, must then hand those over. Who handed a request over is read
 * from the tenant workflow's history: the start and the requestDeletion signals carry the identity of the client
 * that sent them, and the run knows the identities of both bridge processes.
 */

export interface BridgeKillEvidence {
  /** Tenants whose request the killed bridge had handed over. */
  handedOverBeforeKill: number;
  /** Tenants whose request was in the topic at the kill but not handed over by the killed bridge. */
  inTopicAtKill: number;
  /** Of those, handed over by the restarted bridge. */
  handedOverByRestarted: number;
  ok: boolean;
}

export function bridgeKillEvidence(
  tenants: readonly string[],
  /** Tenants whose request the broker had acknowledged before the kill. */
  producedBeforeKill: readonly string[],
  killed: ReadonlySet<string>,
  restarted: ReadonlySet<string>,
  histories: readonly WorkflowFacts[],
): BridgeKillEvidence {
  const requestedBy = new Map(histories.map((facts) => [facts.workflowId, facts.requestedBy]));
  const by = (tenantId: string, identities: ReadonlySet<string>) =>
    (requestedBy.get(tenantWorkflowId(tenantId)) ?? []).some((identity) => identities.has(identity));
  const handedOver = tenants.filter((tenantId) => by(tenantId, killed));
  const inTopic = producedBeforeKill.filter((tenantId) => !by(tenantId, killed));
  const pickedUp = inTopic.filter((tenantId) => by(tenantId, restarted));
  return {
    handedOverBeforeKill: handedOver.length,
    inTopicAtKill: inTopic.length,
    handedOverByRestarted: pickedUp.length,
    ok: handedOver.length > 0 && inTopic.length > 0 && pickedUp.length === inTopic.length,
  };
}
