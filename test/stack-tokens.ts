import {
  ADMIN_TOKEN_ISSUER,
  issuerGranting,
  mintServiceToken,
  READER_TOKEN_ISSUER,
  TOKEN_ISSUER,
  type Scope,
  type TokenIssuer,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import type { FleetTokens } from '@tenant-deletion/example-fleet';
import { ensureLocalTokenKeys, loadTokenSigner } from '../common/service-token-keys';
import { fleetTokens } from '../scripts/fleet/fleet-tokens';

/**
 * The local stack's three token authorities, for tests on the real stack: the same key files `npm run worker`,
 * `npm run fleet` and `tdel` use, so that a process a test spawns trusts what the test's fleet trusts and signs what
 * it accepts. The keys are made if missing (as `npm run stack:up` does).
 */
export interface StackTokens {
  signers: Record<TokenIssuer, TokenSigner>;
  /** What a fleet started by the test verifies with, and its write guard's readers' key. */
  fleet: FleetTokens;
  /** A token for one scope from the authority that grants it (issuerGranting). */
  mint(audience: string, scope: Scope, subject?: string): Promise<string>;
}

let loaded: Promise<StackTokens> | undefined;

async function load(): Promise<StackTokens> {
  await ensureLocalTokenKeys();
  const signers: Record<TokenIssuer, TokenSigner> = {
    [TOKEN_ISSUER]: await loadTokenSigner(TOKEN_ISSUER),
    [READER_TOKEN_ISSUER]: await loadTokenSigner(READER_TOKEN_ISSUER),
    [ADMIN_TOKEN_ISSUER]: await loadTokenSigner(ADMIN_TOKEN_ISSUER),
  };
  return {
    signers,
    fleet: await fleetTokens(),
    mint: (audience, scope, subject = 'test') =>
      mintServiceToken(signers[issuerGranting(scope)], { audience, subject, scopes: [scope] }),
  };
}

export function stackTokens(): Promise<StackTokens> {
  loaded ??= load();
  return loaded;
}
