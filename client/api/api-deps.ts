import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { IdentityVerifier } from '../authorization/identity-token';
import type { RegistryMembersLookup } from '../authorization/registry-members';

/** What the API's routes reach: Temporal, the orchestrator's database, the identity issuer and the registry. */
export interface ApiDeps {
  temporal: Client;
  db: pg.Pool;
  verifyIdentity: IdentityVerifier;
  tenantStanding: RegistryMembersLookup;
}
