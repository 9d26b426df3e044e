import { decideApproval, decideDeletionRight } from '../../client/authorization/deletion-rights';
import type { IdentityRole, Requester, TenantRole } from '../../client/authorization/requester';

const who = (subject: string, ...roles: IdentityRole[]): Requester => ({ subject, roles });

describe('decideDeletionRight', () => {
  it.each<[string, Requester, 'api' | 'kafka', TenantRole | undefined, string]>([
    ['an operator, any tenant, by the API', who('ops', 'operator'), 'api', undefined, 'operator'],
    ['an operator, any tenant, by Kafka', who('ops', 'operator'), 'kafka', undefined, 'operator'],
    ['an operator who is also a member', who('ops', 'operator'), 'api', 'member', 'operator'],
    ['the owner, by the API', who('alice'), 'api', 'owner', 'owner'],
    ['an admin, by the API', who('bob'), 'api', 'admin', 'admin'],
    ['the owner, by Kafka', who('alice'), 'kafka', 'owner', 'owner'],
    [
      'a deletion-requester system, by Kafka',
      who('billing', 'deletion-requester'),
      'kafka',
      undefined,
      'deletion-requester',
    ],
    ['a deletion-requester who is an admin, by the API', who('billing', 'deletion-requester'), 'api', 'admin', 'admin'],
  ])('allows %s', (_case, requester, channel, role, basis) => {
    expect(decideDeletionRight(requester, channel, role)).toEqual({ allowed: true, basis });
  });

  it.each<[string, Requester, 'api' | 'kafka', TenantRole | undefined, RegExp]>([
    ['a member', who('carol'), 'api', 'member', /^subject carol is a member of the tenant, not its owner or admin/],
    ['a member, by Kafka', who('carol'), 'kafka', 'member', /is a member of the tenant/],
    [
      'a stranger (another tenant’s admin)',
      who('dave'),
      'api',
      undefined,
      /dave is not a member of the tenant and has no operator role/,
    ],
    [
      'a deletion-requester by the API',
      who('billing', 'deletion-requester'),
      'api',
      undefined,
      /deletion-requester, which may request deletions through Kafka only/,
    ],
    [
      'a deletion-requester member by the API',
      who('billing', 'deletion-requester'),
      'api',
      'member',
      /is a member of the tenant/,
    ],
  ])('refuses %s, saying why', (_case, requester, channel, role, reason) => {
    const decision = decideDeletionRight(requester, channel, role);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reason).toMatch(reason);
      expect(decision.reason).toMatch(/only the tenant's owner or admin, or an operator, may delete it$/);
    }
  });
});

describe('decideApproval', () => {
  it('allows an operator other than the requester', () => {
    expect(decideApproval(who('ops-2', 'operator'), 'ops-1')).toEqual({ allowed: true, basis: 'operator' });
  });

  it('refuses the requester approving their own deletion, operator or not (four eyes)', () => {
    const decision = decideApproval(who('ops-1', 'operator'), 'ops-1');
    expect(decision).toEqual({ allowed: false, reason: expect.stringMatching(/requested this deletion.*four eyes/) });
  });

  it.each([
    ['an owner', who('alice')],
    ['a deletion-requester', who('billing', 'deletion-requester')],
  ])('refuses %s, who is no operator', (_case, approver) => {
    expect(decideApproval(approver, 'someone-else')).toEqual({
      allowed: false,
      reason: expect.stringMatching(/has no operator role: only an operator may approve/),
    });
  });
});
