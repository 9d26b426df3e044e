import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../../common/config';
import { ADMIN_TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { loadTokenSigner, MissingTokenKeyError } from '../../common/service-token-keys';
import { RegistryUnreachableError, SeedRequestError, seedReport, seedTenant } from '@tenant-deletion/example-fleet';
import { inventoryWriter } from '../../db/inventory-writer';

/**
 * `npm run fleet:seed -- --tenant <id> --records <n>`: seeds a tenant across the fleet. Exit codes as
 * tdel's: 0 done, 1 failed, 2 bad usage or input, 3 the registry or Postgres unreachable.
 */

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

interface SeedCliOptions {
  tenant: string;
  records: number;
  skipRegistry?: boolean;
  recreate?: boolean;
  owner?: string;
  concurrency: number;
}

const program = new Command('fleet:seed')
  .description(
    'Seeds a tenant across the reference fleet: creates it in the tenant registry, spreads about <n> records ' +
      'over the fleet instances (pos and sales largest), writes the training model files, and registers the ' +
      "tenant's instances in the inventory. Seeding a tenant again adds <n> more records beside the first.",
  )
  .requiredOption('--tenant <id>', 'the tenant id (1-64 characters of A-Z a-z 0-9 . _ : -)')
  .requiredOption('--records <n>', 'rows in all tables of all instances together, approximately', wholeNumber)
  .option('--skip-registry', 'do not create the tenant in the tenant registry (the fleet need not be running)')
  .option(
    '--recreate',
    'a tenant the registry has deleted is re-created (POST /tenants?force=true); without it the registry refuses',
  )
  .option('--owner <id>', "the tenant's owner in the registry: a subject who may delete it through the deletion API")
  .option('--concurrency <n>', 'instances seeded at once', wholeNumber, 4)
  .addHelpText(
    'after',
    '\nExample:\n  npm run fleet:seed -- --tenant tenant-12345 --records 500000 ' +
      '\nThe fleet databases live on the server of DATABASE_URL; the registry is TENANT_REGISTRY_URL.',
  )
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

async function main(): Promise<void> {
  program.parse();
  const options = program.opts<SeedCliOptions>();
  if (options.concurrency < 1) throw new SeedRequestError('--concurrency must be at least 1');
  const config = loadConfig();
  const registry = options.skipRegistry
    ? undefined
    : {
        url: config.TENANT_REGISTRY_URL,
        // Creating a tenant is registry:members, which only the admins' key grants (ADMIN_TOKEN_SIGNING_KEY_FILE).
        signer: await loadTokenSigner(ADMIN_TOKEN_ISSUER),
        recreate: options.recreate === true,
        owner: options.owner,
      };
  console.log(`seeding tenant ${options.tenant} with about ${options.records} records…`);
  const result = await seedTenant({
    tenantId: options.tenant,
    records: options.records,
    databaseUrl: config.DATABASE_URL,
    inventory: inventoryWriter(config.DATABASE_URL),
    registry,
    concurrency: options.concurrency,
  });
  console.log(seedReport(result));
}

/** Postgres down or not where DATABASE_URL says. */
function isUnreachable(error: { code?: string }): boolean {
  return ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '57P03'].includes(error.code ?? '');
}

main().catch((error: Error & { code?: string }) => {
  if (error instanceof SeedRequestError || error instanceof ConfigError || error instanceof MissingTokenKeyError) {
    console.error(`fleet:seed: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof RegistryUnreachableError) {
    console.error(`fleet:seed: ${error.message}`);
    process.exit(3);
  }
  if (isUnreachable(error)) {
    console.error(
      `fleet:seed: Postgres is unreachable (${error.message}): is the stack up? run \`npm run stack:status\``,
    );
    process.exit(3);
  }
  console.error(`fleet:seed failed: ${error.message}`);
  process.exit(1);
});
