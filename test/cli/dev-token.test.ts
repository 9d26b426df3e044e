/**
 * `tdel dev-token` in-process, against a key made in a temporary state directory: the token it prints verifies
 * with the issuer's public key, and without the key it refuses (exit 2) instead of making one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { ensureIdentityIssuerKey, loadDevIdentityIssuer } from '../../client/authorization/dev-identity-issuer';
import { IdentityRejected, identityVerifier } from '../../client/authorization/identity-token';
import { runInProcess } from './run-in-process';

let stateDir: string;
let jwksFile: string;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-token-'));
  const env = { TDEL_STATE_DIR: stateDir };
  ensureIdentityIssuerKey(env);
  jwksFile = path.join(stateDir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [(await loadDevIdentityIssuer(env)).publicJwk] }));
});
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

const run = (args: string[], dir = stateDir) => runInProcess(['dev-token', ...args], { env: { TDEL_STATE_DIR: dir } });
const verifier = (audience?: string) =>
  identityVerifier({ issuer: 'http://localhost:8091', jwksUrl: `file://${jwksFile}`, audience });

describe('tdel dev-token', () => {
  it('prints one token that the local issuer’s JWKS verifies, with the subject and roles asked for', async () => {
    const { code, stdout, stderr } = await run([
      '--sub',
      'ops-1',
      '--role',
      'operator',
      '--role',
      'deletion-requester',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(await verifier()(stdout.trim())).toEqual({ subject: 'ops-1', roles: ['operator', 'deletion-requester'] });
  });

  it('lasts an hour unless --ttl says otherwise', async () => {
    const now = Date.now() / 1000;
    const plain = decodeJwt((await run(['--sub', 'alice'])).stdout.trim());
    expect(plain.exp! - now).toBeGreaterThan(3590);
    expect(plain.exp! - now).toBeLessThanOrEqual(3601);
    const short = decodeJwt((await run(['--sub', 'alice', '--ttl', '30'])).stdout.trim());
    expect(short.exp! - short.iat!).toBe(30);
  });

  it('addresses another audience only when asked, and the API then refuses it', async () => {
    const token = (await run(['--sub', 'alice', '--audience', 'something-else'])).stdout.trim();
    await expect(verifier()(token)).rejects.toBeInstanceOf(IdentityRejected);
    expect(await verifier('something-else')(token)).toEqual({ subject: 'alice', roles: [] });
  });

  it('prints a JSON document with --json', async () => {
    const { code, stdout } = await run(['--sub', 'alice', '--json']);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({ issuer: 'http://localhost:8091', subject: 'alice', roles: [] });
    expect(await verifier()(document.token)).toEqual({ subject: 'alice', roles: [] });
  });

  it.each([
    [['--role', 'operator'], /required option '--sub <id>'/],
    [['--sub', 'auth0|alice'], /--sub must be 1-64 characters/],
    [['--sub', 'alice', '--role', 'admin'], /--role must be one of operator, deletion-requester/],
    [['--sub', 'alice', '--ttl', '0'], /--ttl must be a whole number from 1 to 86400/],
    [['--sub', 'alice', '--ttl', '86401'], /--ttl must be a whole number/],
  ])('refuses %j with exit 2', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('refuses without the issuer key, and makes none', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-token-empty-'));
    try {
      const { code, stdout, stderr } = await run(['--sub', 'alice'], empty);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/no local identity issuer key at .*identity-issuer-key\.pem: run `npm run stack:up`/);
      expect(fs.existsSync(path.join(empty, 'secrets'))).toBe(false);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
