import { Option, type Command } from 'commander';
import { approvalSchema } from '@tenant-deletion/contract';
import { examples, jsonOption, parseIdentifier, parseInput, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { renderControl } from '../control-report';
import { resolveRequester } from '../requester';
import { controlTenant } from '../tenant-control';

interface ApproveOptions {
  request?: string[];
  requestedBy?: string;
  json?: boolean;
}

/**
 * `tdel approve`: the `approveDeletion` update, releasing deletions held above the approval threshold or the
 * blast-radius cap. The approver is recorded, and may not be the one who requested the deletion.
 */
export function registerApprove(program: Command, ctx: CliContext): void {
  program
    .command('approve')
    .description('release a deletion held for approval (AWAITING_APPROVAL); the approver is recorded')
    .summary('approve a held deletion')
    .addArgument(tenantArgument())
    .addOption(new Option('--request <requestId...>', 'approve only these requests (default: every held one)'))
    .addOption(
      new Option('--requested-by <id>', 'the approver (default: TDEL_USER or the OS user)').argParser(
        parseIdentifier('approvedBy'),
      ),
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel approve tenant-12345', 'approve every held request of the tenant'],
        ['tdel list --status AWAITING_APPROVAL', 'what waits for approval'],
      ]) +
        '\nFour eyes: the requester of a deletion cannot approve it. Exit 1 when the workflow refuses (nothing\n' +
        'held, or a self-approval), 3 for a request it does not have or a deletion that has ended.\n',
    )
    .action(async (tenantId: string, options: ApproveOptions) => {
      const requestIds = options.request ? [...new Set(options.request)] : undefined;
      const approval = parseInput(
        approvalSchema,
        { approvedBy: resolveRequester(options.requestedBy, ctx.env), ...(requestIds ? { requestIds } : {}) },
        'approval',
        'approve',
      );
      const done = await controlTenant(ctx, 'approve', tenantId, approval, { requests: requestIds });
      if (options.json) ctx.out.json({ ...done, approvedBy: approval.approvedBy });
      else {
        const scope = `${requestIds ? `requests ${requestIds.join(', ')}` : 'every held request'}, as ${approval.approvedBy}`;
        ctx.out.line(renderControl(ctx.out, done, scope));
      }
    });
}
