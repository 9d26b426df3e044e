import type { Payload, PayloadCodec } from '@temporalio/common';
import { isEncrypted } from '../../common/payload-codec';

/**
 * Every string and byte field of a history (or any Temporal message) as text, for scans: payload data is bytes,
 * which JSON.stringify would only show as base64 after protobuf's toJSON. With a codec, each encrypted payload is
 * decrypted first, so a scan sees what a holder of the keys sees; without one, what Temporal stores.
 */
export async function historyText(value: unknown, codec?: PayloadCodec): Promise<string> {
  const parts: string[] = [];
  const walk = async (inner: unknown): Promise<void> => {
    if (inner instanceof Uint8Array) parts.push(Buffer.from(inner).toString('utf8'));
    else if (typeof inner === 'string') parts.push(inner);
    else if (Array.isArray(inner)) for (const item of inner) await walk(item);
    else if (codec && isPayload(inner) && isEncrypted(inner)) await walk((await codec.decode([inner]))[0]);
    else if (inner && typeof inner === 'object') for (const field of Object.values(inner)) await walk(field);
  };
  await walk(value);
  return parts.join('\n');
}

function isPayload(value: unknown): value is Payload {
  const metadata = (value as Payload | null)?.metadata;
  return typeof metadata === 'object' && metadata !== null && metadata.encoding instanceof Uint8Array;
}
