import { Option, type Command } from 'commander';
import { tenantWorkflowId } from '../../../common/contract';
import { approveSignal } from '../../../workflows/signals';
import { examples, jsonOption, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { notFoundError } from '../exit-codes';
import { resolveRequester } from '../requester';
import { readTenantView } from '../tenant-view';

interface ApproveOptions {
  request?: string[];
  requestedBy?: string;
  json?: boolean;
}

/** `tdel approve`: the `approve` signal, releasing deletions held above the approval threshold or the blast-radius cap. */
export function registerApprove(program: Command, ctx: CliContext): void {
  program
    .command('approve')
    .description('release a deletion held for approval (AWAITING_APPROVAL); the approver is recorded')
    .summary('approve a held deletion')
    .addArgument(tenantArgument())
    .addOption(new Option('--request <requestId...>', 'approve only these requests (default: every held one)'))
    .addOption(new Option('--requested-by <id>', 'the approver (default: TDEL_USER or the OS user)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel approve tenant-12345', 'approve every held request of the tenant'],
        ['tdel list --status AWAITING_APPROVAL', 'what waits for approval'],
      ]),
    )
    .action(async (tenantId: string, options: ApproveOptions) => {
      const approvedBy = resolveRequester(options.requestedBy, ctx.env);
      const webUi = ctx.webUi();
      const held = await ctx.withTemporal(tenantId, async (session) => {
        const view = await readTenantView(session, webUi, tenantId);
        const waiting = view.requests.filter((request) => request.status === 'AWAITING_APPROVAL');
        if (view.workflowStatus !== 'RUNNING' || waiting.length === 0) {
          throw notFoundError(
            `the deletion of tenant ${tenantId} holds nothing for approval (${view.status ?? view.workflowStatus})`,
            `see \`tdel status ${tenantId}\``,
          );
        }
        await session.client.workflow
          .getHandle(tenantWorkflowId(tenantId))
          .signal(approveSignal, { approvedBy, ...(options.request ? { requestIds: options.request } : {}) });
        return waiting.map((request) => ({ requestId: request.requestId, reason: request.reason }));
      });
      const { out } = ctx;
      if (options.json) {
        out.json({ tenantId, workflowId: tenantWorkflowId(tenantId), signal: 'approve', approvedBy, held });
        return;
      }
      out.line(`${out.c.green('sent')} approve to ${tenantWorkflowId(tenantId)} as ${approvedBy}`);
      for (const request of held) out.line(`  ${request.requestId}: ${request.reason ?? ''}`);
      out.line(`follow it with \`tdel status ${tenantId} --watch\``);
    });
}
