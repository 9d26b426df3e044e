import type { Command } from 'commander';
import { instanceSelectionSchema } from '@tenant-deletion/contract';
import { examples, instanceOption, jsonOption, parseInput, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { renderControl } from '../control-report';
import { controlTenant } from '../tenant-control';

interface RetryOptions {
  instance?: string[];
  json?: boolean;
}

/** `tdel retry`: the `retryFailedDeletion` update, for every failed instance or the ones named. */
export function registerRetry(program: Command, ctx: CliContext): void {
  program
    .command('retry')
    .description("retry a tenant's failed instances (all of them, or the ones named); prints what changed for each")
    .summary('retry failed instances')
    .addArgument(tenantArgument())
    .addOption(instanceOption('retry only this service instance'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel retry tenant-12345', 'every FAILED instance'],
        ['tdel retry tenant-12345 --instance orders-1', 'one instance'],
        ['tdel retry tenant-12345 && tdel status tenant-12345 --watch', 'retry, then follow'],
      ]) +
        '\nOnly FAILED instances are retried. Exit 1 when the workflow refuses (nothing FAILED), 3 for an\n' +
        'instance it does not have or a deletion that has ended.\n',
    )
    .action(async (tenantId: string, options: RetryOptions) => {
      const instances = options.instance ? [...new Set(options.instance)] : undefined;
      const selection = parseInput(instanceSelectionSchema, instances ? { instances } : {}, 'selection', 'retry');
      const done = await controlTenant(ctx, 'retry', tenantId, selection, { instances });
      if (options.json) ctx.out.json(done);
      else ctx.out.line(renderControl(ctx.out, done, instances ? `instances ${instances.join(', ')}` : 'every FAILED'));
    });
}
