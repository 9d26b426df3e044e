import type { Command } from 'commander';
import { Argument, InvalidArgumentError } from 'commander';
import { serviceType } from '@tenant-deletion/contract';
import { ADMIN_TOKEN_ISSUER, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { loadTokenSigner, MissingTokenKeyError } from '../../../common/service-token-keys';
import { examples, jsonOption, parseIdentifier, positiveIntegerParser } from '../arguments';
import { conformanceReport, printReport } from '../conformance/report';
import { runConformance } from '../conformance/run-conformance';
import { runSeedCommand } from '../conformance/seed-hook';
import { freshId, ServiceProbe, ServiceUnreachable, type ProbeSigners } from '../conformance/service-probe';
import type { CliContext } from '../context';
import { EXIT, unreachableError, usageError } from '../exit-codes';

interface ConformanceOptions {
  serviceType: string;
  tenant?: string;
  yes?: boolean;
  seedCommand?: string;
  faultKnobs?: boolean;
  timeout: number;
  pollTimeout: number;
  json?: boolean;
}

const HELP = `
Checks any service, in any language, against the service deletion contract over HTTP alone. Each check
passes, fails with the reason, or is skipped with why:
  preview-shape              GET {base}/tenant/{id}/deletion-preview: 200 with the contract body
  unknown-tenant             a fresh random tenant: preview and DELETE 200 with zero counts, never 404
  token-missing, -expired,   no token, an expired one, one signed with another key, HS256 keyed with the public
  -forged, -hs256, -alg-none key, unsigned (alg none): 401; a token for another service: 403 (401 accepted);
  -wrong-audience            each sent with a DELETE and a preview, nothing deleted
  token-wrong-scope          a tenant-data:preview token on DELETE: 403, nothing deleted
  legal-hold                 PUT {base}/admin/legal-holds/{id} (legal-hold:admin), then DELETE: 409, nothing
                             deleted; lifting it with a tenant-data:delete token: 403; always lifted
  retry-after                with --fault-knobs: a 503 provoked through {base}/admin/faults carries Retry-After
  delete-shape               DELETE {base}/tenant/{id}: 200 with the contract body
  async-location             when a DELETE answers 202: its Location answers 202, then 200 with the body
  preview-zero-after-delete  the test tenant's preview is zero after its DELETE
  idempotent-repeat          a second DELETE: 200 with zero counts
  idempotency-key-replay     a DELETE with the first one's Idempotency-Key answers as the first did

Test data: preview-zero-after-delete, idempotent-repeat and idempotency-key-replay need a tenant with data,
else they are skipped; with data, the token and hold checks also prove that they deleted nothing.
  --tenant <id> --yes        a test tenant that has data: THE CHECKS DELETE ALL OF ITS DATA
  --seed-command <cmd>       run by the shell before the checks with CONFORMANCE_TENANT (a fresh tenant id, or
                             --tenant's), CONFORMANCE_BASE_URL and CONFORMANCE_SERVICE_TYPE set; it must give that
                             tenant data in the service
Tokens are minted as the orchestrator's workers mint them (EdDSA/ES256, audience = --service-type, the
route's scope), with the orchestrator's private key: SERVICE_TOKEN_SIGNING_KEY_FILE (PEM), else the local
stack's key (made by \`npm run stack:up\`). The legal-hold and retry-after checks need the admins' key
(legal-hold:admin, kit:faults): ADMIN_TOKEN_SIGNING_KEY_FILE, else the local stack's; without it they are skipped.
The service must trust both keys' public JWKS.

Exit codes: 0 no check failed, 1 a check failed (each listed with why), 2 bad usage, 3 the service is unreachable.
`;

function baseUrlArgument(): Argument {
  return new Argument('<baseUrl>', "the service's base URL, e.g. http://localhost:8101/api/v1/orders").argParser(
    (value: string) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new InvalidArgumentError('baseUrl must be an absolute http(s) URL.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new InvalidArgumentError('baseUrl must be an absolute http(s) URL.');
      }
      if (url.search || url.hash) throw new InvalidArgumentError('baseUrl must not carry a query or a fragment.');
      return url.toString().replace(/\/+$/, '');
    },
  );
}

