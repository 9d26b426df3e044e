import type { Command } from 'commander';
import { instanceSelectionSchema } from '@tenant-deletion/contract';
import { examples, instanceOption, jsonOption, parseInput, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { renderControl } from '../control-report';
import { controlTenant } from '../tenant-control';

interface CancelOptions {
  instance?: string[];
  json?: boolean;
}

/** `tdel cancel`: the `cancelDeletion` update, for the whole tenant or the instances named. */
export function registerCancel(program: Command, ctx: CliContext): void {
  program
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
        'Exit 1 when the workflow refuses (everything already settled), 3 for an instance it does not have\n' +
        'or a deletion that has ended.\n',
    )
    .action(async (tenantId: string, options: CancelOptions) => {
      const instances = options.instance ? [...new Set(options.instance)] : undefined;
      const selection = parseInput(instanceSelectionSchema, instances ? { instances } : {}, 'selection', 'cancel');
      const done = await controlTenant(ctx, 'cancel', tenantId, selection, { instances });
      if (options.json) ctx.out.json(done);
      else ctx.out.line(renderControl(ctx.out, done, instances ? `instances ${instances.join(', ')}` : 'whole tenant'));
    });
}
