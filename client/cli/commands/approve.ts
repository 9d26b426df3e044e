import { Option, type Command } from 'commander';
import { approvalSchema } from '@tenant-deletion/contract';
import { examples, jsonOption, parseInput, tenantArgument } from '../arguments';
import { addApiOptions, type ApiOptions } from '../api-access';
import { controlThroughApi } from '../api-control';
import type { CliContext } from '../context';
import { renderControl } from '../control-report';

interface ApproveOptions extends ApiOptions {
  request?: string[];
  json?: boolean;
}

/**
 * `tdel approve`: through the deletion API, the `approveDeletion` update, releasing deletions held above the
 * approval threshold or the blast-radius cap. The approver is the token's subject, an operator, and may not be the
 * one who requested the deletion (four eyes: the API and the workflow both refuse it).
 */
export function registerApprove(program: Command, ctx: CliContext): void {
  const command = program
    .command('approve')
    .description('release a deletion held for approval (AWAITING_APPROVAL); the approver is recorded')
    .summary('approve a held deletion')
    .addArgument(tenantArgument())
    .addOption(new Option('--request <requestId...>', 'approve only these requests (default: every held one)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel approve tenant-12345', 'approve every held request of the tenant'],
        ['TDEL_TOKEN=$(get-token) tdel approve tenant-12345', "with an operator's token from your identity provider"],
        ['tdel list --status AWAITING_APPROVAL', 'what waits for approval'],
      ]) +
        '\nFour eyes: an operator other than the requester approves, and the certificate names both. Exit 1 when\n' +
        'the API refuses (no operator, a self-approval: its reason printed) or the workflow does (nothing held),\n' +
        '3 for a request it does not have or a deletion that has ended.\n',
    );
  addApiOptions(command, 'the approver').action(async (tenantId: string, options: ApproveOptions) => {
    const requestIds = options.request ? [...new Set(options.request)] : undefined;
    // Checked here so that a malformed id is exit 2 before anything is sent; the approver is the token's subject.
    parseInput(approvalSchema.pick({ requestIds: true }), requestIds ? { requestIds } : {}, 'approval', 'approve');
    const done = await controlThroughApi(
      ctx,
      'approve',
      tenantId,
      requestIds ? { requestIds } : {},
      { requests: requestIds },
      options,
    );
    if (options.json) ctx.out.json(done);
    else {
      const by = done.approvedBy ? `, as ${done.approvedBy}` : '';
      ctx.out.line(
        renderControl(ctx.out, done, `${requestIds ? `requests ${requestIds.join(', ')}` : 'every held request'}${by}`),
      );
    }
  });
}
