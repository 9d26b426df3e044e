import { Option, type Command } from 'commander';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import {
  loadDevIdentityIssuer,
  mintIdentityToken,
  MissingIdentityIssuerKey,
} from '../authorization/dev-identity-issuer';
import { IDENTITY_AUDIENCE } from '../authorization/identity-token';
import { parseIdentifier } from './arguments';
import { DeletionApiClient } from './api-client';
import type { CliContext } from './context';
import { usageError } from './exit-codes';
import { resolveRequester } from './requester';

/**
 * Where the deletion API is and which token `tdel` shows it. A token is given (`--token`, TDEL_TOKEN: one from the
 * identity provider), or, on the local stack only, signed for `--as <subject>` with role operator by the local
 * development issuer's key, which `npm run stack:up` made; tdel says so on stderr, so nobody mistakes it for a
 * real identity. Where AUTH_ISSUER names a real provider, no token is signed: that provider is the one judge.
 */

export const DEFAULT_API_URL = 'http://localhost:8090';

/** Long enough for `--wait` to start following, short enough that a token left in a log soon means nothing. */
const DEV_TOKEN_TTL_SECONDS = 300;

export interface ApiOptions {
  apiUrl?: string;
  token?: string;
  as?: string;
  /** The former name of `--as`. */
  requestedBy?: string;
}

/** `--api-url`, `--token`, `--as` (and the former `--requested-by`, now the same as `--as`). */
export function addApiOptions(command: Command, who: string): Command {
  return command
    .addOption(new Option('--api-url <url>', `the deletion API (default: $TDEL_API_URL, else ${DEFAULT_API_URL})`))
    .addOption(
      new Option(
        '--token <jwt>',
        'a bearer token from the identity provider (default: $TDEL_TOKEN; prefer it: a command line shows in ps)',
      ),
    )
    .addOption(
      new Option(
        '--as <subject>',
        `${who}, on the local stack without a token: the subject of the development token tdel signs (default: $TDEL_USER, else your OS user name)`,
      ).argParser(parseIdentifier('--as')),
    )
    .addOption(
      new Option('--requested-by <subject>', 'the same as --as').argParser(parseIdentifier('--as')).hideHelp(),
    );
}

/** The subject `--as` names: the option (or its old name), else TDEL_USER, else the OS user name. */
function subjectOf(options: ApiOptions, env: NodeJS.ProcessEnv): string {
  return resolveRequester(options.as ?? options.requestedBy, env);
}

const apiUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** A token's shape (three base64url parts) is checked before it is sent; its content is the API's to judge. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface ApiSession {
  client: DeletionApiClient;
  /** Who the token names (read from it unverified, to print only; the API verifies it). */
  subject: string | undefined;
}

export async function openApi(ctx: CliContext, options: ApiOptions): Promise<ApiSession> {
  const { env } = ctx;
  const rawUrl = options.apiUrl ?? env.TDEL_API_URL ?? DEFAULT_API_URL;
  const url = apiUrlSchema.safeParse(rawUrl);
  if (!url.success) {
    throw usageError(`${options.apiUrl ? '--api-url' : 'TDEL_API_URL'} ${url.error.issues[0].message}`);
  }
  const given = options.token ?? env.TDEL_TOKEN;
  if (given !== undefined && given !== '') {
    const token = given.replace(/^Bearer\s+/i, '').trim();
    // Never echo the value: it may be a real token, pasted into the wrong option.
    if (!JWT_SHAPE.test(token)) {
      throw usageError(`${options.token ? '--token' : 'TDEL_TOKEN'} is not a JWT (three base64url parts)`);
    }
    const subject = unverifiedSubject(token);
    if ((options.as ?? options.requestedBy) !== undefined) {
      // A token names its own subject; --as only names the development token's. Say which wins.
      ctx.out.warn(`--as is ignored: the token's subject${subject ? ` (${subject})` : ''} is who asks`);
    }
    return { client: new DeletionApiClient(url.data, token), subject };
  }
  return devSession(ctx, url.data, subjectOf(options, env));
}

async function devSession(ctx: CliContext, apiUrl: string, subject: string): Promise<ApiSession> {
  if (ctx.env.AUTH_ISSUER) {
    throw usageError(
      `no token: AUTH_ISSUER names an identity provider (${ctx.env.AUTH_ISSUER}), and only it may sign tokens`,
      'pass its token with --token or TDEL_TOKEN',
    );
  }
  let token: string;
  try {
    const issuer = await loadDevIdentityIssuer(ctx.env);
    token = await mintIdentityToken(issuer, {
      subject,
      roles: ['operator'],
      ttlSeconds: DEV_TOKEN_TTL_SECONDS,
      audience: IDENTITY_AUDIENCE,
    });
  } catch (error) {
    if (error instanceof MissingIdentityIssuerKey) {
      throw usageError(`no token, and ${error.message}`, 'or pass a token with --token or TDEL_TOKEN');
    }
    throw error;
  }
  ctx.out.note(
    `note: no --token or TDEL_TOKEN: signed a local development token for ${subject} (role operator, ` +
      `${DEV_TOKEN_TTL_SECONDS / 60} min) with the local identity issuer's key`,
  );
  return { client: new DeletionApiClient(apiUrl, token), subject };
}

function unverifiedSubject(token: string): string | undefined {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
