import { requireRead, type ReadAccess } from '../../client/api/tenant-access';

/** The read routes' rule: who may see a deletion, and whether a refusal says 403 or 404. */

const alice = { subject: 'alice', roles: [] };
const missing = () => Object.assign(new Error('missing'), { status: 404, code: 'NO_DELETION' });
const allowed: ReadAccess = { allowed: true, tenantExists: true, reason: null };
const refused: ReadAccess = { allowed: false, tenantExists: true, reason: 'subject alice is a member' };

function outcome(access: ReadAccess, found: { exists: boolean; requesters: string[] }) {
  try {
    requireRead(access, alice, 'tenant-1', found, missing);
    return 'read';
  } catch (error) {
    return `${(error as { status: number }).status} ${(error as { code: string }).code}`;
  }
}

describe('reading a deletion', () => {
  it.each([
    ['an owner, admin or operator reads what exists', allowed, true, [], 'read'],
    ['an owner, admin or operator is told 404 when there is nothing', allowed, false, [], '404 NO_DELETION'],
    [
      'an operator asking after a tenant the registry does not know gets 404 TENANT_NOT_FOUND',
      { ...allowed, tenantExists: false },
      false,
      [],
      '404 TENANT_NOT_FOUND',
    ],
    ['a requester reads its own deletion without a role', refused, true, ['alice'], 'read'],
    [
      'a requester keeps sight of it once the tenant is gone',
      { ...refused, tenantExists: false },
      true,
      ['alice'],
      'read',
    ],
    ["anyone else is refused someone else's deletion", refused, true, ['bob'], '403 FORBIDDEN'],
    ['anyone else is refused, even where nothing exists yet', refused, false, [], '403 FORBIDDEN'],
    [
      'an unknown tenant with nothing is 404 for anyone',
      { ...refused, tenantExists: false },
      false,
      [],
      '404 TENANT_NOT_FOUND',
    ],
  ] as const)('%s', (_name, access, exists, requesters, expected) => {
    expect(outcome(access, { exists, requesters: [...requesters] })).toBe(expected);
  });
});
