import { z } from 'zod';
import { identifier, tenantRole, type TenantRole } from '@tenant-deletion/contract';

/**
 * Who asks for a deletion, as the identity issuer vouches for it. Roles here are the identity's own (platform-wide);
 * a person's role in one tenant (owner, admin, member) is the registry's, see registry-members.ts.
 */

/** `operator`: may delete and approve for any tenant. `deletion-requester`: a system that may request over Kafka. */
export const IDENTITY_ROLES = ['operator', 'deletion-requester'] as const;
export const identityRole = z.enum(IDENTITY_ROLES);
export type IdentityRole = z.infer<typeof identityRole>;

/** The subject becomes `requestedBy`, so it obeys the contract's identifier rule. */
export const requesterSchema = z.object({
  subject: identifier,
  roles: z.array(identityRole),
});
export type Requester = z.infer<typeof requesterSchema>;

export { tenantRole, type TenantRole };
