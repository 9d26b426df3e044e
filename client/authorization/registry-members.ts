import {
  mintServiceToken,
  READER_TOKEN_ISSUER,
  REGISTRY_AUDIENCE,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import { tenantMembersSchema, type ErrorBody, type TenantRole, type TenantStatus } from '@tenant-deletion/contract';

/**
 * A subject's role in a tenant, asked of the tenant registry (which keeps the members) with a read-only reader
 * token. Asked on every request, uncached: a removed admin loses the right at once.
 */

export interface RegistryMembersOptions {
  /** TENANT_REGISTRY_URL, without a trailing slash. */
  registryUrl: string;
  /** The readers' signer (`tenant-deletion-readers`): it can only read. */
  signer: TokenSigner;
  /** The token's subject: which component asks (never a person's id). */
  caller?: string;
  timeoutMs?: number;
}

export interface TenantStanding {
  /** false when the registry does not know the tenant (404). */
  tenantExists: boolean;
  /** The subject's role; undefined when not a member. */
  role?: TenantRole;
  /** The tenant's state in the registry, when it exists. */
  status?: TenantStatus;
}

export type RegistryMembersLookup = (tenantId: string, subject: string) => Promise<TenantStanding>;

/** The registry could not say (down, timed out, refused our token): the caller answers 503 or retries, never allows. */
export class RegistryMembersUnavailable extends Error {
  constructor(
    readonly tenantId: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`could not ask the tenant registry for the members of tenant ${tenantId}: ${message}`);
    this.name = 'RegistryMembersUnavailable';
  }
}

export function registryMembers(options: RegistryMembersOptions): RegistryMembersLookup {
  if (options.signer.issuer !== READER_TOKEN_ISSUER) {
    // The lookup needs only registry:read; a stronger key here would be one more process able to delete.
    throw new TypeError(`registryMembers takes the ${READER_TOKEN_ISSUER} signer, not ${options.signer.issuer}`);
  }
  const caller = options.caller ?? 'tenant-deletion-authorization';
  return async (tenantId, subject) => {
    const token = await mintServiceToken(options.signer, {
      audience: REGISTRY_AUDIENCE,
      subject: caller,
      scopes: ['registry:read'],
    });
    let response: Response;
    try {
      response = await fetch(`${options.registryUrl}/tenants/${encodeURIComponent(tenantId)}/members`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new RegistryMembersUnavailable(tenantId, undefined, (error as Error).message);
    }
    // Only the registry's own "no such tenant" means that; a 404 from a wrong URL is no answer at all.
    if (response.status === 404) {
      const code = ((await response.json().catch(() => undefined)) as ErrorBody | undefined)?.error?.code;
      if (code === 'TENANT_NOT_FOUND') return { tenantExists: false };
      throw new RegistryMembersUnavailable(
        tenantId,
        404,
        `the registry has no members route at ${options.registryUrl}`,
      );
    }
    if (response.status !== 200) {
      const text = await response.text().catch(() => '');
      throw new RegistryMembersUnavailable(
        tenantId,
        response.status,
        `the registry answered ${response.status} ${text.slice(0, 200)}`,
      );
    }
    const body = tenantMembersSchema.safeParse(await response.json().catch(() => undefined));
    if (!body.success) throw new RegistryMembersUnavailable(tenantId, 200, 'the registry answered an unexpected body');
    const member = body.data.members.find((candidate) => candidate.user_id === subject);
    return { tenantExists: true, role: member?.role, status: body.data.status };
  };
}
