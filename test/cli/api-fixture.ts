import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import pino from 'pino';
import {
  ADMIN_TOKEN_ISSUER,
  mintServiceToken,
  READER_TOKEN_ISSUER,
  REGISTRY_AUDIENCE,
  serviceTokenVerifier,
} from '@tenant-deletion/contract/service-token';
import type { TenantRole } from '@tenant-deletion/contract';
import { buildApiServer } from '../../client/api/api-server';
import {
  loadDevIdentityIssuer,
  LOCAL_IDENTITY_ISSUER,
  mintIdentityToken,
} from '../../client/authorization/dev-identity-issuer';
import { identityVerifier } from '../../client/authorization/identity-token';
import { registryMembers } from '../../client/authorization/registry-members';
import type { IdentityRole } from '../../client/authorization/requester';
import { loadConfig } from '../../common/config';
import { loadTokenSigner, tokenAuthorities } from '../../common/service-token-keys';
import { REGISTRY_TOKEN_ISSUERS } from '../../services/registry/route-scopes';
import { registryDatabaseUrl, startRegistry } from '../../services/registry/registry-server';

/**
 * What `tdel delete|cancel|retry|approve` talk to in the CLI's real-server tests: the deletion API in process, wired
 * as `npm run api` wires it but in front of the test's own Temporal server (so that workflows run on the fake
 * fleet's workers only), the real tenant registry in process on the local stack's PostgreSQL (tenants and members),
 * and the local development identity issuer's key, the one `tdel` signs its development tokens with (its public key
 * given to the API as a JWKS file, as the issuer on 8091 serves it).
 */

export interface CliApi {
  /** TDEL_API_URL for tdel. */
  url: string;
  /** Registers a tenant in the registry, with these members (user id → role). */
  register(tenantId: string, members?: Record<string, TenantRole>): Promise<void>;
  close(): Promise<void>;
}

export async function startCliApi(temporal: Client): Promise<CliApi> {
  const config = loadConfig();
  const registry = await startRegistry({
    databaseUrl: registryDatabaseUrl(config.DATABASE_URL),
    port: 0,
    host: '127.0.0.1',
    tokens: serviceTokenVerifier(tokenAuthorities([...REGISTRY_TOKEN_ISSUERS])),
    logger: pino({ level: 'warn' }),
  });
  const issuer = await loadDevIdentityIssuer();
  const jwksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-api-jwks-'));
  const jwksFile = path.join(jwksDir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [issuer.publicJwk] }));
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 3 });
  const app = await buildApiServer({
    logger: pino({ level: process.env.LOG_LEVEL ?? 'warn' }),
    temporal,
    db,
    verifyIdentity: identityVerifier({ issuer: LOCAL_IDENTITY_ISSUER, jwksUrl: jwksFile }),
    tenantStanding: registryMembers({
      registryUrl: registry.url,
      signer: await loadTokenSigner(READER_TOKEN_ISSUER),
      caller: 'tenant-deletion-api-cli-test',
    }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = await loadTokenSigner(ADMIN_TOKEN_ISSUER);

  async function registryCall(method: string, urlPath: string, body: unknown): Promise<void> {
    const token = await mintServiceToken(admin, {
      audience: REGISTRY_AUDIENCE,
      subject: 'tdel-cli-test',
      scopes: ['registry:members'],
    });
    const response = await fetch(`${registry.url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${await response.text()}`);
  }

  return {
    url,
    async register(tenantId, members = {}) {
      await registryCall('POST', '/tenants', {
        tenantId,
        displayName: 'CLI test tenant',
        ownerEmail: 'owner@example.com',
        billingAddress: 'Test street 1',
      });
      for (const [userId, role] of Object.entries(members)) {
        await registryCall('PUT', `/tenants/${tenantId}/members/${userId}`, { role });
      }
    },
    async close() {
      await app.close();
      await db.end();
      await registry.close();
      fs.rmSync(jwksDir, { recursive: true, force: true });
    },
  };
}

/** A token from the local development issuer, as `tdel dev-token` prints it. */
export async function devToken(subject: string, roles: IdentityRole[] = [], ttlSeconds?: number): Promise<string> {
  return mintIdentityToken(await loadDevIdentityIssuer(), { subject, roles, ttlSeconds });
}
