import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';

/**
 * A real tracer provider registered for the calling test file, and unregistered after it. NodeTracerProvider is
 * sdk-trace-base's BasicTracerProvider whose register() installs the AsyncLocalStorageContextManager: the same
 * active-span machinery the programs run with.
 */
export function registerActiveSpanTracer(): NodeTracerProvider {
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  return provider;
}
