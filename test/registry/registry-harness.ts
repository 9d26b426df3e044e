import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../common/config';
import { ensureLocalTokenKeys, loadTokenSigner, tokenAuthorities } from '../../common/service-token-keys';
import {
  ADMIN_TOKEN_ISSUER,
  mintServiceToken,
  READER_TOKEN_ISSUER,
  serviceTokenVerifier,
  TOKEN_ISSUER,
  type Scope,
  type TokenIssuer,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import { registryDatabaseUrl, startRegistry, type RunningRegistry } from '../../services/registry/registry-server';
import { REGISTRY_TOKEN_ISSUERS } from '../../services/registry/route-scopes';

/**
 * The registry started in-process on the local stack's PostgreSQL (its own database tenant_registry), driven over
 * real HTTP, verifying tokens with the public keys of three authorities made for this run in a temporary state
 * directory (as `stack:up` makes the local ones): the test holds each authority's private key, as its process would.
 */

export interface RegistryHarness {
  registry: RunningRegistry;
  db: pg.Pool;
  signers: Record<TokenIssuer, TokenSigner>;
  /** Everything the registry logged. */
  logLines: string[];
  /** Every token sent, to show that none is logged. */
  sentTokens: string[];
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

export async function startRegistryHarness(): Promise<RegistryHarness> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-keys-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TDEL_STATE_DIR: stateDir };
  for (const variable of ['SERVICE_TOKEN_JWKS_URL', 'READER_TOKEN_JWKS_URL', 'ADMIN_TOKEN_JWKS_URL'])
    delete env[variable];
  await ensureLocalTokenKeys(env);
  const signers = {
    [TOKEN_ISSUER]: await loadTokenSigner(TOKEN_ISSUER, env),
    [READER_TOKEN_ISSUER]: await loadTokenSigner(READER_TOKEN_ISSUER, env),
    [ADMIN_TOKEN_ISSUER]: await loadTokenSigner(ADMIN_TOKEN_ISSUER, env),
  } as Record<TokenIssuer, TokenSigner>;
  const logLines: string[] = [];
  const databaseUrl = registryDatabaseUrl(loadConfig().DATABASE_URL);
  const registry = await startRegistry({
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    tokens: serviceTokenVerifier(tokenAuthorities(REGISTRY_TOKEN_ISSUERS, env)),
    logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
  });
  const db = new pg.Pool({ connectionString: databaseUrl });
  return {
    registry,
    db,
    signers,
    logLines,
    sentTokens: [],
    async close() {
      await db.end();
      await registry.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Which authority a test uses for a scope: the one whose process holds it in production. */
const HOLDER: Record<Scope, TokenIssuer> = {
  'tenant-data:preview': TOKEN_ISSUER,
  'tenant-data:delete': TOKEN_ISSUER,
  'registry:suspend': TOKEN_ISSUER,
  'registry:erase': TOKEN_ISSUER,
  'registry:read': READER_TOKEN_ISSUER,
  'registry:members': ADMIN_TOKEN_ISSUER,
  'legal-hold:admin': ADMIN_TOKEN_ISSUER,
  'kit:faults': ADMIN_TOKEN_ISSUER,
};

export function tokenFor(
  harness: RegistryHarness,
  scope: Scope,
  options: { issuer?: TokenIssuer; audience?: string; subject?: string } = {},
): Promise<string> {
  return mintServiceToken(harness.signers[options.issuer ?? HOLDER[scope]], {
    audience: options.audience ?? 'tenant-registry',
    subject: options.subject ?? 'registry-test',
    scopes: [scope],
  });
}

/** The scope a call needs, so that a test not about tokens sends the right one. */
export function scopeOf(method: string, path: string): Scope {
  const route = path.replace(/\?.*$/, '');
  if (method === 'POST' && route === '/tenants') return 'registry:members';
  if (/\/members(\/|$)|\/transfer-ownership$/.test(route))
    return method === 'GET' ? 'registry:read' : 'registry:members';
  if (method === 'POST') return 'registry:suspend';
  if (method === 'DELETE') return 'registry:erase';
  return 'registry:read';
}

export async function callRegistry(
  harness: RegistryHarness,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const token = options.token === undefined ? await tokenFor(harness, scopeOf(method, path)) : options.token;
  if (token) harness.sentTokens.push(token);
  const response = await fetch(`${harness.registry.url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
