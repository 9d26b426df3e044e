import { z } from 'zod';
import { parseEnvironment } from '../../common/config';
import { LOCAL_IDENTITY_ISSUER, LOCAL_IDENTITY_JWKS_URL } from './dev-identity-issuer';

/**
 * Where the tokens of people and requesting systems come from. Unset, the local stack's development issuer; in
 * production any OIDC provider, named by both variables (the `iss` its tokens carry and its `jwks_uri`).
 */

export const identityConfigSchema = z
  .object({
    AUTH_ISSUER: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The `iss` of identity tokens (people and requesting systems), any OIDC provider; unset, the local ' +
          `development issuer ${LOCAL_IDENTITY_ISSUER}. Set it with \`AUTH_JWKS_URL\`.`,
      ),
    AUTH_JWKS_URL: z
      .string()
      .regex(/^(https?|file):\/\/\S+$/, 'must be an http(s):// or file:// URL')
      .optional()
      .describe(
        "The identity issuer's public keys (its OIDC `jwks_uri`); EdDSA, ES256, RS256 and PS256 are accepted, " +
          `HS* and none refused. Unset, ${LOCAL_IDENTITY_JWKS_URL}.`,
      ),
  })
  .refine((config) => !config.AUTH_ISSUER || config.AUTH_JWKS_URL, {
    // Guessing the keys' location of a real provider would trust whatever answers there.
    message: "is needed when AUTH_ISSUER is set: the provider's jwks_uri (from its /.well-known/openid-configuration)",
    path: ['AUTH_JWKS_URL'],
  })
  .refine((config) => config.AUTH_ISSUER || !config.AUTH_JWKS_URL, {
    message: 'is set without AUTH_ISSUER: name the issuer whose keys these are',
    path: ['AUTH_ISSUER'],
  })
  .transform((config) => ({
    issuer: config.AUTH_ISSUER ?? LOCAL_IDENTITY_ISSUER,
    jwksUrl: config.AUTH_JWKS_URL ?? LOCAL_IDENTITY_JWKS_URL,
  }));

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

/** `{ issuer, jwksUrl }` for identityVerifier, from AUTH_ISSUER and AUTH_JWKS_URL. */
export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return parseEnvironment(identityConfigSchema, env);
}
