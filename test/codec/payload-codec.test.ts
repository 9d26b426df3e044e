import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { CodecKey } from '../../common/codec-keys';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../common/payload-codec';

const key = (id: string): CodecKey => ({ id, key: randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);

const input = { tenantId: 'tenant-marker-7f3a', reason: 'GDPR erasure of tenant-marker-7f3a' };

describe('AesGcmPayloadCodec', () => {
  it('round-trips payloads of every kind, hiding their values and original encoding', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const payloads = [input, 'plain text', 42, null, undefined, new Uint8Array([1, 2, 3])].map(toPayload);
    const encoded = await codec.encode(payloads);
    for (const payload of encoded) {
      expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(payload.metadata?.[KEY_ID_METADATA])).toBe('k1');
      expect(Object.keys(payload.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
      expect(text(payload.data)).not.toContain('tenant-marker');
      expect(text(payload.data)).not.toContain('json/plain');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map(fromPayload)).toEqual([input, 'plain text', 42, null, undefined, new Uint8Array([1, 2, 3])]);
  });

  it('lays the data out as iv(12) | ciphertext | tag(16), with a fresh iv each time', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const payload = toPayload(input);
    const [first, second] = await codec.encode([payload, payload]);
    expect(first.data!.length).toBeGreaterThan(12 + 16);
    expect(Buffer.from(first.data!.subarray(0, 12)).equals(Buffer.from(second.data!.subarray(0, 12)))).toBe(false);
  });

  it('refuses a payload under a key with the same id but other bytes', async () => {
    const [encoded] = await new AesGcmPayloadCodec([key('k1')]).encode([toPayload(input)]);
    const other = new AesGcmPayloadCodec([key('k1')]);
    await expect(other.decode([encoded])).rejects.toThrow(PayloadDecryptionError);
    await expect(other.decode([encoded])).rejects.toThrow(/encrypted with key "k1" failed authentication/);
  });

  it('names an unknown key id and says how to fix it', async () => {
    const [encoded] = await new AesGcmPayloadCodec([key('retired-2023')]).encode([toPayload(input)]);
    await expect(new AesGcmPayloadCodec([key('k2'), key('k1')]).decode([encoded])).rejects.toThrow(
      /encrypted with key "retired-2023", which is not among the configured keys \("k2", "k1"\): add it back/,
    );
  });

  it('rejects tampered bytes anywhere: iv, ciphertext, tag, or a truncated payload', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [encoded] = await codec.encode([toPayload(input)]);
    const data = Buffer.from(encoded.data!);
    for (const index of [0, 11, 12, data.length - 17, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[index] ^= 0x01;
      await expect(codec.decode([{ ...encoded, data: tampered }])).rejects.toThrow(/failed authentication/);
    }
    await expect(codec.decode([{ ...encoded, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);
    await expect(codec.decode([{ metadata: { encoding: encoded.metadata!.encoding }, data }])).rejects.toThrow(
      /carries no encryption-key-id/,
    );
  });

  it('keeps old payloads readable after a rotation, and encrypts new ones with the new key', async () => {
    const old = key('k1');
    const [before] = await new AesGcmPayloadCodec([old]).encode([toPayload(input)]);
    const rotated = new AesGcmPayloadCodec([key('k2'), old]);
    expect(rotated.activeKeyId).toBe('k2');
    expect(fromPayload((await rotated.decode([before]))[0])).toEqual(input);
    const [after] = await rotated.encode([toPayload(input)]);
    expect(text(after.metadata?.[KEY_ID_METADATA])).toBe('k2');
    // Once the old key is dropped from the list, its payloads are unreadable, and say so.
    await expect(new AesGcmPayloadCodec([key('k3'), key('k2')]).decode([before])).rejects.toThrow(/key "k1"/);
  });

  it('passes unencrypted payloads through decode, and does not encrypt twice', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const plain = toPayload(input);
    expect(await codec.decode([plain])).toEqual([plain]);
    const [once] = await codec.encode([plain]);
    expect(await codec.encode([once])).toEqual([once]);
  });

  it('needs at least one key', () => {
    expect(() => new AesGcmPayloadCodec([])).toThrow(/at least one key/);
  });
});
