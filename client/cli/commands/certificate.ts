import fs from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import type { DeletionCertificate } from '@tenant-deletion/contract';
import {
  canonicalJson,
  verifyCertificate,
  verifyChain,
  verifyChainLink,
  type VerificationCheck,
  type VerificationReport,
  InvalidKeyError,
  parsePublicKey,
  publicKeyPem,
} from '@tenant-deletion/client';
import {
  loadSigningKey,
  MissingSigningKeyError,
  SIGNING_KEY_VARIABLE,
  type CertificateSigner,
} from '../../../common/certificates/signing-key';
import { certificateAt, latestCertificate, type StoredCertificate } from '../../../db/certificates';
import { examples, jsonOption, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { EXIT, notFoundError, usageError } from '../exit-codes';
import { formatCount, formatTime, type Output } from '../output';

interface CertificateOptions {
  json?: boolean;
  verify?: boolean;
  file?: string;
  publicKey?: string;
  exportPublicKey?: boolean;
}

/**
 * `tdel certificate`: a tenant's latest deletion certificate from PostgreSQL, shown or verified (signature, key id,
 * chain link to its predecessor); a certificate file verified offline, with no database; the public key exported
 * for auditors. Verification failures exit 1 and name each part that does not match.
 */
export function registerCertificate(program: Command, ctx: CliContext): void {
  program
    .command('certificate')
    .description(
      "show a tenant's latest signed deletion certificate, verify one (from the database, or offline from a file), " +
        'or print the public key that verifies them',
    )
    .summary('show or verify a deletion certificate')
    .addArgument(tenantArgument().argOptional())
    .addOption(jsonOption())
    .option(
      '--verify',
      'check the body hash, the Ed25519 signature, the key id and the chain link; exit 1 if any fails',
    )
    .option('-f, --file <cert.json>', 'with --verify: check this certificate file offline (- reads standard input)')
    .option('--public-key <pem>', "verify with this public key file instead of the configured signing key's")
    .option('--export-public-key', 'print the public key (PEM) that verifies the certificates')
    .addHelpText(
      'after',
      examples([
        ['tdel certificate tenant-12345', "the tenant's latest certificate"],
        ['tdel certificate tenant-12345 --verify', 'and check its signature and chain link'],
        ['tdel certificate tenant-12345 --json > cert.json', 'save it for an auditor'],
        ['tdel certificate --export-public-key > key.pem', 'the public key to give with it'],
        ['tdel certificate --verify --file cert.json --public-key key.pem', 'verify offline, no database'],
      ]) +
        `\nThe key is the Ed25519 private key in ${SIGNING_KEY_VARIABLE}, else the local stack's (npm run stack:up).\n` +
        'A file may also hold a JSON array of certificates in chain order: each link is checked too.\n' +
        'Exit 0 verified, 1 something does not match (each mismatch is named), 2 bad usage, 3 no certificate.\n' +
        'See docs/certificates.md for what a certificate proves and how to verify one with openssl.\n',
    )
    .action(async (tenantId: string | undefined, options: CertificateOptions) => {
      if (options.exportPublicKey) {
        if (tenantId || options.file || options.verify || options.publicKey) {
          throw usageError('--export-public-key takes no tenant, --file, --verify or --public-key');
        }
        exportPublicKey(ctx, options);
        return;
      }
      if (options.file) {
        if (tenantId) throw usageError('give a tenant or --file, not both');
        if (!options.verify) throw usageError('--file is read only to verify it', 'add --verify');
        await verifyFile(ctx, options.file, options);
        return;
      }
      if (!tenantId) {
        throw usageError(
          'name a tenant, or --verify --file <cert.json>, or --export-public-key',
          'e.g. `tdel certificate tenant-12345 --verify`',
        );
      }
      await showTenantCertificate(ctx, tenantId, options);
    });
}

/** The signing key, for its public half; a missing or bad key is a usage error that says where to put one. */
function configuredSigner(ctx: CliContext, hint?: string): CertificateSigner {
  try {
    return loadSigningKey(ctx.env);
  } catch (error) {
    if (error instanceof MissingSigningKeyError || error instanceof InvalidKeyError) {
      throw usageError(error.message, hint);
    }
    throw error;
  }
}

async function verificationKey(ctx: CliContext, options: CertificateOptions): Promise<KeyObject> {
  if (options.publicKey) {
    const pem = await readInput(
      ctx,
      options.publicKey,
      'a public key in PEM (from `tdel certificate --export-public-key`)',
    );
    try {
      return parsePublicKey(pem, options.publicKey);
    } catch (error) {
      if (error instanceof InvalidKeyError) throw usageError(error.message);
      throw error;
    }
  }
  return configuredSigner(ctx, "or give --public-key <pem>: the issuer's public key").publicKey;
}

function exportPublicKey(ctx: CliContext, options: CertificateOptions): void {
  const signer = configuredSigner(ctx);
  const pem = publicKeyPem(signer.publicKey);
  if (options.json) {
    ctx.out.json({ keyId: signer.keyId, algorithm: 'Ed25519', publicKey: pem });
    return;
  }
  ctx.io.stdout.write(pem);
  ctx.out.note(`key id ${signer.keyId} (Ed25519; from ${signer.source})`);
}

async function verifyFile(ctx: CliContext, file: string, options: CertificateOptions): Promise<void> {
  const text = await readInput(ctx, file, 'a certificate saved with `tdel certificate <tenantId> --json`');
  const publicKey = await verificationKey(ctx, options);
  let reports: VerificationReport[];
  let many = false;
  try {
    const parsed: unknown = JSON.parse(text);
    many = Array.isArray(parsed);
    reports = Array.isArray(parsed) ? verifyChain(parsed, publicKey) : [verifyCertificate(parsed, publicKey)];
    if (reports.length === 0) {
      reports = [
        { valid: false, certificateId: null, sequence: null, checks: [failedFormat('an empty array: no certificate')] },
      ];
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // An edited byte may break the JSON itself: that is a certificate that does not verify, not bad usage.
    reports = [
      { valid: false, certificateId: null, sequence: null, checks: [failedFormat(`not JSON (${error.message})`)] },
    ];
  }
  const verified = reports.every((report) => report.valid);
  if (!verified) ctx.exitCode = EXIT.failed;
  const { out } = ctx;
  if (options.json) {
    const { certificateId, sequence, checks } = reports[0];
    out.json(many ? { file, verified, certificates: reports } : { file, verified, certificateId, sequence, checks });
  } else {
    reports.forEach((report, index) => {
      if (index > 0) out.line('');
      out.line(
        `certificate ${report.certificateId ?? '(unknown id)'}${report.sequence ? ` (#${report.sequence})` : ''}`,
      );
      out.line(renderChecks(out, report.checks));
    });
  }
  reportVerdict(
    ctx,
    reports,
    options.json === true,
    'the file differs from the certificate as issued, or another key signed it',
  );
}

async function showTenantCertificate(ctx: CliContext, tenantId: string, options: CertificateOptions): Promise<void> {
  const publicKey = options.verify ? await verificationKey(ctx, options) : undefined;
  const found = await ctx.withDb(async (db) => {
    try {
      const latest = await latestCertificate(db, tenantId);
      const sequence = latest?.certificate.body.sequence;
      const predecessor = options.verify && sequence && sequence > 1 ? await certificateAt(db, sequence - 1) : null;
      return latest ? { latest, predecessor } : null;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') {
        throw notFoundError(
          'the table deletion_certificates is missing',
          'run `npm run db:migrate` to apply the migrations',
        );
      }
      throw error;
    }
  });
  if (!found) {
    throw notFoundError(
      `tenant ${tenantId} has no deletion certificate`,
      `one is issued when a deletion empties the tenant; see \`tdel status ${tenantId}\``,
    );
  }
  const { latest, predecessor } = found;
  const { out } = ctx;
  if (!publicKey) {
    if (options.json) out.json(latest.certificate);
    else out.line(renderCertificate(out, latest.certificate));
    return;
  }

  const report = verifyCertificate(latest.certificate, publicKey);
  const checks = [
    ...report.checks,
    verifyChainLink(latest.certificate, predecessor?.certificate ?? null),
    storedCopyCheck(latest),
  ];
  const verified = checks.every((check) => check.ok);
  if (!verified) ctx.exitCode = EXIT.failed;
  if (options.json) {
    out.json({ certificate: latest.certificate, verified, checks });
  } else {
    out.line(renderCertificate(out, latest.certificate));
    out.line('');
    out.line(renderChecks(out, checks));
  }
  reportVerdict(
    ctx,
    [{ ...report, valid: verified, checks }],
    options.json === true,
    'the stored certificate no longer matches what was issued: report it to whoever audits deletions',
  );
}

/** The jsonb copy that queries read must say what the signed canonical text says. */
function storedCopyCheck(stored: StoredCertificate): VerificationCheck {
  let same = false;
  try {
    same = canonicalJson(stored.storedBody) === stored.canonical;
  } catch {
    same = false;
  }
  return same
    ? { check: 'stored copy', ok: true, detail: 'the queryable copy of the body matches the signed text' }
    : {
        check: 'stored copy',
        ok: false,
        detail: 'stored copy does not match: the body column differs from the signed canonical text',
      };
}

function failedFormat(what: string): VerificationCheck {
  return { check: 'format', ok: false, detail: `not a deletion certificate: ${what}` };
}

/** The verdict: on stdout when verified (unless --json said it already), on stderr, as an error, when not. */
function reportVerdict(ctx: CliContext, reports: VerificationReport[], json: boolean, hint: string): void {
  const failed = reports.flatMap((report) => report.checks.filter((check) => !check.ok).map((check) => check.check));
  const ids = reports.map((report) => report.certificateId ?? '(unknown id)').join(', ');
  if (failed.length > 0) {
    ctx.out.error(`certificate ${ids} does not verify; not matching: ${[...new Set(failed)].join(', ')}`, hint);
  } else if (!json) {
    ctx.out.line('');
    ctx.out.line(ctx.out.c.green(`verified: certificate ${ids}`));
  }
}

function renderChecks(out: Output, checks: VerificationCheck[]): string {
  return out.table(
    ['CHECK', 'RESULT', 'DETAIL'],
    checks.map((check) => [check.check, check.ok ? out.c.green('ok') : out.c.red('FAILED'), check.detail]),
  );
}

function renderCertificate(out: Output, certificate: DeletionCertificate): string {
  const { body } = certificate;
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const total = body.instances.reduce(
    (sum, instance) => sum + Object.values(instance.deletedCounts).reduce((a, b) => a + b, 0),
    0,
  );
  const registry =
    body.registry.tenantRecord === 'not-found'
      ? 'tenant record not found (the registry answered 404: nothing there to delete or erase)'
      : [
          body.registry.tenantRecordDeleted ? 'tenant record deleted' : 'tenant record kept',
          body.registry.piiErased ? 'PII erased' : 'PII not erased',
        ].join(', ');
  const facts: [string, string][] = [
    ['tenant', body.tenantId],
    ['chain', `#${body.sequence}, previous hash ${body.previousHash}`],
    ['issued', formatTime(body.issuedAt)],
    ['deletion', `${formatTime(body.startedAt)} → ${formatTime(body.finishedAt)}`],
    ['gdprMode', yesNo(body.gdprMode)],
    ['registry', registry],
    ['hash', certificate.hash],
    ['key id', `${certificate.keyId} (Ed25519)`],
  ];
  const width = Math.max(...facts.map(([label]) => label.length));
  return [
    out.c.bold(`Deletion certificate ${body.certificateId}`),
    ...facts.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    out.table(
      ['REQUEST', 'REQUESTED BY', 'APPROVED BY', 'SCOPE', 'GDPR', 'REASON'],
      body.requests.map((request) => [
        request.requestId,
        request.requestedBy,
        // Absent when the request was not held for approval (and from certificates older than the field).
        request.approvedBy ?? '-',
        request.wholeTenant ? 'whole tenant' : 'instances',
        yesNo(request.gdprMode),
        request.reason ?? '-',
      ]),
    ),
    '',
    body.instances.length === 0
      ? 'no service instance was deleted by these requests'
      : out.table(
          ['INSTANCE', 'TYPE', 'RECORDS', 'ATTEMPTS', 'VERIFICATION'],
          body.instances.map((instance) => [
            instance.serviceInstanceId,
            instance.serviceType,
            formatCount(Object.values(instance.deletedCounts).reduce((a, b) => a + b, 0)),
            instance.attempts,
            instance.verification,
          ]),
          { align: ['left', 'left', 'right', 'right', 'left'] },
        ),
    '',
    `${formatCount(total)} record(s) deleted across ${body.instances.length} instance(s)`,
  ].join('\n');
}

async function readInput(ctx: CliContext, file: string, what: string): Promise<string> {
  try {
    if (file !== '-') return await fs.readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
    throw usageError(`cannot read ${file}: ${why}`, `give the path of ${what}`);
  }
}
