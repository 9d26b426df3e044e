import type { Command } from 'commander';
import { instanceSelectionSchema } from '@tenant-deletion/contract';
import { examples, instanceOption, jsonOption, parseInput, tenantArgument } from '../arguments';
import { addApiOptions, type ApiOptions } from '../api-access';
import { controlThroughApi } from '../api-control';
import type { CliContext } from '../context';
import { renderControl } from '../control-report';

interface CancelOptions extends ApiOptions {
  instance?: string[];
  json?: boolean;
}

/** `tdel cancel`: through the deletion API, the `cancelDeletion` update, for the whole tenant or the instances named. */
export function registerCancel(program: Command, ctx: CliContext): void {
  const command = program
    .command('cancel')
    .description("cancel a tenant's running deletion, or some of its instances; prints what changed for each")
    .summary('cancel a running deletion')
    .addArgument(tenantArgument())
    .addOption(instanceOption('cancel only this service instance'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel cancel tenant-12345', 'every instance not yet deleted'],
        ['tdel cancel tenant-12345 --instance orders-1', 'one instance'],
      ]) +
        '\nPending and failed instances are cancelled at once; running ones stop at the next safe point\n' +
        '(CANCEL_REQUESTED). What was deleted stays deleted; instances that others depend on are kept.\n' +
        "Through the deletion API (--api-url): the tenant's owner or admin, or an operator, may cancel.\n" +
        'Exit 1 when the workflow refuses (everything already settled) or the API refuses the token or the\n' +
        'right (its reason printed), 3 for an instance it does not have or a deletion that has ended.\n',
    );
  addApiOptions(command, 'who asks').action(async (tenantId: string, options: CancelOptions) => {
    const instances = options.instance ? [...new Set(options.instance)] : undefined;
    const selection = parseInput(instanceSelectionSchema, instances ? { instances } : {}, 'selection', 'cancel');
    const done = await controlThroughApi(ctx, 'cancel', tenantId, selection, { instances }, options);
    if (options.json) ctx.out.json(done);
    else ctx.out.line(renderControl(ctx.out, done, instances ? `instances ${instances.join(', ')}` : 'whole tenant'));
  });
}
