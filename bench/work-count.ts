import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import pLimit from 'p-limit';
import { serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';

/**
 * The Temporal work a tenant's deletion cost, read back from the server's histories: events, workflow tasks and
 * activities of the tenant's workflow (every run of it) and of its instances' children. Each workflow task and each
 * activity is a round trip through the server and a worker, so these counts are what the orchestration costs beyond
 * the services' own deletes.
 */

const EventType = proto.api.enums.v1.EventType;

export interface WorkCount {
  events: number;
  workflowTasks: number;
  activities: number;
}

export interface TenantWork {
  instances: number;
  /** The tenant's own workflow, every run. */
  parent: WorkCount;
  /** All of its instances' child workflows together. */
  children: WorkCount;
}

const zero = (): WorkCount => ({ events: 0, workflowTasks: 0, activities: 0 });

function add(into: WorkCount, from: WorkCount): WorkCount {
  into.events += from.events;
  into.workflowTasks += from.workflowTasks;
  into.activities += from.activities;
  return into;
}

export function countEvents(events: proto.api.history.v1.IHistoryEvent[]): WorkCount {
  return {
    events: events.length,
    workflowTasks: events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length,
    activities: events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length,
  };
}

/** Every run under the id (continue-as-new chains and all). */
async function workflowWork(client: Client, workflowId: string): Promise<WorkCount> {
  const total = zero();
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const { events } = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    add(total, countEvents(events ?? []));
  }
  return total;
}

export async function tenantWork(
  client: Client,
  tenantId: string,
  instanceIds: readonly string[],
): Promise<TenantWork> {
  const limit = pLimit(8);
  const [parent, ...children] = await Promise.all([
    limit(() => workflowWork(client, tenantWorkflowId(tenantId))),
    ...instanceIds.map((id) => limit(() => workflowWork(client, serviceInstanceWorkflowId(tenantId, id)))),
  ]);
  return { instances: instanceIds.length, parent, children: children.reduce(add, zero()) };
}

/** Per tenant and per instance (the parent's share included), averaged over the tenants given. */
export type WorkPerUnit = ReturnType<typeof workPerUnit>;

export function workPerUnit(tenants: readonly TenantWork[]) {
  const instances = tenants.reduce((sum, t) => sum + t.instances, 0);
  const all = tenants.reduce((sum, t) => add(add(sum, t.parent), t.children), zero());
  const per = (n: number): WorkCount => ({
    events: round(all.events / n),
    workflowTasks: round(all.workflowTasks / n),
    activities: round(all.activities / n),
  });
  return { tenants: tenants.length, perTenant: per(tenants.length), perInstance: per(instances) };
}

const round = (n: number) => Math.round(n * 10) / 10;
