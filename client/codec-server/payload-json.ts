import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/**
 * Payloads as Temporal's remote codec protocol carries them: the `Payloads` protobuf in proto3 JSON, where bytes
 * are base64 (standard or URL-safe), `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

const payloadJsonSchema = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});

export const payloadsJsonSchema = z.object({ payloads: z.array(payloadJsonSchema) });

export type PayloadJson = z.infer<typeof payloadJsonSchema>;

export function fromPayloadJson({ metadata, data }: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]): [string, Uint8Array] => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

/** Empty fields are left out, as proto3 JSON does. */
export function toPayloadJson({ metadata, data }: Payload): PayloadJson {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]): [string, string] => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    ...(data && data.length > 0 ? { data: Buffer.from(data).toString('base64') } : {}),
  };
}
