import { Command, CommanderError } from 'commander';
import { MissingTokenKeyError } from '../../common/service-token-keys';
import { InvalidTenantIdError } from '../../db/service-instances';
import packageJson from '../../package.json';
import { examples } from './arguments';
import { registerApprove } from './commands/approve';
import { registerCancel } from './commands/cancel';
import { registerCertificate } from './commands/certificate';
import { registerConformance } from './commands/conformance';
import { registerDelete } from './commands/delete';
import { registerDevToken } from './commands/dev-token';
import { registerInventoryImport } from './commands/inventory-import';
import { registerInventoryList } from './commands/inventory-list';
import { registerList } from './commands/list';
import { registerPreview } from './commands/preview';
import { registerRetry } from './commands/retry';
import { registerServiceToken } from './commands/service-token';
import { registerStatus } from './commands/status';
import { CliContext } from './context';
import { CliError, EXIT } from './exit-codes';
import { Interrupted } from './follow';
import { Output, type CliIo } from './output';

/** Ctrl-C while following a deletion (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

const ENVIRONMENT_HELP = `
Environment:
  TEMPORAL_ADDRESS     Temporal frontend, host:port (default localhost:7233; --address overrides it)
  TEMPORAL_NAMESPACE   namespace (default default; --namespace overrides it)
  TEMPORAL_TLS*, TEMPORAL_API_KEY*  TLS, mTLS and API key for a real cluster or Temporal Cloud
  TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE  Temporal's standard profile file (~/.config/temporalio/temporal.toml),
                       below the variables above (docs/temporal-connection.md)
  PAYLOAD_CODEC_KEYS   payload encryption keys, keyId:base64key,... (default: the local stack's key file)
  TEMPORAL_UI_URL      Web UI base for the links printed (default http://localhost:8233)
  DATABASE_URL         the orchestrator's PostgreSQL (default postgres://postgres@localhost:5432/tenant_deletion)
  SERVICE_TOKEN_SIGNING_KEY_FILE, ADMIN_TOKEN_SIGNING_KEY_FILE  service-token keys (service-token, conformance;
                       default: the local stack's)
  TDEL_API_URL         the deletion API that delete, cancel, retry and approve go through (default http://localhost:8090)
  TDEL_TOKEN           the bearer token they show it (from your identity provider); unset on the local stack, tdel
                       signs a development token for --as with role operator, and says so on stderr
  TDEL_USER            the subject of that development token, when --as is not given (default: the OS user name)
  CERTIFICATE_SIGNING_KEY_FILE  Ed25519 private key (PEM) of the certificates (default: the local stack's)
  NO_COLOR             any value turns colours off (they are on only on a terminal)

Exit codes: 0 done, 1 the operation failed, 2 bad usage or input, 3 not found or unreachable.
`;

function buildProgram(ctx: CliContext): Command {
  const { out } = ctx;
  const program = new Command('tdel')
    .description('Drive and watch tenant data deletions orchestrated by Temporal.')
    .version(packageJson.version, '-V, --version')
    .option('--address <host:port>', 'Temporal frontend (overrides TEMPORAL_ADDRESS and the profile)')
    .option('--namespace <namespace>', 'Temporal namespace (overrides TEMPORAL_NAMESPACE and the profile)')
    .hook('preAction', (command) => ctx.target(command.opts<{ address?: string; namespace?: string }>()))
    // Settings made here are inherited by every command added below.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void ctx.io.stdout.write(text),
      writeErr: (text) => out.usage(text),
      outputError: (text, write) => write(text.replace(/^error:/, out.ce.red('error:'))),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      examples([
        ['tdel delete tenant-12345 --gdpr --wait', 'delete a whole tenant and follow it'],
        ['tdel status tenant-12345 --watch', 'live progress'],
        ['tdel list --status FAILED', 'deletions waiting for retry or cancel'],
        ['tdel retry tenant-12345', 'retry the failed instances'],
        ['tdel inventory import instances.json', "register tenants' service instances"],
        ['tdel certificate tenant-12345 --verify', 'the signed deletion certificate, checked'],
      ]) + ENVIRONMENT_HELP,
    );

  registerDelete(program, ctx);
  registerStatus(program, ctx);
  registerList(program, ctx);
  registerCancel(program, ctx);
  registerRetry(program, ctx);
  registerApprove(program, ctx);
  registerPreview(program, ctx);
  registerCertificate(program, ctx);
  registerConformance(program, ctx);
  registerDevToken(program, ctx);
  registerServiceToken(program, ctx);
  const inventory = program
    .command('inventory')
    .description("list and import tenants' service instances (the inventory in PostgreSQL)")
    .summary("list or import tenants' service instances")
    .addHelpText(
      'after',
      examples([
        ['tdel inventory list tenant-12345', "a tenant's instances"],
        ['tdel inventory import instances.json', 'import rows from a file'],
      ]),
    );
  registerInventoryList(inventory, ctx);
  registerInventoryImport(inventory, ctx);
  return program;
}

/** Commander's codes for help or the version printed. */
const ASKED_FOR = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/** Maps what ended a run to an exit code, telling the user what failed and what to do. */
function report(ctx: CliContext, error: unknown, json: boolean): number {
  const { out } = ctx;
  const fail = (exitCode: number, code: string, message: string, hint?: string, printed = false) => {
    if (!printed) out.error(message, hint);
    if (json && !out.wroteStdout) out.json({ error: { code, message, ...(hint ? { hint } : {}) } });
    return exitCode;
  };
  if (error instanceof CommanderError) {
    // Help or the version asked for exits 0; help shown for want of a command (on stderr) is a usage error. Not
    // error.exitCode: for `tdel help` Commander takes it from process.exitCode, which whatever ran before in this
    // process may have set.
    if (ASKED_FOR.has(error.code) && !out.wroteUsage) return EXIT.ok;
    // Commander has printed its message (and the help, for a missing command) already.
    return fail(EXIT.usage, 'USAGE', error.message.replace(/^error: /, ''), undefined, true);
  }
  if (error instanceof CliError) return fail(error.exitCode, error.code, error.message, error.hint);
  if (error instanceof Interrupted) {
    out.note(`${error.message}: see \`tdel status ${error.tenantId}\``);
    return EXIT_INTERRUPTED;
  }
  if (error instanceof MissingTokenKeyError || error instanceof InvalidTenantIdError) {
    return fail(EXIT.usage, 'BAD_INPUT', error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (ctx.env.TDEL_DEBUG && error instanceof Error && error.stack) out.note(error.stack);
  return fail(
    EXIT.failed,
    'FAILED',
    `unexpected failure: ${message}`,
    ctx.env.TDEL_DEBUG ? undefined : 'run again with TDEL_DEBUG=1 to see where it failed',
  );
}

/**
 * Runs one `tdel` command line and returns its exit code; never throws and never exits the process, so that
 * tests and the fuzzer can run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const out = new Output(io);
  const ctx = new CliContext(io, out, signal ?? new AbortController().signal);
  const json = argv.includes('--json') && !argv.includes('--help') && !argv.includes('-h');
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return report(ctx, error, json);
  } finally {
    await ctx.close();
  }
}
