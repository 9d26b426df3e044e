/**
 * The local stack's development identity issuer, as `npm run stack:up` runs it on 8091: it serves the public key of
 * the key file `tdel dev-token` signs with, so a printed token verifies against the served JWKS, as the deletion API
 * and the bridge verify it. Needs the stack up.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  LOCAL_IDENTITY_ISSUER,
  LOCAL_IDENTITY_JWKS_URL,
  loadDevIdentityIssuer,
} from '../../client/authorization/dev-identity-issuer';
import { IdentityRejected, identityVerifier } from '../../client/authorization/identity-token';

const repo = path.resolve(__dirname, '../..');
const tsx = path.join(repo, 'node_modules/.bin/tsx');

function run(args: string[]) {
  return spawnSync(tsx, args, { cwd: repo, encoding: 'utf8' });
}

describe('the dev identity issuer (local stack, port 8091)', () => {
  it('is reported healthy by stack:status, with its JWKS', () => {
    const status = run(['scripts/stack/cli.ts', 'status']);
    expect(status.stdout).toMatch(
      /^identity\s+localhost:8091\s+healthy\s+JWKS http:\/\/localhost:8091\/\.well-known\/jwks\.json/m,
    );
  });

  it("serves the key file's public key, and no private part", async () => {
    const response = await fetch(LOCAL_IDENTITY_JWKS_URL);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    const { publicJwk } = await loadDevIdentityIssuer();
    expect(keys).toEqual([publicJwk]);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('serves an OIDC discovery document naming the issuer and its JWKS', async () => {
    const discovery = await (await fetch(`${LOCAL_IDENTITY_ISSUER}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer: LOCAL_IDENTITY_ISSUER,
      jwks_uri: LOCAL_IDENTITY_JWKS_URL,
      id_token_signing_alg_values_supported: ['EdDSA'],
    });
  });

  it('issues no token over HTTP', async () => {
    for (const route of ['/token', '/oauth/token', '/authorize']) {
      expect((await fetch(`${LOCAL_IDENTITY_ISSUER}${route}`, { method: 'POST' })).status).toBe(404);
    }
  });

  it('verifies a `tdel dev-token` token through the served JWKS, and refuses it for another audience', async () => {
    const printed = spawnSync(
      path.join(repo, 'client/cli/bin/tdel'),
      ['dev-token', '--sub', 'ops-7', '--role', 'operator'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(printed.status).toBe(0);
    const token = printed.stdout.trim();
    const verify = identityVerifier({ issuer: LOCAL_IDENTITY_ISSUER, jwksUrl: LOCAL_IDENTITY_JWKS_URL });
    expect(await verify(`Bearer ${token}`)).toEqual({ subject: 'ops-7', roles: ['operator'] });
    const elsewhere = identityVerifier({
      issuer: LOCAL_IDENTITY_ISSUER,
      jwksUrl: LOCAL_IDENTITY_JWKS_URL,
      audience: 'x',
    });
    await expect(elsewhere(token)).rejects.toBeInstanceOf(IdentityRejected);
  });
});
