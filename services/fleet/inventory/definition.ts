import type { DeletableServiceDefinition } from '@tenant-deletion/kit';

/**
 * Every table holds only tenant rows; the kit finds them from tenant_id and the foreign keys. Two tables
 * reach a tenant through two keys each, which could name different tenants' rows: a batch belongs to
 * the tenant whose product it is, a purchase order line to its purchase order's tenant (a row whose other
 * key names another tenant's row is then kept, and the deletion fails on it rather than take it).
 */
export const definition: DeletableServiceDefinition = {
  serviceType: 'inventory',
  auditTable: 'audit_log',
  ownerPaths: { stock_batches: 'products', purchase_order_items: 'purchase_orders' },
};
