import { mintServiceToken, type TokenSigner } from '@tenant-deletion/contract/service-token';
import { baseUrl, FLEET_INSTANCES } from '@tenant-deletion/example-fleet';

/**
 * The naive orchestrator the original system was: Promise.all of every service's DELETE, following 202s, with no
 * order, no retries, no ledger and no memory of anything if the process dies. It stands in for the orchestrator, so it
 * signs with the orchestrator's key (the local stack's), its DELETEs and polls with tenant-data:delete.
 */
export async function gatherDelete(orchestrator: TokenSigner, tenantId: string): Promise<number> {
  const totals = await Promise.all(
    FLEET_INSTANCES.map(async (instance) => {
      const token = await mintServiceToken(orchestrator, {
        audience: instance.serviceType,
        subject: 'bench',
        scopes: ['tenant-data:delete'],
      });
      const authorization = `Bearer ${token}`;
      let response = await fetch(`${baseUrl(instance)}/tenant/${tenantId}`, {
        method: 'DELETE',
        headers: { authorization },
      });
      let location = '';
      while (response.status === 202) {
        location = new URL(response.headers.get('location') ?? location, baseUrl(instance)).toString();
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 200));
        response = await fetch(location, { headers: { authorization } });
      }
      if (!response.ok)
        throw new Error(`${instance.serviceInstanceId} answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { deleted_counts: Record<string, number> };
      return Object.values(body.deleted_counts).reduce((sum, n) => sum + n, 0);
    }),
  );
  return totals.reduce((sum, n) => sum + n, 0);
}
