import { z } from 'zod';
import { identifier, isoTimestamp } from './identifiers';

/**
 * The tenant registry's HTTP answers, as the orchestrator reads them (suspend before deleting, delete and erase
 * when finalizing). The records' own fields (names, e-mails, addresses) are PII and never appear in them.
 */

export const TENANT_STATUSES = ['ACTIVE', 'SUSPENDED', 'DELETED'] as const;
export const tenantStatus = z.enum(TENANT_STATUSES);
export type TenantStatus = z.infer<typeof tenantStatus>;

/** POST /tenants: `recreated` when a DELETED tenant came back through `force=true`. */
export const tenantSavedSchema = z.object({
  tenant_id: identifier,
  status: tenantStatus,
  created_at: isoTimestamp,
  recreated: z.boolean(),
  /** The owner named in the request, now the tenant's owner. */
  owner: identifier.optional(),
});
export type TenantSaved = z.infer<typeof tenantSavedSchema>;

/** GET /tenants/{tenantId}: `suspended` is true for SUSPENDED and DELETED alike (neither takes writes). */
export const tenantStateSchema = z.object({
  tenant_id: identifier,
  status: tenantStatus,
  suspended: z.boolean(),
  created_at: isoTimestamp,
});
export type TenantStateBody = z.infer<typeof tenantStateSchema>;

/** suspend and resume: the state reached and when it was first reached, so that repeats answer the same. */
export const tenantTransitionSchema = z.object({
  tenant_id: identifier,
  status: tenantStatus,
  timestamp: isoTimestamp,
});
export type TenantTransitionBody = z.infer<typeof tenantTransitionSchema>;

/** DELETE /tenants/{tenantId}: the record is gone (a tombstone stays); `pii_erased` says whether its PII went too. */
export const tenantErasedSchema = z.object({
  tenant_id: identifier,
  erased: z.literal(true),
  pii_erased: z.boolean(),
  timestamp: isoTimestamp,
});
export type TenantErased = z.infer<typeof tenantErasedSchema>;

/** A person's role in a tenant, kept by the registry: exactly one owner at a time, any number of admins and members. */
export const TENANT_ROLES = ['owner', 'admin', 'member'] as const;
export const tenantRole = z.enum(TENANT_ROLES);
export type TenantRole = z.infer<typeof tenantRole>;

/** One member of a tenant: a user id (an identity token's subject, never an e-mail) and a role. */
export const tenantMemberSchema = z.object({
  user_id: identifier,
  role: tenantRole,
  added_at: isoTimestamp,
});
export type TenantMember = z.infer<typeof tenantMemberSchema>;

/** GET /tenants/{tenantId}/members: a DELETED tenant has none left (they go with its PII). */
export const tenantMembersSchema = z.object({
  tenant_id: identifier,
  status: tenantStatus,
  members: z.array(tenantMemberSchema),
});
export type TenantMembersBody = z.infer<typeof tenantMembersSchema>;

/** DELETE /tenants/{tenantId}/members/{userId}: `removed` is false when they were not a member (nothing changed). */
export const memberRemovedSchema = z.object({ tenant_id: identifier, user_id: identifier, removed: z.boolean() });
export type MemberRemovedBody = z.infer<typeof memberRemovedSchema>;

/** POST /tenants/{tenantId}/transfer-ownership: the previous owner is now an admin; `changed` false for a repeat. */
export const ownershipTransferredSchema = z.object({
  tenant_id: identifier,
  owner: identifier,
  previous_owner: identifier.nullable(),
  changed: z.boolean(),
});
export type OwnershipTransferredBody = z.infer<typeof ownershipTransferredSchema>;
