import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../common/config';
import { ensureDatabase } from '@tenant-deletion/kit';
import { migrate } from './migrate';

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return parsed;
}

async function run(direction: 'up' | 'down', count?: number): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  if (direction === 'up' && (await ensureDatabase(DATABASE_URL))) console.log('created the database');
  const ran = await migrate(DATABASE_URL, { direction, count });
  console.log(ran.length === 0 ? 'no migrations to run: the schema is current' : `${direction}: ${ran.join(', ')}`);
}

const program = new Command('db:migrate')
  .description('Applies the versioned migrations under db/migrations to DATABASE_URL')
  .showHelpAfterError();

program
  .command('up', { isDefault: true })
  .description('apply every pending migration (creates the database when missing)')
  .action(() => run('up'));

program
  .command('down')
  .description('revert the most recent migrations')
  .option('--count <n>', 'how many to revert', positiveInt, 1)
  .action((options: { count: number }) => run('down', options.count));

program.parseAsync().catch((error: Error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`db:migrate failed: ${error.message}\n  is Postgres up? run \`npm run stack:status\``);
  process.exit(1);
});
