import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** The certificates' Ed25519 public keys: how a verifier reads one, and the key id a certificate names it by. */

export class InvalidKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyError';
  }
}

/** A public key from PEM text; a private key's PEM is accepted too, and its public half is used. */
export function parsePublicKey(pem: string | Buffer, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new InvalidKeyError(`${source} is not a public key in PEM: ${(error as Error).message}`);
  }
  requireEd25519(key, source);
  return key;
}

/** First 16 hex digits of SHA-256 over the public key's DER (SubjectPublicKeyInfo). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export function requireEd25519(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidKeyError(
      `${source} holds a ${key.asymmetricKeyType ?? 'non-asymmetric'} key: certificates use Ed25519`,
    );
  }
}
