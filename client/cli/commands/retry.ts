import type { Command } from 'commander';
import { examples, instanceOption, jsonOption, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { signalTenant } from '../tenant-signal';

interface RetryOptions {
  instance?: string[];
  json?: boolean;
}

/** `tdel retry`: the `retryFailed` signal, for every failed instance or the ones named. */
export function registerRetry(program: Command, ctx: CliContext): void {
  program
    .command('retry')
    .description("retry a tenant's failed instances (all of them, or the ones named)")
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
      ]) + '\nOnly FAILED instances are retried; the others are left as they are.\n',
    )
    .action(async (tenantId: string, options: RetryOptions) => {
      const sent = await signalTenant(ctx, 'retry', tenantId, options.instance);
      const { out } = ctx;
      const chosen = sent.instances
        ? sent.before.instances.filter((i) => sent.instances!.includes(i.serviceInstanceId))
        : sent.before.instances;
      const failed = chosen.filter((instance) => instance.status === 'FAILED').map((i) => i.serviceInstanceId);
      if (options.json) {
        out.json({
          tenantId,
          workflowId: sent.workflowId,
          signal: sent.signal,
          instances: sent.instances,
          failedBefore: sent.before.source === 'progress' ? failed : null,
          webUiUrl: sent.webUiUrl,
        });
        return;
      }
      out.line(
        `${out.c.green('sent')} retryFailed to ${sent.workflowId} (${sent.instances ? `instances ${sent.instances.join(', ')}` : 'whole tenant'})`,
      );
      if (sent.before.source === 'progress') {
        if (failed.length > 0) out.line(`  retrying ${failed.join(', ')}`);
        else out.warn(`no ${sent.instances ? 'named ' : ''}instance of tenant ${tenantId} is FAILED: nothing to retry`);
      }
      out.line(`follow it with \`tdel status ${tenantId} --watch\``);
    });
}
