import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * W3C trace context in Kafka headers, the way OpenTelemetry's Kafka instrumentations carry it: `traceparent` and
 * `tracestate` as UTF-8 header values.
 */

/** The active trace as Kafka headers; none when nothing is traced, so that untraced messages stay as they were. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get(headers, key) {
    const value = headers[key];
    if (value === undefined) return undefined;
    const text = (one: Buffer | string) => (typeof one === 'string' ? one : one.toString('utf8'));
    return Array.isArray(value) ? value.map(text) : text(value);
  },
};

/** The trace a message's headers continue; a fresh root when they carry none (or a malformed one). */
export function contextFromHeaders(headers: IHeaders | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}
