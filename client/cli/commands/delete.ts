import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { deletionRequestSchema } from '@tenant-deletion/contract';
import { addApiOptions, openApi, type ApiOptions } from '../api-access';
import { ApiRefusal, newIdempotencyKey, refusalError } from '../api-client';
import { examples, instanceOption, jsonOption, parseInput, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { requestPhase, requestStillRunning } from '../deletion-phase';
import { EXIT } from '../exit-codes';
import { followTenant } from '../follow';
import { renderTenantView } from '../status-report';

interface DeleteOptions extends ApiOptions {
  instance?: string[];
  gdpr: boolean;
  dryRun: boolean;
  reason?: string;
  requestedAt?: string;
  wait: boolean;
  json?: boolean;
}

/** What the deletion API answers to a request it accepted (202). */
interface Accepted {
  requestId: string;
  workflowId: string;
  status: string;
  traceId?: string;
}

/**
 * `tdel delete`: asks the deletion API, which verifies the token, checks the right to delete the tenant and starts
 * the request by signal-with-start, as the bridge does for Kafka (requestedBy = the token's subject). `--wait` then
 * follows the tenant's workflow through Temporal, as `tdel status --watch` does.
 */
export function registerDelete(program: Command, ctx: CliContext): void {
  const command = program
    .command('delete')
    .description("request the deletion of a tenant's data: every active service instance, or the ones named")
    .summary('delete a tenant, or some of its instances')
    .addArgument(tenantArgument())
    .addOption(instanceOption('delete only this service instance'))
    .option('--gdpr', 'GDPR mode: once all is deleted, erase the tenant record and its PII', false)
    .option('--dry-run', 'ask every service what it would delete, deleting nothing', false)
    .option('--reason <text>', 'why, for the audit trail (plain text, at most 200 characters)')
    .option(
      '--requested-at <timestamp>',
      'when the requester asked, ISO-8601 with zone (default: now); a GDPR request is due one month later',
    )
    .option('-w, --wait', 'follow the deletion to its end; exit 0 when it COMPLETED, 1 otherwise', false)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel delete tenant-12345 --gdpr --reason contract-ended', 'the whole tenant, GDPR erasure'],
        ['tdel delete tenant-12345 --instance orders-1 --wait', 'one instance, following it to the end'],
        ['tdel delete tenant-12345 --dry-run --wait', 'what would be deleted, per service'],
        ['TDEL_TOKEN=$(get-token) tdel delete tenant-12345', 'with a token from your identity provider'],
      ]) +
        "\nThe deletion API (--api-url) checks that the token's subject may delete the tenant (its owner or admin, or\n" +
        "an operator); the request joins the tenant's workflow (tenant-deletion:<tenantId>), starting it when none\n" +
        'runs. Instances that others depend on are refused until those are deleted first.\n' +
        'Exit 1 when the API refuses the token or the right (its reason printed), 3 for a tenant the registry does\n' +
        'not know or an API that does not answer.\n',
    );
  addApiOptions(command, 'who asks').action(async (tenantId: string, options: DeleteOptions) => {
    const body = buildBody(options);
    const api = await openApi(ctx, options);
    const traceId = `cli-${randomUUID()}`;
    let accepted: Accepted;
    try {
      accepted = await api.client.call<Accepted>({
        ...(body.instances
          ? { method: 'POST', path: `/api/v1/tenants/${encodeURIComponent(tenantId)}/deletions` }
          : { method: 'DELETE', path: `/api/v1/tenants/${encodeURIComponent(tenantId)}` }),
        body,
        idempotencyKey: newIdempotencyKey(),
        traceId,
      });
    } catch (error) {
      throw error instanceof ApiRefusal ? refusalError(error, 'delete', tenantId) : error;
    }
    const webUiUrl = ctx.webUi().tenant(tenantId);
    const requested = {
      tenantId,
      workflowId: accepted.workflowId,
      requestId: accepted.requestId,
      traceId: accepted.traceId ?? traceId,
      requestedBy: api.subject ?? null,
      scope: body.instances ?? 'whole tenant',
      gdprMode: body.gdprMode,
      dryRun: body.dryRun,
      webUiUrl,
    };
    const { out } = ctx;
    if (!options.json) {
      const scope = body.instances
        ? `instance(s) ${body.instances.join(', ')} of tenant ${tenantId}`
        : `the whole tenant ${tenantId}`;
      const flags = [body.gdprMode && 'GDPR', body.dryRun && 'dry run'].filter(Boolean).join(', ');
      out.line(`${out.c.green('requested')}: delete ${scope}${flags ? ` (${flags})` : ''}`);
      out.line(`  workflow  ${requested.workflowId}`);
      out.line(`  request   ${requested.requestId}`);
      out.line(`  trace     ${requested.traceId}`);
      if (requested.requestedBy) out.line(`  as        ${requested.requestedBy}`);
      out.line(`  Web UI    ${webUiUrl}`);
    }
    if (!options.wait) {
      if (options.json) out.json(requested);
      else out.line(`follow it with \`tdel status ${tenantId} --watch\``);
      return;
    }

    if (!options.json) out.line('');
    const view = await followTenant(
      ctx,
      tenantId,
      {
        stillRunning: (summary) => requestStillRunning(summary, requested.requestId),
        done: (v) => requestPhase(v, requested.requestId).phase !== 'running',
      },
      { json: options.json === true },
    );
    const { phase, status } = requestPhase(view, requested.requestId);
    ctx.exitCode = phase === 'ended' && status === 'COMPLETED' ? EXIT.ok : EXIT.failed;
    if (options.json) {
      out.json({ ...requested, outcome: status, tenant: view });
      return;
    }
    out.line('');
    out.line(renderTenantView(out, view));
    out.line('');
    const outcome = status ? out.status(status) : out.status('UNKNOWN');
    out.line(
      phase === 'waiting'
        ? `request ${requested.requestId}: ${outcome}, waiting for an admin (\`tdel retry ${tenantId}\` or \`tdel cancel ${tenantId}\`)`
        : `request ${requested.requestId}: ${outcome}`,
    );
  });
}

/**
 * The body the API takes, checked here first so that a bad value is exit 2 before anything is sent. requestedBy is
 * not in it: the API takes it from the token. `requestedAt` is sent only when given (a request received earlier).
 */
function buildBody(options: DeleteOptions) {
  const instances = options.instance ? [...new Set(options.instance)] : undefined;
  const checked = parseInput(
    deletionRequestSchema.pick({ gdprMode: true, dryRun: true, reason: true, instances: true, requestedAt: true }),
    {
      gdprMode: options.gdpr,
      dryRun: options.dryRun,
      reason: options.reason,
      instances,
      requestedAt: options.requestedAt,
    },
    'deletion request',
    'delete',
  );
  return {
    gdprMode: checked.gdprMode,
    dryRun: checked.dryRun,
    ...(checked.reason !== undefined ? { reason: checked.reason } : {}),
    ...(checked.instances ? { instances: checked.instances } : {}),
    ...(checked.requestedAt !== undefined ? { requestedAt: checked.requestedAt } : {}),
  };
}
