import Fastify from 'fastify';
import type { DevIdentityIssuer } from '../../client/authorization/dev-identity-issuer';

/**
 * The local stack's development identity issuer, as an OIDC provider looks to a verifier: its discovery document
 * and its public keys. It issues nothing over HTTP: `tdel dev-token` signs with the key file, so no endpoint hands
 * out tokens to whoever asks.
 */

export interface IdentityIssuerServerOptions {
  issuer: DevIdentityIssuer;
  port: number;
  host?: string;
}

export interface RunningIdentityIssuer {
  url: string;
  close(): Promise<void>;
}

export async function startIdentityIssuer(options: IdentityIssuerServerOptions): Promise<RunningIdentityIssuer> {
  const { issuer, port, host = '127.0.0.1' } = options;
  const app = Fastify({ logger: false });
  const jwks = { keys: [issuer.publicJwk] };
  const discovery = {
    issuer: issuer.issuer,
    jwks_uri: `${issuer.issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['EdDSA'],
    subject_types_supported: ['public'],
    response_types_supported: ['id_token'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'roles'],
  };
  // Verifiers cache the keys; a few minutes keeps a restarted issuer with the same key cheap to re-read.
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('application/jwk-set+json').send(jwks),
  );
  app.get('/.well-known/openid-configuration', async () => discovery);
  app.get('/healthz', async () => ({ status: 'ok', kid: issuer.publicJwk.kid }));
  await app.listen({ port, host });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`, close: () => app.close() };
}
