import type { Command } from 'commander';
import { examples, instanceOption, jsonOption, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { signalTenant } from '../tenant-signal';

interface CancelOptions {
  instance?: string[];
  json?: boolean;
}

/** `tdel cancel`: the `cancel` signal, for the whole tenant or the instances named. */
export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description("cancel a tenant's running deletion, or some of its instances")
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
        '\nPending and failed instances are cancelled at once; running ones stop at the next safe point.\n' +
        'What was deleted stays deleted; instances that others depend on are kept.\n',
    )
    .action(async (tenantId: string, options: CancelOptions) => {
      const sent = await signalTenant(ctx, 'cancel', tenantId, options.instance);
      const { out } = ctx;
      if (options.json) {
        out.json({
          tenantId,
          workflowId: sent.workflowId,
          signal: sent.signal,
          instances: sent.instances,
          webUiUrl: sent.webUiUrl,
        });
        return;
      }
      const chosen = sent.instances
        ? sent.before.instances.filter((i) => sent.instances!.includes(i.serviceInstanceId))
        : sent.before.instances;
      out.line(
        `${out.c.green('sent')} cancel to ${sent.workflowId} (${sent.instances ? `instances ${sent.instances.join(', ')}` : 'whole tenant'})`,
      );
      for (const instance of chosen) {
        const settled = ['COMPLETED', 'CANCELLED', 'REJECTED'].includes(instance.status);
        out.line(
          `  ${instance.serviceInstanceId}  ${out.status(instance.status)}${settled ? out.c.dim('  (already settled: unchanged)') : ''}`,
        );
      }
      out.line(`follow it with \`tdel status ${tenantId} --watch\``);
    });
}
