import { metricMeter } from '@temporalio/workflow';
import { METRIC } from './metric-names';

/**
 * The two facts only a workflow sees once: a deletion run's start (an activity starts again for every retry and every
 * hold re-check) and a tenant workflow's end. The workflow meter records nothing while a worker replays a history, so
 * each is counted once; it adds the SDK's namespace, task_queue and workflow_type labels to ours.
 */

export function countInstanceDeletionStarted(serviceType: string): void {
  metricMeter
    .createCounter(METRIC.instanceDeletionsStarted, undefined, 'Instance deletion runs started')
    .add(1, { service_type: serviceType });
}

export function countTenantDeletionFinished(status: string): void {
  metricMeter
    .createCounter(METRIC.tenantDeletionsFinished, undefined, 'Tenant deletion workflows finished')
    .add(1, { status });
}
