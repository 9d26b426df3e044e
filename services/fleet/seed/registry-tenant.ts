import { createHash } from 'node:crypto';
import { mintServiceToken, type TokenSigner } from '@tenant-deletion/contract/service-token';
import { REGISTRY } from '@tenant-deletion/example-registry';
import { CITIES, STREETS } from './fake-values';

/**
 * Creates the seeded tenant's record in the tenant registry, with made-up but PII-shaped values (a
 * bakery's name, its owner's email, a billing address), so that erasing them is a real test.
 */

/** The registry did not answer: it is not running (start the fleet) or the URL is wrong. */
export class RegistryUnreachableError extends Error {
  constructor(
    readonly registryUrl: string,
    reason: string,
  ) {
    super(
      `the tenant registry at ${registryUrl} is unreachable (${reason}): start the fleet with \`npm run fleet\`, ` +
        'set TENANT_REGISTRY_URL, or pass --skip-registry',
    );
    this.name = 'RegistryUnreachableError';
  }
}

/** The registry answered, but did not create the tenant. */
export class RegistryRefusedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly status: number,
    detail: string,
  ) {
    super(`the tenant registry refused to create tenant ${tenantId} (${status}): ${detail}`);
    this.name = 'RegistryRefusedError';
  }
}

const BAKERY_NAMES = ['Bäckerei Sonnenschein', 'Panadería La Espiga', 'Boulangerie du Pont', 'Forno Bianco'];

/** The same tenant always gets the same record, so re-seeding it changes nothing in the registry. */
export function tenantRecord(tenantId: string) {
  const n = createHash('sha256').update(tenantId).digest().readUInt32BE(0);
  const mailbox = tenantId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48);
  return {
    tenantId,
    displayName: `${BAKERY_NAMES[n % BAKERY_NAMES.length]} (${tenantId})`,
    ownerEmail: `owner-${mailbox}@bakery.example`,
    billingAddress: `${STREETS[n % STREETS.length]} ${1 + (n % 120)}, ${10000 + (n % 89999)} ${CITIES[n % CITIES.length]}`,
  };
}

/** `recreate` re-creates a tenant the registry has deleted (`POST /tenants?force=true`), which it refuses otherwise. */
/**
 * `signer` is the admins': creating a tenant is `registry:members`, which neither the orchestrator nor the readers
 * grant. `owner` makes a subject the new tenant's owner (who may then delete it through the deletion API).
 */
export async function createRegistryTenant(
  registryUrl: string,
  signer: TokenSigner,
  tenantId: string,
  { recreate = false, owner }: { recreate?: boolean; owner?: string } = {},
): Promise<void> {
  const token = await mintServiceToken(signer, {
    audience: REGISTRY.serviceType,
    subject: 'fleet-seeder',
    scopes: ['registry:members'],
  });
  let response: Response;
  try {
    response = await fetch(`${registryUrl}/tenants${recreate ? '?force=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...tenantRecord(tenantId), ...(owner === undefined ? {} : { owner }) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    throw new RegistryUnreachableError(registryUrl, cause?.code ?? (error as Error).message);
  }
  if (response.status !== 200 && response.status !== 201) {
    const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    const reason = body?.error?.message ?? 'no reason given';
    // The seed CLI's way to say force=true.
    const hint = response.status === 409 ? ' (fleet:seed: pass --recreate to re-create it on purpose)' : '';
    throw new RegistryRefusedError(tenantId, response.status, `${reason}${hint}`);
  }
}
