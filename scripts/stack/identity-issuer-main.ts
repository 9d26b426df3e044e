import {
  IDENTITY_ISSUER_PORT,
  loadDevIdentityIssuer,
  MissingIdentityIssuerKey,
} from '../../client/authorization/dev-identity-issuer';
import { startIdentityIssuer } from './identity-issuer';

/** The dev identity issuer's process, started in the background by `npm run stack:up` (identity-issuer-component.ts). */

async function main(): Promise<void> {
  const issuer = await loadDevIdentityIssuer();
  const running = await startIdentityIssuer({ issuer, port: IDENTITY_ISSUER_PORT });
  console.log(
    `identity issuer ${issuer.issuer} serving its keys at ${running.url}/.well-known/jwks.json (kid ${issuer.publicJwk.kid})`,
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void running.close().then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof MissingIdentityIssuerKey ? error.message : error);
  process.exit(error instanceof MissingIdentityIssuerKey ? 2 : 1);
});
