import type { InstanceSelection } from '../../common/deletion-request';
import { tenantWorkflowId } from '../../common/contract';
import { cancelSignal, retryFailedSignal } from '../../workflows/signals';
import type { CliContext } from './context';
import { notFoundError } from './exit-codes';
import { readTenantView, type TenantView } from './tenant-view';

/**
 * `cancel` and `retry` both signal a running tenant workflow about some or all of its instances. Before
 * signalling they check what they can, so that a typo in an instance id is an error, not a silent no-op.
 */

export const TENANT_SIGNALS = {
  cancel: { definition: cancelSignal, verb: 'cancel' },
  retry: { definition: retryFailedSignal, verb: 'retry' },
} as const;

export interface SignalSent {
  tenantId: string;
  workflowId: string;
  signal: string;
  instances: string[] | null;
  /** The deletion as it stood just before the signal. */
  before: TenantView;
  webUiUrl: string;
}

export async function signalTenant(
  ctx: CliContext,
  kind: keyof typeof TENANT_SIGNALS,
  tenantId: string,
  instances: string[] | undefined,
): Promise<SignalSent> {
  const { definition, verb } = TENANT_SIGNALS[kind];
  const webUi = ctx.webUi();
  return ctx.withTemporal(tenantId, async (session) => {
    const before = await readTenantView(session, webUi, tenantId);
    if (before.workflowStatus !== 'RUNNING') {
      throw notFoundError(
        `the deletion of tenant ${tenantId} has already ended (${before.status ?? before.workflowStatus}): nothing to ${verb}`,
        `see it with \`tdel status ${tenantId}\`, or request a new one with \`tdel delete ${tenantId}\``,
      );
    }
    const selected = instances ? [...new Set(instances)] : undefined;
    if (selected && before.source === 'progress') {
      const known = new Set(before.instances.map((instance) => instance.serviceInstanceId));
      const unknown = selected.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw notFoundError(
          `the deletion of tenant ${tenantId} has no instance ${unknown.join(', ')}` +
            (known.size > 0 ? ` (it has ${[...known].join(', ')})` : ' (it has none yet)'),
          `see \`tdel status ${tenantId}\``,
        );
      }
    }
    const selection: InstanceSelection = selected ? { instances: selected } : {};
    await session.client.workflow.getHandle(tenantWorkflowId(tenantId)).signal(definition, selection);
    return {
      tenantId,
      workflowId: tenantWorkflowId(tenantId),
      signal: definition.name,
      instances: selected ?? null,
      before,
      webUiUrl: before.webUiUrl,
    };
  });
}
