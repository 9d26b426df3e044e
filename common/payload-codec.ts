import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKey } from './codec-keys';

/**
 * AES-256-GCM over whole payloads, so Temporal stores neither the values nor their original encoding.
 *
 * An encrypted payload has the metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`, and the data
 * `iv (12 bytes) | ciphertext | GCM tag (16 bytes)`, where the plaintext is the original Payload (metadata and
 * data) serialized as protobuf. The key id travels with the payload, so a key list in config can rotate keys
 * without rewriting history: the first key encrypts, any listed key decrypts.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const { Payload: PayloadMessage } = temporal.api.common.v1;

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

export function isEncrypted(payload: Payload): boolean {
  return metadataText(payload, 'encoding') === ENCRYPTED_ENCODING;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly active: CodecKey;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly CodecKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    this.active = keys[0];
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
  }

  get activeKeyId(): string {
    return this.active.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    // Already encrypted payloads (e.g. a codec server asked twice) are left alone: decode strips one layer only.
    return payloads.map((payload) => (isEncrypted(payload) ? payload : this.encrypt(payload)));
  }

  /** Payloads that are not encrypted (written before the codec was enabled, or with PAYLOAD_CODEC=off) pass through. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    const ciphertext = Buffer.concat([cipher.update(PayloadMessage.encode(payload).finish()), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.active.id),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = metadataText(payload, KEY_ID_METADATA);
    if (!keyId) throw new PayloadDecryptionError(`an encrypted payload carries no ${KEY_ID_METADATA} metadata`);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload was encrypted with key "${keyId}", which is not among the configured keys ` +
          `(${[...this.keys.keys()].map((id) => `"${id}"`).join(', ')}): ` +
          'add it back to PAYLOAD_CODEC_KEYS, after the active key, to read payloads written before the rotation',
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`a payload encrypted with key "${keyId}" is too short to hold an IV and a tag`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload encrypted with key "${keyId}" failed authentication: its bytes were altered, ` +
          `or the key configured as "${keyId}" is not the one that encrypted it`,
      );
    }
    return PayloadMessage.decode(plaintext);
  }
}
