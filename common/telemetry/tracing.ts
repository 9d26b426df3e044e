import { context, propagation, trace } from '@opentelemetry/api';
import {
  baggageUtils,
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry tracing for one program, configured by the standard OTel environment only: it exports (OTLP/HTTP,
 * JSON) when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set and registers nothing when
 * not, so that a program without a collector pays nothing and sends nothing anywhere.
 */

export interface Tracing {
  enabled: boolean;
  /** Ends every span still buffered by sending it, then unregisters the globals; safe to call more than once. */
  shutdown(): Promise<void>;
  /** Set when enabled: workflow spans leave the sandbox through a sink, which must use the same processor. */
  spanProcessor?: SpanProcessor;
  resource?: Resource;
}

/** The standard OTel variables startTracing reads (the OTLP exporter reads its own OTEL_EXPORTER_OTLP_* beside). */
export const TRACING_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
] as const;

const DISABLED: Tracing = { enabled: false, shutdown: async () => {} };

/** The traces endpoint as the OTel spec builds it: the signal's own variable verbatim, else the base + /v1/traces. */
export function tracesEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function isOff(env: NodeJS.ProcessEnv): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim() === 'none';
}

/** OTEL_RESOURCE_ATTRIBUTES, then the service name (OTEL_SERVICE_NAME wins over the program's own). */
function resourceFor(serviceName: string, env: NodeJS.ProcessEnv): Resource {
  const attributes = baggageUtils.parseKeyPairsIntoRecord(env.OTEL_RESOURCE_ATTRIBUTES);
  return Resource.default().merge(
    new Resource({ ...attributes, [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || serviceName }),
  );
}

export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  const url = tracesEndpoint(env);
  if (!url || isOff(env)) return DISABLED;
  const resource = resourceFor(serviceName, env);
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  let ended: Promise<void> | undefined;
  return {
    enabled: true,
    spanProcessor,
    resource,
    shutdown() {
      ended ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return ended;
    },
  };
}