function parseServiceType(value: string): string {
  const parsed = serviceType.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--service-type ${parsed.error.issues[0].message}.`);
  return parsed.data;
}

/** `tdel conformance <baseUrl> --service-type <type>`: does a running service keep the deletion contract? */
export function registerConformance(program: Command, ctx: CliContext): void {
  program
    .command('conformance')
    .description('check a running service against the service deletion contract (HTTP only, any language)')
    .summary('check a service against the deletion contract')
    .addArgument(baseUrlArgument())
    .requiredOption('--service-type <type>', "the service type: the tokens' audience", parseServiceType)
    .option('--tenant <id>', 'a test tenant with data; its data is DELETED (needs --yes)', parseIdentifier('--tenant'))
    .option('--yes', 'confirm that the data of --tenant may be deleted')
    .option('--seed-command <cmd>', 'a shell command that gives $CONFORMANCE_TENANT data before the checks')
    .option('--fault-knobs', "the service offers the kit's fault knobs ({base}/admin/faults): check Retry-After on 503")
    .option('--timeout <seconds>', 'how long to wait for each answer', positiveIntegerParser('--timeout', 300), 10)
    .option(
      '--poll-timeout <seconds>',
      "how long to follow a 202's Location",
      positiveIntegerParser('--poll-timeout', 3600),
      120,
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel conformance http://localhost:8101/api/v1/orders --service-type orders', 'the checks that need no data'],
        [
          'tdel conformance $URL --service-type orders --seed-command \'npm run fleet:seed -- --tenant "$CONFORMANCE_TENANT" --records 500 --skip-registry\'',
          'seed a fresh tenant, then every check',
        ],
        ['tdel conformance $URL --service-type orders --tenant test-tenant-1 --yes --json', 'delete a test tenant'],
      ]) + HELP,
    )
    .action(async (baseUrl: string, options: ConformanceOptions) => {
      if (options.tenant !== undefined && !options.yes) {
        throw usageError(
          `the checks delete all data of tenant ${options.tenant} in ${options.serviceType}: add --yes to confirm`,
        );
      }
      const signers = await probeSigners(ctx.env);
      const target = { baseUrl, serviceType: options.serviceType };
      const dataTenant = options.tenant ?? (options.seedCommand !== undefined ? freshId() : undefined);
      if (options.seedCommand !== undefined && dataTenant !== undefined) {
        await runSeedCommand(options.seedCommand, dataTenant, target, ctx.io, ctx.signal);
      }
      const probe = new ServiceProbe(target, signers, options.timeout * 1000, ctx.signal);
      let checks;
      try {
        checks = await runConformance(probe, {
          dataTenant,
          faultKnobs: options.faultKnobs === true,
          pollTimeoutMs: options.pollTimeout * 1000,
          signal: ctx.signal,
        });
      } catch (error) {
        if (error instanceof ServiceUnreachable) {
          throw unreachableError(
            `${options.serviceType} is unreachable: ${error.message}`,
            'is the base URL right and the service up?',
          );
        }
        throw error;
      }
      const report = conformanceReport({ ...target, tenantId: dataTenant }, checks);
      ctx.exitCode = report.conforms ? EXIT.ok : EXIT.failed;
      if (options.json) ctx.out.json(report);
      else printReport(ctx.out, report);
    });
}

/** The orchestrator's key is required (exit 2 without it); the admins' only for the checks that need it. */
async function probeSigners(env: NodeJS.ProcessEnv): Promise<ProbeSigners> {
  let orchestrator;
  try {
    orchestrator = await loadTokenSigner(TOKEN_ISSUER, env);
  } catch (error) {
    if (error instanceof MissingTokenKeyError) throw usageError(error.message);
    throw error;
  }
  try {
    return { orchestrator, admin: await loadTokenSigner(ADMIN_TOKEN_ISSUER, env) };
  } catch (error) {
    if (error instanceof MissingTokenKeyError) return { orchestrator, admin: { missing: error.message } };
    throw error;
  }
}
