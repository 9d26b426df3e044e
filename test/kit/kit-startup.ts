import pino from 'pino';
import { startDeletableService, type KitOptions } from '../../services/kit/deletable-service';
import type { DeletableServiceDefinition } from '../../services/kit/service-definition';
import type { TestDatabase } from './kit-test-db';
import type { TestTokens } from './test-tokens';

/** Starting a kit service on a throwaway database, quietly, as the start-up tests do. */

export function kitOptions(
  db: TestDatabase,
  tokens: TestTokens,
  definition: Partial<DeletableServiceDefinition> & Pick<DeletableServiceDefinition, 'serviceType'>,
  extra: Partial<KitOptions> = {},
): KitOptions {
  return {
    definition,
    databaseUrl: db.url,
    port: 0,
    tokens: tokens.verifier,
    logger: pino({ level: 'silent' }),
    ...extra,
  };
}

/** Why the service refused to start; fails the test if it started. */
export async function startupError(options: KitOptions): Promise<Error> {
  const service = await startDeletableService(options).catch((error: Error) => error);
  if (!(service instanceof Error)) {
    await service.close();
    throw new Error('the service started');
  }
  return service;
}
