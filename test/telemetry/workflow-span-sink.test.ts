import { SpanKind } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowInfo } from '@temporalio/workflow';
import { workflowSpanSink } from '../../workers/worker-pool';

/** A workflow span as the sandbox hands it over (the SDK's serialized ReadableSpan). */
const sandboxSpan = {
  name: 'RunWorkflow:TenantDeletionWorkflow',
  kind: SpanKind.INTERNAL,
  spanContext: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 },
  startTime: [1, 0],
  endTime: [2, 0],
  status: { code: 0 },
  attributes: { temporalWorkflowId: 'tenant-deletion:tenant-1' },
  links: [],
  events: [],
  duration: [1, 0],
  ended: true,
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
  instrumentationLibrary: { name: '@temporalio/interceptor-workflow' },
};

describe('the workflow span sink', () => {
  it("puts the run's identifiers on a workflow span, never the rest of its WorkflowInfo", () => {
    const exporter = new InMemorySpanExporter();
    const sink = workflowSpanSink({
      enabled: true,
      shutdown: async () => {},
      spanProcessor: new SimpleSpanProcessor(exporter),
      resource: new Resource({ 'service.name': 'tdel-worker' }),
    });
    const info = {
      workflowId: 'tenant-deletion:tenant-1',
      runId: 'run-1',
      workflowType: 'TenantDeletionWorkflow',
      taskQueue: 'tenant-deletion',
      namespace: 'default',
      memo: { requestedBy: 'jane@bakery.example' },
      searchAttributes: { TenantId: ['tenant-1'] },
      lastFailure: { message: 'orders answered 400: jane@bakery.example is not a tenant' },
    } as unknown as WorkflowInfo;
    void sink.export.fn(info, [sandboxSpan] as never);

    const [span] = exporter.getFinishedSpans();
    expect(span.attributes).toEqual({
      temporalWorkflowId: 'tenant-deletion:tenant-1',
      workflowId: 'tenant-deletion:tenant-1',
      runId: 'run-1',
      workflowType: 'TenantDeletionWorkflow',
      taskQueue: 'tenant-deletion',
      namespace: 'default',
    });
    expect(span.resource.attributes['service.name']).toBe('tdel-worker');
  });
});
