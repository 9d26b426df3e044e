import path from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../../common/config';
import { ensureLocalTokenKeys } from '../../common/service-token-keys';
import { ensureLocalSigningKey } from '../../common/certificates/signing-key';
import { ensureLocalCodecKeys } from '../../common/codec-keys';
import type { Component, Health } from './component';
import { stackPaths } from '../../common/stack-paths';
import {
  forgetProfile,
  type Profile,
  ProfileConflictError,
  parseProfileOption,
  profileConflict,
  recordedProfile,
  recordProfile,
} from './cluster/profile';
import { runningPid } from './daemon';
import { stackStages } from './stack';
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
    const line = `${component.name.padEnd(20)} ${component.address.padEnd(15)} ${healthy ? 'healthy' : 'DOWN   '}  ${detail}`;
    console.log(healthy ? line : `${line}\n${' '.repeat(37)}log: ${component.logFile}`);
  }
  return healths.every((health) => health.healthy);
}

/**
 * What runs: the profile stack:up recorded, else dev when the dev server runs (a stack started before profiles
 * were recorded), else undefined.
 */
function activeProfile(): Profile | undefined {
  const { stateDir } = stackPaths();
  const devServer = { pidFile: path.join(stateDir, 'temporal', 'temporal.pid'), signature: 'start-dev' };
  return recordedProfile(stateDir) ?? (runningPid(devServer) === undefined ? undefined : 'dev');
}

const PROFILE_HELP =
  'dev: the Temporal dev server and one broker (default); cluster: the Temporal server on PostgreSQL with its ' +
  'Web UI, three Kafka brokers, the workers per group, two bridges and the codec server (docs/cluster-profile.md)';

const program = new Command('stack')
  .description(
    'The local stack: Temporal dev server with Web UI (7233, 8233), Kafka in KRaft mode (9092), PostgreSQL (5432),\n' +
      'the development identity issuer (8091, its JWKS for `tdel dev-token` tokens); `--profile cluster` runs the\n' +
      'production-shaped stack on the same client ports (docs/cluster-profile.md).\n' +
      `Downloads are cached in ${stackPaths().cacheDir} (TDEL_CACHE_DIR), data kept in ${stackPaths().stateDir} (TDEL_STATE_DIR).`,
  )
  .showHelpAfterError();

program
  .command('up')
  .description(
    'install what is missing (first time only), start every server, create topics, apply migrations, create the local service-token keys (orchestrator, readers, admins) and their public JWKS, payload codec key, certificate signing key and identity issuer key',
  )
  .option('--with-test-tools', 'also install what `npm test` needs beyond the servers (Chromium, openssl)', false)
  .option(
    '--profile <profile>',
    `${PROFILE_HELP}. Without it: the profile that runs, so that the demo and the tests use either`,
    parseProfileOption,
  )
  .action(async (options: { withTestTools: boolean; profile?: Profile }) => {
    const active = activeProfile();
    const profile = options.profile ?? active ?? 'dev';
    const conflict = profileConflict(active, profile);
    if (conflict) throw new ProfileConflictError(`stack:up --profile ${profile} refused: ${conflict}`);
    const stages = stackStages(profile);
    const started = Date.now();
    ensureSystemPackages(
      [...STACK_PACKAGES, ...(options.withTestTools ? TEST_PACKAGES : [])],
      path.join(stackPaths().logDir, 'system-packages.log'),
    );
    await ensureLocalTokenKeys();
    ensureLocalSigningKey();
    ensureLocalCodecKeys();
    recordProfile(stackPaths().stateDir, profile);
    await each(stages.flat(), (component) => component.install());
    for (const stage of stages) await each(stage, (component) => component.start());
    const healthy = await report(stages.flat());
    console.log(
      `${profile} stack is ${healthy ? 'up' : 'NOT healthy'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    if (!healthy) process.exitCode = 1;
  });

program
  .command('token-keys')
  .description(
    "create the three service-token authorities' keys and public JWKS files in the state directory's secrets/ " +
      '(the orchestrator, readers, admins), starting nothing; existing keys are kept (docker-compose uses scripts/keys/init.ts instead, which makes every key)',
  )
  .action(async () => {
    await ensureLocalTokenKeys();
    console.log(`service-token keys and JWKS in ${path.join(stackPaths().stateDir, 'secrets')}`);
  });

program
  .command('down')
  .description(
    'stop every server of the profile that runs; with --purge also delete their data (workflows, topics, the database)',
  )
  .option('--purge', 'delete the data as well', false)
  .option(
    '--profile <profile>',
    `the profile to stop (default: the one that runs). ${PROFILE_HELP}`,
    parseProfileOption,
  )
  .action(async (options: { purge: boolean; profile?: Profile }) => {
    const profile = options.profile ?? activeProfile() ?? 'dev';
    // From the last stage back: a server is stopped (and its data purged) while what it stands on still runs.
    for (const stage of stackStages(profile).reverse()) {
      await each(stage, async (component) => {
        await component.stop();
        if (options.purge) await component.purge();
      });
    }
    forgetProfile(stackPaths().stateDir);
    console.log(`${profile} stack ${options.purge ? 'stopped and its data deleted' : 'stopped (data kept)'}`);
  });

program
  .command('status')
  .description(
    'print each server of the profile that runs with its address and health; exits 0 only when all are healthy',
  )
  .option(
    '--profile <profile>',
    `the profile to report (default: the one that runs). ${PROFILE_HELP}`,
    parseProfileOption,
  )
  .action(async (options: { profile?: Profile }) => {
    const profile = options.profile ?? activeProfile() ?? 'dev';
    console.log(`profile ${profile}`);
    if (!(await report(stackStages(profile).flat()))) process.exitCode = 1;
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MissingPackagesError || error instanceof ProfileConflictError) {
    console.error(error.message);
    process.exit(2);
  }
  const failures = error instanceof AggregateError ? error.errors : [error];
  for (const failure of failures) console.error(`stack: ${(failure as Error).message ?? String(failure)}`);
  process.exit(1);
});
