import {
  ADMIN_TOKEN_ISSUER,
  READER_TOKEN_ISSUER,
  serviceTokenVerifier,
  TOKEN_ISSUER,
} from '@tenant-deletion/contract/service-token';
import type { FleetTokens } from '@tenant-deletion/example-fleet';
import { REGISTRY_TOKEN_ISSUERS } from '@tenant-deletion/example-registry';
import { loadTokenSigner, tokenAuthorities } from '../../common/service-token-keys';

/**
 * The fleet's keys from the environment (the JWKS variables and READER_TOKEN_SIGNING_KEY_FILE), else the local
 * stack's: the instances trust the orchestrator and the admins, the registry all three authorities, and the write
 * guard holds the readers' key only. Throws MissingTokenKeyError, or an Error naming a missing JWKS, with what to do.
 */
export async function fleetTokens(env: NodeJS.ProcessEnv = process.env): Promise<FleetTokens> {
  return {
    services: serviceTokenVerifier(tokenAuthorities([TOKEN_ISSUER, ADMIN_TOKEN_ISSUER], env)),
    registry: serviceTokenVerifier(tokenAuthorities(REGISTRY_TOKEN_ISSUERS, env)),
    reader: await loadTokenSigner(READER_TOKEN_ISSUER, env),
  };
}
