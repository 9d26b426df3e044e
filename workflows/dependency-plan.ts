import type { ServiceInstance } from '@tenant-deletion/contract';

/**
 * The dependency graph of one tenant's service instances, as pure functions so that they are unit-tested
 * apart from Temporal. An instance's `dependsOn` lists what it needs, so it is deleted before them: an app
 * goes before the database it uses.
 */

export type RequestCheck = { accepted: true; targets: string[] } | { accepted: false; reason: string };

/** Returns one dependency cycle among the given instances, as a path that ends where it starts. */
export function findCycle(instances: readonly ServiceInstance[]): string[] | undefined {
  const byId = new Map(instances.map((instance) => [instance.serviceInstanceId, instance]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];

  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };

  for (const instance of instances) {
    const cycle = visit(instance.serviceInstanceId);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Decides whether a request can join the tenant's deletion. `alreadyTargeted` are instances earlier requests
 * are deleting; `requested` undefined means every instance of the tenant. A request is refused, before anything
 * is deleted, when it names unknown instances, when the graph has a cycle, or when an instance that stays
 * active depends on one it would delete.
 */
export function checkRequest(
  tenantId: string,
  inventory: readonly ServiceInstance[],
  alreadyTargeted: ReadonlySet<string>,
  requested: readonly string[] | undefined,
): RequestCheck {
  if (inventory.length === 0) {
    return { accepted: false, reason: `unknown tenant ${tenantId}: it has no service instances in the inventory` };
  }
  const byId = new Map(inventory.map((instance) => [instance.serviceInstanceId, instance]));
  const unknown = (requested ?? []).filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    return { accepted: false, reason: `unknown service instance ${unknown.join(', ')} of tenant ${tenantId}` };
  }

  const live = inventory.filter((instance) => instance.status !== 'DELETED');
  const targets = (requested ?? live.map((instance) => instance.serviceInstanceId)).filter(
    (id) => byId.get(id)!.status !== 'DELETED',
  );
  const cycle = findCycle(live);
  if (cycle) return { accepted: false, reason: `dependency cycle: ${cycle.join(' -> ')}` };

  const deleting = new Set([...alreadyTargeted, ...targets]);
  const dependents = dependentsOf(live);
  for (const id of targets) {
    const activeDependents = (dependents.get(id) ?? [])
      .filter((other) => !deleting.has(other))
      .map((other) => `${other} (active)`);
    if (activeDependents.length > 0) {
      return {
        accepted: false,
        reason: `cannot delete ${id}: ${activeDependents.join(', ')} ${activeDependents.length > 1 ? 'depend' : 'depends'} on it`,
      };
    }
  }
  return { accepted: true, targets: [...new Set(targets)] };
}

/** For each instance, the instances that depend on it: they are deleted before it. */
export function dependentsOf(instances: readonly ServiceInstance[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const instance of instances) {
    for (const needed of instance.dependsOn) {
      const list = dependents.get(needed);
      if (list) list.push(instance.serviceInstanceId);
      else dependents.set(needed, [instance.serviceInstanceId]);
    }
  }
  return dependents;
}

/** Every instance that `id` needs, directly or through others: none of them may go while `id` stays. */
export function transitiveDependencies(id: string, inventory: readonly ServiceInstance[]): string[] {
  const byId = new Map(inventory.map((instance) => [instance.serviceInstanceId, instance]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next) || !byId.has(next)) continue;
    seen.add(next);
    stack.push(...byId.get(next)!.dependsOn);
  }
  return [...seen];
}
