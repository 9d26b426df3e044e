import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  CERTIFICATE_VERSION,
  certificateBodySchema,
  GENESIS_HASH,
  type CertificateBody,
  type CertificateDraft,
  type DeletionCertificate,
} from '@tenant-deletion/contract';
import { sealCertificate } from '../common/certificates/certificate-seal';
import type { CertificateSigner } from '../common/certificates/signing-key';

/**
 * The append-only store of deletion certificates (table deletion_certificates; its triggers refuse UPDATE, DELETE
 * and TRUNCATE). All certificates form one hash chain, so appends are serialized by a transaction-scoped advisory
 * lock: the head is read and the next link written while no other finalization, of any tenant, can append.
 */

const CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('deletion_certificates.chain'))";

export interface StoredCertificate {
  /** The certificate as issued: its body parsed from the exact canonical text that was hashed and signed. */
  certificate: DeletionCertificate;
  runKey: string;
  issuedAt: string;
  canonical: string;
  /** The jsonb copy of the body, which queries use; verification compares it with the canonical text. */
  storedBody: unknown;
}

interface CertificateRow {
  run_key: string;
  issued_at: Date;
  body: unknown;
  canonical: string;
  hash: string;
  signature: string;
  key_id: string;
}

const COLUMNS = 'run_key, issued_at, body, canonical, hash, signature, key_id';

function fromRow(row: CertificateRow): StoredCertificate {
  const parsed: unknown = JSON.parse(row.canonical);
  // The schema lists the fields in reading order; a body that no longer fits it is shown as stored.
  const ordered = certificateBodySchema.safeParse(parsed);
  return {
    certificate: {
      body: ordered.success ? ordered.data : (parsed as CertificateBody),
      hash: row.hash,
      signature: row.signature,
      keyId: row.key_id,
    },
    runKey: row.run_key,
    issuedAt: row.issued_at.toISOString(),
    canonical: row.canonical,
    storedBody: row.body,
  };
}

/**
 * Appends the certificate of one finalization, or returns the one already issued for its run key, so that a
 * retried activity gets the same certificate back. `created` says which.
 */
export async function appendCertificate(
  db: pg.Pool,
  signer: CertificateSigner,
  runKey: string,
  draft: CertificateDraft,
): Promise<{ stored: StoredCertificate; created: boolean }> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(CHAIN_LOCK);
    const existing = await client.query<CertificateRow>(
      `SELECT ${COLUMNS} FROM deletion_certificates WHERE run_key = $1`,
      [runKey],
    );
    if (existing.rows[0]) {
      await client.query('COMMIT');
      return { stored: fromRow(existing.rows[0]), created: false };
    }
    const head = await client.query<{ sequence: string; hash: string }>(
      'SELECT sequence, hash FROM deletion_certificates ORDER BY sequence DESC LIMIT 1',
    );
    const body: CertificateBody = {
      version: CERTIFICATE_VERSION,
      certificateId: randomUUID(),
      sequence: head.rows[0] ? Number(head.rows[0].sequence) + 1 : 1,
      previousHash: head.rows[0]?.hash ?? GENESIS_HASH,
      issuedAt: new Date().toISOString(),
      ...draft,
    };
    const sealed = sealCertificate(body, signer);
    const inserted = await client.query<CertificateRow>(
      `INSERT INTO deletion_certificates
         (id, sequence, run_key, tenant_id, issued_at, body, canonical, hash, previous_hash, signature, key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${COLUMNS}`,
      [
        body.certificateId,
        body.sequence,
        runKey,
        body.tenantId,
        body.issuedAt,
        sealed.canonical,
        sealed.canonical,
        sealed.hash,
        body.previousHash,
        sealed.signature,
        sealed.keyId,
      ],
    );
    await client.query('COMMIT');
    return { stored: fromRow(inserted.rows[0]), created: true };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The tenant's most recent certificate (a tenant deleted, re-created and deleted again has several). */
export async function latestCertificate(db: pg.Pool, tenantId: string): Promise<StoredCertificate | null> {
  const { rows } = await db.query<CertificateRow>(
    `SELECT ${COLUMNS} FROM deletion_certificates WHERE tenant_id = $1 ORDER BY sequence DESC LIMIT 1`,
    [tenantId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function certificateAt(db: pg.Pool, sequence: number): Promise<StoredCertificate | null> {
  const { rows } = await db.query<CertificateRow>(`SELECT ${COLUMNS} FROM deletion_certificates WHERE sequence = $1`, [
    sequence,
  ]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function certificateById(db: pg.Pool, certificateId: string): Promise<StoredCertificate | null> {
  const { rows } = await db.query<CertificateRow>(`SELECT ${COLUMNS} FROM deletion_certificates WHERE id = $1`, [
    certificateId,
  ]);
  return rows[0] ? fromRow(rows[0]) : null;
}
