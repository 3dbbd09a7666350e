import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of users' private keys: AES-256-GCM with a key from the environment (a Kubernetes Secret),
 * bound to its owner by the additional authenticated data, so a sealed key copied to another user's row does not
 * open. Format: version byte (1) ‖ 12-byte IV ‖ 16-byte tag ‖ ciphertext.
 */
export interface KeySealer {
  seal(plaintext: string, owner: string): Buffer;
  /** @throws Error when the box was not sealed with this key for this owner (tampered, moved, wrong key). */
  open(box: Uint8Array, owner: string): string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export function newAesGcmKeySealer(keyEncryptionKey: Uint8Array): KeySealer {
  if (keyEncryptionKey.length !== KEY_BYTES) {
    throw new Error(`the key-encryption key must be ${KEY_BYTES} bytes, got ${keyEncryptionKey.length}`);
  }
  // A subkey per purpose: the same secret also keys the store's pseudonymous indexes.
  const key = Buffer.from(
    hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'emr-gateway/private-keys/v1', 32),
  );
  return {
    seal(plaintext, owner) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(owner, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
    },
    open(box, owner) {
      const bytes = Buffer.from(box);
      if (bytes[0] !== VERSION || bytes.length < 1 + IV_BYTES + TAG_BYTES) {
        throw new Error('not a sealed key of a known version');
      }
      const iv = bytes.subarray(1, 1 + IV_BYTES);
      const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}

/**
 * Keyed pseudonyms for the store's indexes (patient id → EMR id, access request → patient): HMAC-SHA256 under a
 * subkey of the key-encryption key, so the database holds no patient id in clear and a stolen database cannot be
 * matched against guessed ids without the key.
 */
export function newIndexKeyDeriver(keyEncryptionKey: Uint8Array): (value: string) => string {
  const key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'emr-gateway/index/v1', 32));
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
