import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CERTIFICATE_VERSION,
  GENESIS_HASH,
  type CertificateBody,
  type CertificateDraft,
} from '@tenant-deletion/contract';
import { sealCertificate, type SealedCertificate } from '../../common/certificates/certificate-seal';
import { type CertificateSigner } from '../../common/certificates/signing-key';
import { keyIdOf } from '@tenant-deletion/client';

/** Keys, drafts and sealed chains for the certificate tests: no database, no stack. */

export function testSigner(): CertificateSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: 'test' };
}

/** The signer's private key in a PEM file, as CERTIFICATE_SIGNING_KEY_FILE names one. */
export function writePrivateKey(signer: CertificateSigner, dir: string, name = 'signing-key.pem'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, signer.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function draft(tenantId: string, overrides: Partial<CertificateDraft> = {}): CertificateDraft {
  return {
    tenantId,
    gdprMode: true,
    startedAt: '2026-02-11T12:00:00.000Z',
    finishedAt: '2026-02-11T12:00:04.000Z',
    requests: [
      {
        requestId: `req-${tenantId}`,
        requestedBy: 'admin-user-uuid',
        gdprMode: true,
        wholeTenant: true,
        reason: 'contract-ended',
      },
    ],
    instances: [
      {
        serviceType: 'orders',
        serviceInstanceId: 'orders-1',
        deletedCounts: { orders: 120, order_items: 480 },
        attempts: 1,
        verification: 'preview-zero',
      },
      {
        serviceType: 'cloud-storage',
        serviceInstanceId: 'srv-abc-001',
        deletedCounts: { files: 7 },
        attempts: 2,
        verification: 'preview-zero',
      },
    ],
    registry: { tenantRecord: 'deleted', tenantRecordDeleted: true, piiErased: true },
    ...overrides,
  };
}

export function body(sequence: number, previousHash: string, tenantId = `tenant-${sequence}`): CertificateBody {
  return {
    version: CERTIFICATE_VERSION,
    certificateId: randomUUID(),
    sequence,
    previousHash,
    issuedAt: '2026-02-11T12:00:05.000Z',
    ...draft(tenantId),
  };
}

/** `length` certificates linked from the genesis hash, as the store would issue them. */
export function sealedChain(signer: CertificateSigner, length: number): SealedCertificate[] {
  const chain: SealedCertificate[] = [];
  for (let sequence = 1; sequence <= length; sequence += 1) {
    chain.push(sealCertificate(body(sequence, chain.at(-1)?.hash ?? GENESIS_HASH), signer));
  }
  return chain;
}

/** The certificate as `tdel certificate <tenantId> --json` prints it (no canonical text beside it). */
export function document({ body, hash, signature, keyId }: SealedCertificate) {
  return { body, hash, signature, keyId };
}
