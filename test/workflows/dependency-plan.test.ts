import { checkRequest, dependentsOf, findCycle, transitiveDependencies } from '../../workflows/dependency-plan';
import type { ServiceInstance } from '@tenant-deletion/contract';

function instance(id: string, dependsOn: string[] = [], status: ServiceInstance['status'] = 'ACTIVE'): ServiceInstance {
  return { serviceInstanceId: id, serviceType: id.split('-')[0], baseUrl: `http://x/${id}`, dependsOn, status };
}

// app-1 uses cache-1 and db-1; cache-1 uses db-1; report-1 uses db-1.
const inventory = [
  instance('app-1', ['cache-1', 'db-1']),
  instance('cache-1', ['db-1']),
  instance('db-1'),
  instance('report-1', ['db-1']),
];

describe('findCycle', () => {
  it('finds none in a DAG', () => expect(findCycle(inventory)).toBeUndefined());

  it('names a cycle as a closed path', () => {
    const cycle = findCycle([instance('a-1', ['b-1']), instance('b-1', ['c-1']), instance('c-1', ['a-1'])]);
    expect(cycle).toEqual(['a-1', 'b-1', 'c-1', 'a-1']);
  });

  it('ignores dependencies on instances it does not know', () => {
    expect(findCycle([instance('a-1', ['gone-1'])])).toBeUndefined();
  });
});

describe('checkRequest', () => {
  it('accepts a whole-tenant request with every live instance', () => {
    const check = checkRequest('t', [...inventory, instance('old-1', [], 'DELETED')], new Set(), undefined);
    expect(check).toEqual({ accepted: true, targets: ['app-1', 'cache-1', 'db-1', 'report-1'] });
  });

  it('refuses to delete what an active instance still depends on, naming both', () => {
    expect(checkRequest('t', inventory, new Set(), ['db-1'])).toEqual({
      accepted: false,
      reason: 'cannot delete db-1: app-1 (active), cache-1 (active), report-1 (active) depend on it',
    });
    expect(checkRequest('t', inventory, new Set(), ['cache-1'])).toEqual({
      accepted: false,
      reason: 'cannot delete cache-1: app-1 (active) depends on it',
    });
  });

  it('accepts a dependency once everything that depends on it is being deleted', () => {
    expect(checkRequest('t', inventory, new Set(['app-1', 'report-1']), ['cache-1', 'db-1'])).toEqual({
      accepted: true,
      targets: ['cache-1', 'db-1'],
    });
  });

  it('accepts a dependency whose dependents are already deleted', () => {
    const later = inventory.map((i) => (i.serviceInstanceId === 'db-1' ? i : { ...i, status: 'DELETED' as const }));
    expect(checkRequest('t', later, new Set(), ['db-1'])).toEqual({ accepted: true, targets: ['db-1'] });
  });

  it('rejects an unknown tenant and unknown instances', () => {
    expect(checkRequest('ghost', [], new Set(), undefined)).toEqual({
      accepted: false,
      reason: 'unknown tenant ghost: it has no service instances in the inventory',
    });
    expect(checkRequest('t', inventory, new Set(), ['app-1', 'nope-1'])).toEqual({
      accepted: false,
      reason: 'unknown service instance nope-1 of tenant t',
    });
  });

  it('rejects any request while the graph has a cycle', () => {
    const cyclic = [instance('a-1', ['b-1']), instance('b-1', ['a-1']), instance('c-1')];
    expect(checkRequest('t', cyclic, new Set(), ['c-1'])).toEqual({
      accepted: false,
      reason: 'dependency cycle: a-1 -> b-1 -> a-1',
    });
  });

  it('leaves already deleted instances out of the targets', () => {
    const withDeleted = [...inventory, instance('old-1', [], 'DELETED')];
    expect(checkRequest('t', withDeleted, new Set(), ['old-1'])).toEqual({ accepted: true, targets: [] });
  });
});

describe('graph helpers', () => {
  it('lists dependents of each instance', () => {
    expect(Object.fromEntries(dependentsOf(inventory))).toEqual({
      'cache-1': ['app-1'],
      'db-1': ['app-1', 'cache-1', 'report-1'],
    });
  });

  it('walks dependencies transitively', () => {
    expect(transitiveDependencies('app-1', inventory).sort()).toEqual(['cache-1', 'db-1']);
    expect(transitiveDependencies('db-1', inventory)).toEqual([]);
  });
});
