import { z } from 'zod';
import { identifier, isoTimestamp, serviceType } from './identifiers';
import { deletedCounts } from './outcomes';
import { requestId } from './requests';

/**
 * A deletion certificate: what one finalization deleted, stated with ids, counts and timestamps only (no PII), and
 * sealed so that any later edit shows. `body` is what is certified; `hash` is SHA-256 of the body's RFC 8785
 * canonical JSON; `signature` is Ed25519 over those 32 digest bytes; `keyId` names the signing key. Each body
 * names the hash of the certificate before it, so all certificates form one chain. See docs/certificates.md.
 */

export const CERTIFICATE_VERSION = 1;

/** The predecessor of the first certificate in the chain. */
export const GENESIS_HASH = '0'.repeat(64);

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a SHA-256 digest)');
export const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits');

/** What the service's preview showed after the delete: zero rows left, or not checked. */
export const VERIFICATIONS = ['preview-zero', 'not-verified'] as const;

/**
 * What the tenant registry did with the tenant record: `deleted` (and its PII erased when `piiErased`), `not-found`
 * (the registry answered 404: there was no record to delete, so none was erased), `kept` (not asked: a per-instance
 * deletion outside GDPR mode). Certificates issued before this field existed lack it, and their
 * `tenantRecordDeleted` says only that the registry was asked.
 */
export const TENANT_RECORD_OUTCOMES = ['deleted', 'not-found', 'kept'] as const;

export const certifiedRegistrySchema = z
  .strictObject({
    tenantRecord: z.enum(TENANT_RECORD_OUTCOMES).optional(),
    tenantRecordDeleted: z.boolean(),
    piiErased: z.boolean(),
  })
  .refine(
    ({ tenantRecord, tenantRecordDeleted, piiErased }) =>
      tenantRecord === undefined ||
      ((tenantRecord === 'deleted') === tenantRecordDeleted && (!piiErased || tenantRecordDeleted)),
    {
      error:
        'tenantRecordDeleted and piiErased must agree with tenantRecord: only a deleted record can have erased PII',
    },
  );

/**
 * `requestedBy` is the subject of the verified token the request came with (the deletion API, a signed Kafka
 * envelope, `tdel`'s token), never a name the sender wrote. `approvedBy` is the operator who released a request held
 * for approval (four eyes: never its requester); it is absent when the request was not held, and from certificates
 * issued before the field existed, which verify as before (the field is part of the signed body when present).
 */
export const certifiedRequestSchema = z
  .strictObject({
    requestId,
    requestedBy: identifier,
    approvedBy: identifier.optional(),
    gdprMode: z.boolean(),
    wholeTenant: z.boolean(),
    reason: z.string().max(200).nullable(),
  })
  .refine(({ requestedBy, approvedBy }) => approvedBy !== requestedBy, {
    error: 'approvedBy must differ from requestedBy: a request is approved by a second person',
  });

export const certifiedInstanceSchema = z.strictObject({
  serviceType,
  serviceInstanceId: identifier,
  deletedCounts,
  attempts: z.number().int().nonnegative(),
  verification: z.enum(VERIFICATIONS),
});

export const certificateBodySchema = z.strictObject({
  version: z.literal(CERTIFICATE_VERSION),
  certificateId: z.uuid(),
  /** Position in the chain, from 1. */
  sequence: z.number().int().positive(),
  previousHash: sha256Hex,
  issuedAt: isoTimestamp,
  tenantId: identifier,
  gdprMode: z.boolean(),
  startedAt: isoTimestamp,
  finishedAt: isoTimestamp,
  requests: z.array(certifiedRequestSchema).min(1),
  instances: z.array(certifiedInstanceSchema),
  registry: certifiedRegistrySchema,
});

export const deletionCertificateSchema = z.strictObject({
  body: certificateBodySchema,
  hash: sha256Hex,
  signature: z.base64(),
  keyId: keyIdSchema,
});

export type CertifiedRegistry = z.infer<typeof certifiedRegistrySchema>;
export type CertifiedRequest = z.infer<typeof certifiedRequestSchema>;
export type CertifiedInstance = z.infer<typeof certifiedInstanceSchema>;
export type CertificateBody = z.infer<typeof certificateBodySchema>;
export type DeletionCertificate = z.infer<typeof deletionCertificateSchema>;

/** What the issuer states; the chain (id, sequence, predecessor, issue time) is filled in when it is appended. */
export type CertificateDraft = Omit<
  CertificateBody,
  'version' | 'certificateId' | 'sequence' | 'previousHash' | 'issuedAt'
>;
