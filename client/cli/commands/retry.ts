import type { Command } from 'commander';
import { instanceSelectionSchema } from '@tenant-deletion/contract';
import { examples, instanceOption, jsonOption, parseInput, tenantArgument } from '../arguments';
import { addApiOptions, type ApiOptions } from '../api-access';
import { controlThroughApi } from '../api-control';
import type { CliContext } from '../context';
import { renderControl } from '../control-report';

interface RetryOptions extends ApiOptions {
  instance?: string[];
  json?: boolean;
}

/** `tdel retry`: through the deletion API, the `retryFailedDeletion` update, for every failed instance or the ones named. */
export function registerRetry(program: Command, ctx: CliContext): void {
  const command = program
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
        "\nOnly FAILED instances are retried. Through the deletion API (--api-url): the tenant's owner or admin,\n" +
        'or an operator, may retry. Exit 1 when the workflow refuses (nothing FAILED) or the API refuses the\n' +
        'token or the right (its reason printed), 3 for an instance it does not have or a deletion that has ended.\n',
    );
  addApiOptions(command, 'who asks').action(async (tenantId: string, options: RetryOptions) => {
    const instances = options.instance ? [...new Set(options.instance)] : undefined;
    const selection = parseInput(instanceSelectionSchema, instances ? { instances } : {}, 'selection', 'retry');
    const done = await controlThroughApi(ctx, 'retry', tenantId, selection, { instances }, options);
    if (options.json) ctx.out.json(done);
    else ctx.out.line(renderControl(ctx.out, done, instances ? `instances ${instances.join(', ')}` : 'every FAILED'));
  });
}
