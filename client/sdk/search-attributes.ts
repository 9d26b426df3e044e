import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed keys of the contract's search attributes, so the Web UI can filter deletions. */
export const TENANT_ID = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const SERVICE_TYPE = defineSearchAttributeKey('ServiceType', SearchAttributeType.KEYWORD);
export const SERVICE_INSTANCE_ID = defineSearchAttributeKey('ServiceInstanceId', SearchAttributeType.KEYWORD);
export const DELETION_STATUS = defineSearchAttributeKey('DeletionStatus', SearchAttributeType.KEYWORD);
export const GDPR_MODE = defineSearchAttributeKey('GdprMode', SearchAttributeType.BOOL);
export const DELETION_DUE_AT = defineSearchAttributeKey('DeletionDueAt', SearchAttributeType.DATETIME);

/** Every key above: what a server must have registered before the workflows run (tests' private servers too). */
export const SEARCH_ATTRIBUTE_KEYS = [
  TENANT_ID,
  SERVICE_TYPE,
  SERVICE_INSTANCE_ID,
  DELETION_STATUS,
  GDPR_MODE,
  DELETION_DUE_AT,
] as const;
