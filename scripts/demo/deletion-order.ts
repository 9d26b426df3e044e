import type { FleetInstance } from '@tenant-deletion/example-fleet';

/** An order in which instances can be deleted one by one: each after every instance that depends on it. */
export function deletionOrder(instances: readonly FleetInstance[]): FleetInstance[] {
  const order: FleetInstance[] = [];
  const done = new Set<string>();
  while (order.length < instances.length) {
    const next = instances.find(
      (candidate) =>
        !done.has(candidate.serviceInstanceId) &&
        instances.every(
          (other) => !other.dependsOn.includes(candidate.serviceInstanceId) || done.has(other.serviceInstanceId),
        ),
    );
    if (!next) throw new Error('the topology has a dependency cycle');
    order.push(next);
    done.add(next.serviceInstanceId);
  }
  return order;
}
