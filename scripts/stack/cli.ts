import path from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../../common/config';
import { ensureLocalTokenKeys } from '../../common/service-token-keys';
import { ensureLocalSigningKey } from '../../common/certificates/signing-key';
import { ensureLocalCodecKeys } from '../../common/codec-keys';
import type { Component, Health } from './component';
import { stackPaths } from '../../common/stack-paths';
import { localStack } from './stack';
import { StackError } from './stack-error';
import { ensureSystemPackages, MissingPackagesError, STACK_PACKAGES, TEST_PACKAGES } from './system-packages';

async function each(components: Component[], step: (component: Component) => Promise<void>): Promise<void> {
  const outcomes = await Promise.allSettled(components.map(step));
  const failures = outcomes.flatMap((outcome, index) =>
    outcome.status === 'rejected'
      ? [
          outcome.reason instanceof StackError
            ? outcome.reason
            : new StackError(components[index].name, String((outcome.reason as Error)?.message ?? outcome.reason)),
        ]
      : [],
  );
  if (failures.length > 0) throw new AggregateError(failures);
}

async function report(components: Component[]): Promise<boolean> {
  const healths: Health[] = await Promise.all(components.map((component) => component.health()));
  for (const [index, component] of components.entries()) {
    const { healthy, detail } = healths[index];
    const line = `${component.name.padEnd(9)} ${component.address.padEnd(15)} ${healthy ? 'healthy' : 'DOWN   '}  ${detail}`;
    console.log(healthy ? line : `${line}\n${' '.repeat(26)}log: ${component.logFile}`);
  }
  return healths.every((health) => health.healthy);
}

const program = new Command('stack')
  .description(
    'The local stack: Temporal dev server with Web UI (7233, 8233), Kafka in KRaft mode (9092), PostgreSQL (5432),\n' +
      'the development identity issuer (8091, its JWKS for `tdel dev-token` tokens).\n' +
      `Downloads are cached in ${stackPaths().cacheDir} (TDEL_CACHE_DIR), data kept in ${stackPaths().stateDir} (TDEL_STATE_DIR).`,
  )
  .showHelpAfterError();

program
  .command('up')
  .description(
    'install what is missing (first time only), start every server, create topics, apply migrations, create the local service-token keys (orchestrator, readers, admins) and their public JWKS, payload codec key, certificate signing key and identity issuer key',
  )
  .option('--with-test-tools', 'also install what `npm test` needs beyond the servers (Chromium, openssl)', false)
  .action(async (options: { withTestTools: boolean }) => {
    const components = localStack();
    const started = Date.now();
    ensureSystemPackages(
      [...STACK_PACKAGES, ...(options.withTestTools ? TEST_PACKAGES : [])],
      path.join(stackPaths().logDir, 'system-packages.log'),
    );
    await ensureLocalTokenKeys();
    ensureLocalSigningKey();
    ensureLocalCodecKeys();
    await each(components, (component) => component.install());
    await each(components, (component) => component.start());
    const healthy = await report(components);
    console.log(`stack is ${healthy ? 'up' : 'NOT healthy'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!healthy) process.exitCode = 1;
  });

program
  .command('token-keys')
  .description(
    "create the three service-token authorities' keys and public JWKS files in the state directory's secrets/ " +
      '(the orchestrator, readers, admins), starting nothing; existing keys are kept (docker-compose runs it once)',
  )
  .action(async () => {
    await ensureLocalTokenKeys();
    console.log(`service-token keys and JWKS in ${path.join(stackPaths().stateDir, 'secrets')}`);
  });

program
  .command('down')
  .description('stop every server; with --purge also delete their data (workflows, topics, the database)')
  .option('--purge', 'delete the data as well', false)
  .action(async (options: { purge: boolean }) => {
    const components = localStack();
    await each(components, async (component) => {
      await component.stop();
      if (options.purge) await component.purge();
    });
    console.log(options.purge ? 'stack stopped and its data deleted' : 'stack stopped (data kept)');
  });

program
  .command('status')
  .description('print each server with its address and health; exits 0 only when all are healthy')
  .action(async () => {
    if (!(await report(localStack()))) process.exitCode = 1;
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MissingPackagesError) {
    console.error(error.message);
    process.exit(2);
  }
  const failures = error instanceof AggregateError ? error.errors : [error];
  for (const failure of failures) console.error(`stack: ${(failure as Error).message ?? String(failure)}`);
  process.exit(1);
});
