import { READER_TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import type { Config } from '../../common/config';
import { loadTokenSigner } from '../../common/service-token-keys';
import { loadIdentityConfig } from '../authorization/identity-config';
import { IDENTITY_AUDIENCE, identityVerifier, type IdentityVerifier } from '../authorization/identity-token';
import { registryMembers, type RegistryMembersLookup } from '../authorization/registry-members';

/**
 * What the bridge needs to tell who sent a request and what they may do: the identity issuer's public keys
 * (AUTH_ISSUER, AUTH_JWKS_URL; the local dev issuer when unset) and the tenant registry's members, asked with the
 * readers' key, which can read and nothing more: a bridge taken over can hand requests to Temporal, not delete.
 */

export interface BridgeIdentity {
  verify: IdentityVerifier;
  members: RegistryMembersLookup;
}

/** Built at start-up, so that a missing reader key or a bad AUTH_* setting stops the bridge instead of looping. */
export async function loadBridgeIdentity(
  config: Pick<Config, 'TENANT_REGISTRY_URL'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BridgeIdentity> {
  const { issuer, jwksUrl } = loadIdentityConfig(env);
  return {
    verify: identityVerifier({ issuer, jwksUrl, audience: IDENTITY_AUDIENCE }),
    members: registryMembers({
      registryUrl: config.TENANT_REGISTRY_URL,
      signer: await loadTokenSigner(READER_TOKEN_ISSUER, env),
      caller: 'tenant-deletion-bridge',
    }),
  };
}
