import { InvalidArgumentError, Option, type Command } from 'commander';
import { serviceType } from '@tenant-deletion/contract';
import {
  issuerGranting,
  MAX_TOKEN_LIFETIME_SECONDS,
  mintServiceToken,
  REGISTRY_AUDIENCE,
  scopeSchema,
  type Scope,
} from '@tenant-deletion/contract/service-token';
import { AUTHORITY_FILES, loadTokenSigner, MissingTokenKeyError } from '../../../common/service-token-keys';
import { examples, parseIdentifier, positiveIntegerParser } from '../arguments';
import type { CliContext } from '../context';
import { usageError } from '../exit-codes';
import { resolveRequester } from '../requester';

interface ServiceTokenOptions {
  audience: string;
  scope: Scope[];
  ttl: number;
  subject?: string;
}

function parseAudience(value: string): string {
  if (value === REGISTRY_AUDIENCE || serviceType.safeParse(value).success) return value;
  throw new InvalidArgumentError(`--audience must be a service type (e.g. orders) or ${REGISTRY_AUDIENCE}.`);
}

function parseScope(value: string, previous: Scope[] | undefined): Scope[] {
  const parsed = scopeSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--scope must be one of ${scopeSchema.options.join(', ')}.`);
  return [...(previous ?? []), parsed.data];
}

/**
 * `tdel service-token`: a service token for the local stack, tests and admins, signed by the one authority that grants
 * the scopes asked for. It signs with the local stack's key of that authority, or the key file its variable names;
 * without either it refuses, so on a machine without keys it mints nothing.
 */
export function registerServiceToken(program: Command, ctx: CliContext): void {
  program
    .command('service-token')
    .description('print a service token signed with the local stack key of the authority granting the scope')
    .summary('print a service token (local stack, tests, admins)')
    .requiredOption('--audience <audience>', `the service type, or ${REGISTRY_AUDIENCE}`, parseAudience)
    .addOption(
      new Option('--scope <scope>', 'a scope the token grants (repeat for more, all of one authority)')
        .argParser(parseScope)
        .makeOptionMandatory(),
    )
    .option(
      '--ttl <seconds>',
      `lifetime, at most ${MAX_TOKEN_LIFETIME_SECONDS}`,
      positiveIntegerParser('--ttl', MAX_TOKEN_LIFETIME_SECONDS),
      60,
    )
    .option('--subject <id>', 'the token subject (default: $TDEL_USER, else your OS user name)', parseIdentifier('sub'))
    .addHelpText(
      'after',
      examples([
        ['tdel service-token --audience orders --scope tenant-data:preview', 'a preview token for orders'],
        [
          'tdel service-token --audience orders --scope legal-hold:admin --subject legal-7',
          "an admins' token to place a hold",
        ],
        ['tdel service-token --audience tenant-registry --scope registry:read --ttl 300', 'read the registry'],
      ]) +
        '\nThe authority is the one that grants the scope: the orchestrator (tenant-data:*, registry:suspend|erase),\n' +
        'the admins (legal-hold:admin, kit:faults, registry:members), registry:read from the orchestrator. Its key is\n' +
        `${Object.values(AUTHORITY_FILES)
          .map((files) => files.keyVariable)
          .join(', ')} when set, else the local stack's\n` +
        '(`npm run stack:up` makes them). The token is printed on stdout and nowhere else: treat it as a password.\n',
    )
    .action(async (options: ServiceTokenOptions) => {
      const issuers = [...new Set(options.scope.map(issuerGranting))];
      if (issuers.length > 1) {
        throw usageError(
          `no one authority grants ${options.scope.join(' and ')}: ${options.scope.map((scope) => `${scope} comes from ${issuerGranting(scope)}`).join(', ')}`,
          'ask for one token per authority',
        );
      }
      let signer;
      try {
        signer = await loadTokenSigner(issuers[0], ctx.env);
      } catch (error) {
        if (error instanceof MissingTokenKeyError) throw usageError(error.message);
        throw error;
      }
      const token = await mintServiceToken(signer, {
        audience: options.audience,
        subject: resolveRequester(options.subject, ctx.env),
        scopes: options.scope,
        lifetimeSeconds: options.ttl,
      });
      ctx.out.line(token);
    });
}
