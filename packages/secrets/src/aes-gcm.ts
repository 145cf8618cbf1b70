import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

/** AES-256-GCM with a fresh random 96-bit IV (never reused: at most 2^32 values per key stay safe). */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

/**
 * Decrypts and authenticates; throws (node's "unable to authenticate data") when the key, AAD, IV,
 * ciphertext or tag do not match. The full 16-byte tag is required, so truncated tags are refused.
 */
export function open(key: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new RangeError(`AES-GCM needs a ${IV_BYTES}-byte IV and a ${TAG_BYTES}-byte tag`);
  }
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
}

/** Concatenates iv | ct | tag (a wrapped data key as one blob). */
export function packSealed(sealed: Sealed): Buffer {
  return Buffer.concat([sealed.iv, sealed.ct, sealed.tag]);
}

/** The inverse of `packSealed`; throws `RangeError` when the blob is too short. */
export function unpackSealed(blob: Uint8Array): Sealed {
  if (blob.length < IV_BYTES + TAG_BYTES) throw new RangeError('sealed blob is too short');
  const buffer = Buffer.from(blob);
  return {
    iv: buffer.subarray(0, IV_BYTES),
    ct: buffer.subarray(IV_BYTES, buffer.length - TAG_BYTES),
    tag: buffer.subarray(buffer.length - TAG_BYTES),
  };
}
