/**
 * The certificate store against the local stack's PostgreSQL (tenant_deletion.deletion_certificates, `npm run
 * stack:up`): a chain of several, the database refusing edits, one certificate per run key, and concurrent appends
 * keeping one linear chain. Certificates cannot be deleted, so these tests add a few under `cert-test-*` tenant ids
 * and signed with the local stack's key, like every other certificate of the stack; every edit they try is inside
 * a transaction that is rolled back.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sealCertificate } from '../../common/certificates/certificate-seal';
import { verifyCertificate, verifyChainLink } from '@tenant-deletion/client';
import { ensureLocalSigningKey, loadSigningKey } from '../../common/certificates/signing-key';
import { loadConfig } from '../../common/config';
import {
  appendCertificate,
  certificateAt,
  certificateById,
  latestCertificate,
  type StoredCertificate,
} from '../../db/certificates';
import { body, draft } from './certificate-fixtures';

jest.setTimeout(60_000);

const pool = new pg.Pool({ connectionString: loadConfig().DATABASE_URL, max: 12 });
const run = `cert-test-${randomUUID().slice(0, 8)}`;
ensureLocalSigningKey();
const signer = loadSigningKey();

afterAll(() => pool.end());

/** Runs fn in a transaction that is always rolled back: nothing it does can stay. */
async function rolledBack(fn: (client: pg.PoolClient) => Promise<unknown>): Promise<unknown> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    return await fn(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

async function issue(label: string, runKey = `${run}:${label}:${randomUUID()}`): Promise<StoredCertificate> {
  return (await appendCertificate(pool, signer, runKey, draft(`${run}-${label}`))).stored;
}

async function expectLinkedToPredecessor(stored: StoredCertificate): Promise<void> {
  const { sequence } = stored.certificate.body;
  const predecessor = sequence > 1 ? await certificateAt(pool, sequence - 1) : null;
  expect(verifyChainLink(stored.certificate, predecessor?.certificate ?? null)).toMatchObject({ ok: true });
}

describe('deletion_certificates', () => {
  it('appends a chain of several certificates that each verify and link to their predecessor', async () => {
    const chain: StoredCertificate[] = [];
    for (const label of ['a', 'b', 'c', 'd']) chain.push(await issue(label));
    for (const [index, stored] of chain.entries()) {
      expect(verifyCertificate(stored.certificate, signer.publicKey)).toMatchObject({ valid: true });
      await expectLinkedToPredecessor(stored);
      if (index > 0)
        expect(stored.certificate.body.sequence).toBeGreaterThan(chain[index - 1].certificate.body.sequence);
    }
    const latest = await latestCertificate(pool, `${run}-d`);
    expect(latest?.certificate).toEqual(chain[3].certificate);
    expect((await certificateById(pool, chain[1].certificate.body.certificateId))?.certificate).toEqual(
      chain[1].certificate,
    );
    // The stored row keeps the exact text that was hashed, and a queryable copy of the same body.
    const { rows } = await pool.query(
      'SELECT tenant_id, canonical, body, previous_hash, key_id FROM deletion_certificates WHERE id = $1',
      [chain[2].certificate.body.certificateId],
    );
    expect(rows[0]).toMatchObject({
      tenant_id: `${run}-c`,
      canonical: chain[2].canonical,
      body: chain[2].certificate.body,
      previous_hash: chain[1].certificate.hash,
      key_id: signer.keyId,
    });
  });

  it('is one linear chain from the genesis hash, over every certificate on record', async () => {
    await issue('whole-chain');
    const { rows } = await pool.query<{ sequence: string; canonical: string; hash: string }>(
      'SELECT sequence, canonical, hash FROM deletion_certificates ORDER BY sequence',
    );
    const documents = rows.map((row) => ({ body: JSON.parse(row.canonical), hash: row.hash }));
    expect(rows.map((row) => Number(row.sequence))).toEqual(rows.map((_, index) => index + 1));
    const broken = documents
      .map((document, index) => ({
        sequence: index + 1,
        link: verifyChainLink(
          { ...document, signature: '', keyId: '' },
          index === 0 ? null : { ...documents[index - 1], signature: '', keyId: '' },
        ),
      }))
      .filter(({ link }) => !link.ok);
    expect(broken).toEqual([]);
  });

  it.each([
    ['UPDATE', `UPDATE deletion_certificates SET tenant_id = 'rewritten' WHERE id = $1`],
    ['DELETE', 'DELETE FROM deletion_certificates WHERE id = $1'],
    ['UPDATE', `UPDATE deletion_certificates SET body = jsonb_set(body, '{gdprMode}', 'false') WHERE id = $1`],
  ])('the database itself refuses %s', async (operation, sql) => {
    const stored = await issue(`refuse-${operation.toLowerCase()}`);
    await expect(rolledBack((client) => client.query(sql, [stored.certificate.body.certificateId]))).rejects.toThrow(
      `deletion_certificates is append-only: ${operation} refused`,
    );
    expect((await certificateById(pool, stored.certificate.body.certificateId))?.certificate).toEqual(
      stored.certificate,
    );
  });

  it('the database itself refuses TRUNCATE', async () => {
    await issue('refuse-truncate');
    // Inside a transaction that is rolled back either way, so only the refusal itself can tell.
    await expect(rolledBack((client) => client.query('TRUNCATE deletion_certificates'))).rejects.toThrow(
      'deletion_certificates is append-only: TRUNCATE refused',
    );
  });

  it('issues one certificate per run key: a retry gets the same one back', async () => {
    const runKey = `${run}:idempotent`;
    const first = await appendCertificate(pool, signer, runKey, draft(`${run}-idem`));
    // A retry states a later finish time: the certificate already issued stands.
    const again = await appendCertificate(
      pool,
      signer,
      runKey,
      draft(`${run}-idem`, { finishedAt: '2026-02-11T12:09:00.000Z' }),
    );
    expect(first.created).toBe(true);
    expect(again).toEqual({ stored: first.stored, created: false });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM deletion_certificates WHERE run_key = $1', [
      runKey,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('keeps one linear chain when many finalizations append at once', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => issue(`concurrent-${i}`)));
    const sequences = results.map((stored) => stored.certificate.body.sequence);
    expect(new Set(sequences).size).toBe(12);
    const previous = results.map((stored) => stored.certificate.body.previousHash);
    expect(new Set(previous).size).toBe(12);
    for (const stored of results) await expectLinkedToPredecessor(stored);
  });

  it('gives concurrent retries of one finalization a single certificate', async () => {
    const runKey = `${run}:concurrent-retry`;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => appendCertificate(pool, signer, runKey, draft(`${run}-retry`))),
    );
    expect(new Set(results.map((result) => result.stored.certificate.body.certificateId)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('refuses a fork even from a writer that skips the lock', async () => {
    const linked = await issue('fork');
    await issue('fork-successor');
    // A second successor of a certificate that has one already, written straight into the table.
    const fork = sealCertificate(
      { ...body(Number.MAX_SAFE_INTEGER, linked.certificate.hash), tenantId: `${run}-fork` },
      signer,
    );
    await expect(
      rolledBack((client) =>
        client.query(
          `INSERT INTO deletion_certificates
             (id, sequence, run_key, tenant_id, issued_at, body, canonical, hash, previous_hash, signature, key_id)
           VALUES ($1, $2, $3, $4, now(), $5::jsonb, $5::text, $6, $7, $8, $9)`,
          [
            fork.body.certificateId,
            fork.body.sequence,
            `${run}:fork-writer`,
            fork.body.tenantId,
            fork.canonical,
            fork.hash,
            linked.certificate.hash,
            fork.signature,
            fork.keyId,
          ],
        ),
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint "deletion_certificates_previous_hash_key"/);
  });
});
