import type { Command } from 'commander';
import { examples, jsonOption, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { followTenant } from '../follow';
import { tenantPhase, tenantStillRunning } from '../deletion-phase';
import { renderTenantView } from '../status-report';
import { readTenantView } from '../tenant-view';

interface StatusOptions {
  watch: boolean;
  json?: boolean;
}

/**
 * `tdel status`: the tenant workflow's `progress` query (or, once it closed, its result); `--watch` polls the light
 * `summary` query and reads it all once more at the end.
 */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("show a tenant's deletion: every instance's status, records deleted, attempts and last error")
    .summary("show a tenant's deletion (--watch: live)")
    .addArgument(tenantArgument())
    .option(
      '-w, --watch',
      'redraw live progress until the deletion ends or waits for an admin; exit 0 when it COMPLETED, 1 otherwise',
      false,
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel status tenant-12345', 'where the deletion stands'],
        ['tdel status tenant-12345 --watch', 'live progress bars per instance and a total'],
        ['tdel status tenant-12345 --json | jq \'.instances[] | select(.status=="FAILED")\'', 'failed instances'],
      ]) +
        '\nWorks for running deletions (progress query) and ended ones (the workflow result). A dry run shows what\n' +
        'each instance would delete. --watch polls the light summary query and shows the whole deletion at the end.\n',
    )
    .action(async (tenantId: string, options: StatusOptions) => {
      const { out } = ctx;
      const view = options.watch
        ? await followTenant(
            ctx,
            tenantId,
            { stillRunning: tenantStillRunning, done: (v) => tenantPhase(v) !== 'running' },
            { json: options.json === true },
          )
        : await ctx.withTemporal(tenantId, (session) => readTenantView(session, ctx.webUi(), tenantId));
      if (options.watch) ctx.exitCode = view.status === 'COMPLETED' ? EXIT.ok : EXIT.failed;
      if (options.json) {
        out.json(view);
        return;
      }
      if (options.watch) out.line('');
      out.line(renderTenantView(out, view));
    });
}
