import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { tenantWorkflowId, deletionRequestSchema, type DeletionRequest } from '@tenant-deletion/contract';
import { requestDeletion } from '@tenant-deletion/client';
import { examples, instanceOption, jsonOption, parseIdentifier, parseInput, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { requestPhase, requestStillRunning } from '../deletion-phase';
import { EXIT } from '../exit-codes';
import { followTenant } from '../follow';
import { resolveRequester } from '../requester';
import { renderTenantView } from '../status-report';

interface DeleteOptions {
  instance?: string[];
  gdpr: boolean;
  dryRun: boolean;
  reason?: string;
  requestedBy?: string;
  requestedAt?: string;
  wait: boolean;
  json?: boolean;
}

/** `tdel delete`: signal-with-start of the tenant's workflow, as the bridge does for Kafka, then optionally follow. */
export function registerDelete(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description("request the deletion of a tenant's data: every active service instance, or the ones named")
    .summary('delete a tenant, or some of its instances')
    .addArgument(tenantArgument())
    .addOption(instanceOption('delete only this service instance'))
    .option('--gdpr', 'GDPR mode: once all is deleted, erase the tenant record and its PII', false)
    .option('--dry-run', 'ask every service what it would delete, deleting nothing', false)
    .option('--reason <text>', 'why, for the audit trail (plain text, at most 200 characters)')
    .option(
      '--requested-by <id>',
      'who asks, an id (default: $TDEL_USER, else your OS user name)',
      parseIdentifier('requestedBy'),
    )
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
        ['tdel delete tenant-12345 --gdpr --requested-at 2026-11-02T09:30:00Z', 'a GDPR request received by mail'],
      ]) +
        "\nThe request joins the tenant's workflow (tenant-deletion:<tenantId>), starting it when none runs.\n" +
        'Instances that others depend on are refused until those are deleted first.\n',
    )
    .action(async (tenantId: string, options: DeleteOptions) => {
      const request = buildRequest(ctx, tenantId, options);
      const webUiUrl = ctx.webUi().tenant(tenantId);
      const handle = await ctx.withTemporal(tenantId, (session) => requestDeletion(session.client, request));
      const requested = {
        tenantId,
        workflowId: tenantWorkflowId(tenantId),
        runId: handle.signaledRunId,
        requestId: request.requestId,
        traceId: request.traceId,
        requestedBy: request.requestedBy,
        scope: request.instances ?? 'whole tenant',
        gdprMode: request.gdprMode,
        dryRun: request.dryRun,
        webUiUrl,
      };
      const { out } = ctx;
      if (!options.json) {
        const scope = request.instances
          ? `instance(s) ${request.instances.join(', ')} of tenant ${tenantId}`
          : `the whole tenant ${tenantId}`;
        const flags = [request.gdprMode && 'GDPR', request.dryRun && 'dry run'].filter(Boolean).join(', ');
        out.line(`${out.c.green('requested')}: delete ${scope}${flags ? ` (${flags})` : ''}`);
        out.line(`  workflow  ${requested.workflowId}`);
        out.line(`  request   ${request.requestId}`);
        out.line(`  trace     ${request.traceId}`);
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
          stillRunning: (summary) => requestStillRunning(summary, request.requestId),
          done: (v) => requestPhase(v, request.requestId).phase !== 'running',
        },
        { json: options.json === true },
      );
      const { phase, status } = requestPhase(view, request.requestId);
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
          ? `request ${request.requestId}: ${outcome}, waiting for an admin (\`tdel retry ${tenantId}\` or \`tdel cancel ${tenantId}\`)`
          : `request ${request.requestId}: ${outcome}`,
      );
    });
}

function buildRequest(ctx: CliContext, tenantId: string, options: DeleteOptions): DeletionRequest {
  const request = {
    requestId: `cli:${randomUUID()}`,
    tenantId,
    requestedBy: resolveRequester(options.requestedBy, ctx.env),
    traceId: `cli-${randomUUID()}`,
    gdprMode: options.gdpr,
    dryRun: options.dryRun,
    reason: options.reason,
    requestedAt: options.requestedAt ?? new Date().toISOString(),
    instances: options.instance ? [...new Set(options.instance)] : undefined,
  };
  return parseInput(deletionRequestSchema, request, 'deletion request', 'delete');
}
