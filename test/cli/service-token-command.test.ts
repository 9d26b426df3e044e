/**
 * `tdel service-token`: the token is signed by the authority that grants the scope asked for (its local stack key in
 * a temporary state directory) and verifies against that authority's public JWKS only; without a key it refuses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ADMIN_TOKEN_ISSUER,
  READER_TOKEN_ISSUER,
  serviceTokenVerifier,
  TOKEN_ISSUER,
} from '@tenant-deletion/contract/service-token';
import { ensureLocalTokenKeys, tokenAuthorities } from '../../common/service-token-keys';
import { runInProcess } from './run-in-process';

let stateDir: string;
let env: Record<string, string>;
beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-service-token-'));
  env = { TDEL_STATE_DIR: stateDir };
  await ensureLocalTokenKeys(env);
});
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

async function mint(...args: string[]) {
  return runInProcess(['service-token', ...args], { env });
}

describe('tdel service-token', () => {
  it('prints a token of the admins for legal-hold:admin, for the audience and subject asked', async () => {
    const run = await mint('--audience', 'orders', '--scope', 'legal-hold:admin', '--subject', 'legal-7');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const verify = serviceTokenVerifier(tokenAuthorities([TOKEN_ISSUER, ADMIN_TOKEN_ISSUER], env));
    const verified = await verify(`Bearer ${run.stdout.trim()}`, { audience: 'orders', scope: 'legal-hold:admin' });
    expect(verified).toMatchObject({ issuer: ADMIN_TOKEN_ISSUER, subject: 'legal-7', scopes: ['legal-hold:admin'] });
  });

  it("signs tenant-data:delete with the orchestrator's key, which no other authority's keys verify", async () => {
    const run = await mint('--audience', 'orders', '--scope', 'tenant-data:delete', '--ttl', '30');
    expect(run.code).toBe(0);
    const token = `Bearer ${run.stdout.trim()}`;
    const expected = { audience: 'orders', scope: 'tenant-data:delete' } as const;
    const verified = await serviceTokenVerifier(tokenAuthorities([TOKEN_ISSUER], env))(token, expected);
    expect(verified.issuer).toBe(TOKEN_ISSUER);
    expect(verified.expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(30);
    await expect(
      serviceTokenVerifier(tokenAuthorities([READER_TOKEN_ISSUER, ADMIN_TOKEN_ISSUER], env))(token, expected),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('refuses scopes that no one authority grants together, and unknown scopes, with exit 2', async () => {
    const mixed = await mint('--audience', 'orders', '--scope', 'tenant-data:delete', '--scope', 'legal-hold:admin');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('no one authority grants tenant-data:delete and legal-hold:admin');
    expect(mixed.stdout).toBe('');
    const unknown = await mint('--audience', 'orders', '--scope', 'everything');
    expect(unknown.code).toBe(2);
    expect((await mint('--audience', 'not a type!', '--scope', 'tenant-data:preview')).code).toBe(2);
    expect((await mint('--audience', 'orders', '--scope', 'tenant-data:preview', '--ttl', '301')).code).toBe(2);
  });

  it('refuses without the key, naming the variable and how to make one', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-no-keys-'));
    try {
      const run = await runInProcess(['service-token', '--audience', 'orders', '--scope', 'tenant-data:preview'], {
        env: { TDEL_STATE_DIR: empty },
      });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('SERVICE_TOKEN_SIGNING_KEY_FILE');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
