import pg from 'pg';
import pino from 'pino';
import {
  ADMIN_TOKEN_ISSUER,
  mintServiceToken,
  READER_TOKEN_ISSUER,
  REGISTRY_AUDIENCE,
} from '@tenant-deletion/contract/service-token';
import type { TenantRole } from '@tenant-deletion/contract';
import { buildApiServer } from '../../client/api/api-server';
import {
  loadDevIdentityIssuer,
  LOCAL_IDENTITY_ISSUER,
  mintIdentityToken,
} from '../../client/authorization/dev-identity-issuer';
import { loadIdentityConfig } from '../../client/authorization/identity-config';
import { identityVerifier } from '../../client/authorization/identity-token';
import { registryMembers } from '../../client/authorization/registry-members';
import type { IdentityRole } from '../../client/authorization/requester';
import { loadConfig } from '../../common/config';
import { loadTokenSigner } from '../../common/service-token-keys';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import type { TokenIssuerKey } from './api-tokens';

/**
 * The deletion API in process, wired as `npm run api` wires it: the local stack's Temporal and Postgres, the local
 * development identity issuer (its JWKS over HTTP on 8091, as `npm run stack:up` serves it), and the given registry
 * asked with the readers' key. For the API's own tests and for the CLI's, which send their requests through it.
 */

export interface TestApi {
  url: string;
  close(): Promise<void>;
}

export async function startTestApi(options: { registryUrl: string }): Promise<TestApi> {
  const config = loadConfig();
  const temporal = await connectTemporalClient(temporalAccess(config));
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 3 });
  const app = await buildApiServer({
    logger: pino({ level: process.env.LOG_LEVEL ?? 'warn' }),
    temporal,
    db,
    verifyIdentity: identityVerifier(loadIdentityConfig({})),
    tenantStanding: registryMembers({
      registryUrl: options.registryUrl,
      signer: await loadTokenSigner(READER_TOKEN_ISSUER),
      caller: 'tenant-deletion-api-test',
    }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    async close() {
      await app.close();
      await Promise.allSettled([db.end(), temporal.connection.close()]);
    },
  };
}

/** The local development issuer's key, for valid tokens and for expired ones it signed. */
export async function devIssuerKey(): Promise<TokenIssuerKey> {
  const issuer = await loadDevIdentityIssuer();
  return { issuer: LOCAL_IDENTITY_ISSUER, privateKey: issuer.privateKey, kid: issuer.publicJwk.kid };
}

/** A bearer token from the local development issuer, as `tdel dev-token` prints it. */
export async function bearer(subject: string, roles: IdentityRole[] = []): Promise<string> {
  return `Bearer ${await mintIdentityToken(await loadDevIdentityIssuer(), { subject, roles })}`;
}

/** Makes `userId` a member of the tenant in the registry, with an admin's token (registry:members). */
export async function setMember(registryUrl: string, tenantId: string, userId: string, role: TenantRole) {
  const token = await mintServiceToken(await loadTokenSigner(ADMIN_TOKEN_ISSUER), {
    audience: REGISTRY_AUDIENCE,
    subject: 'api-test-admin',
    scopes: ['registry:members'],
  });
  const response = await fetch(`${registryUrl}/tenants/${tenantId}/members/${userId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
  if (!response.ok) throw new Error(`PUT member ${userId} of ${tenantId}: ${response.status} ${await response.text()}`);
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: { code: string; message: string } };
}

/** One call to the API; `authorization` as sent (undefined: no header). */
export async function apiCall<T = Record<string, unknown>>(
  api: TestApi,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  authorization: string | undefined,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as Answer<T>['body'] };
}
