import { Context } from '@temporalio/activity';

/** Fails its first attempt with a message naming the tenant, so the history records that failure too. */
export async function recordErasure(tenantId: string): Promise<string> {
  if (Context.current().info.attempt === 1) throw new Error(`registry did not answer for tenant ${tenantId}`);
  return `erased ${tenantId}`;
}
