import { InvalidArgumentError, Option, type Command } from 'commander';
import { decodeJwt } from 'jose';
import {
  DEFAULT_IDENTITY_TTL_SECONDS,
  loadDevIdentityIssuer,
  MissingIdentityIssuerKey,
  mintIdentityToken,
} from '../../authorization/dev-identity-issuer';
import { IDENTITY_AUDIENCE } from '../../authorization/identity-token';
import { IDENTITY_ROLES, identityRole, type IdentityRole } from '../../authorization/requester';
import { examples, jsonOption, parseIdentifier, positiveIntegerParser } from '../arguments';
import type { CliContext } from '../context';
import { usageError } from '../exit-codes';

interface DevTokenOptions {
  sub: string;
  role?: IdentityRole[];
  ttl: number;
  audience: string;
  json?: boolean;
}

/** A day: long enough for a demo or a test run, short enough that a token pasted somewhere soon stops working. */
const MAX_TTL_SECONDS = 86_400;

function parseRole(value: string, previous: IdentityRole[] | undefined): IdentityRole[] {
  const parsed = identityRole.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--role must be one of ${IDENTITY_ROLES.join(', ')}.`);
  return [...new Set([...(previous ?? []), parsed.data])];
}

/**
 * `tdel dev-token`: an identity token from the local stack's development issuer, for the deletion API and signed
 * Kafka requests. It signs with the issuer's key file, so it works only where `npm run stack:up` made one.
 */
export function registerDevToken(program: Command, ctx: CliContext): void {
  program
    .command('dev-token')
    .description("print an identity token signed by the local stack's development issuer (local stack and tests only)")
    .summary('an identity token from the local dev issuer')
    .requiredOption(
      '--sub <id>',
      'the subject: who the token speaks for (becomes requestedBy)',
      parseIdentifier('--sub'),
    )
    .addOption(
      new Option('--role <role>', `a platform role (${IDENTITY_ROLES.join(', ')}); repeat for more`).argParser(
        parseRole,
      ),
    )
    .option(
      '--ttl <seconds>',
      `lifetime in seconds (at most ${MAX_TTL_SECONDS})`,
      positiveIntegerParser('--ttl', MAX_TTL_SECONDS),
      DEFAULT_IDENTITY_TTL_SECONDS,
    )
    .option('--audience <aud>', 'the audience', IDENTITY_AUDIENCE)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel dev-token --sub alice', 'a token for alice (a tenant owner or admin in the registry)'],
        ['tdel dev-token --sub ops-1 --role operator', 'an operator: may delete and approve for any tenant'],
        ['tdel dev-token --sub billing --role deletion-requester', 'a system that requests through Kafka'],
        [
          'curl -H "Authorization: Bearer $(tdel dev-token --sub alice)" localhost:8090/api/v1/tenants/t-1/deletion',
          'use it',
        ],
      ]) +
        '\nSigns with the local issuer key ($TDEL_STATE_DIR/secrets/identity-issuer-key.pem, made by\n' +
        '`npm run stack:up`); elsewhere tokens come from your OIDC provider (AUTH_ISSUER). Exit 2 without the key.\n',
    )
    .action(async (options: DevTokenOptions) => {
      if (!/^\S{1,200}$/.test(options.audience)) throw usageError('--audience must be 1-200 characters without spaces');
      let token: string;
      try {
        const issuer = await loadDevIdentityIssuer(ctx.env);
        token = await mintIdentityToken(issuer, {
          subject: options.sub,
          roles: options.role ?? [],
          ttlSeconds: options.ttl,
          audience: options.audience,
        });
      } catch (error) {
        if (error instanceof MissingIdentityIssuerKey) throw usageError(error.message);
        throw error;
      }
      if (options.json) {
        const { iss, exp } = decodeJwt(token);
        ctx.out.json({
          token,
          issuer: iss,
          subject: options.sub,
          roles: options.role ?? [],
          audience: options.audience,
          expiresAt: new Date(exp! * 1000).toISOString(),
        });
      } else {
        ctx.out.line(token);
      }
    });
}
