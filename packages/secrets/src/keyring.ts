import { KEY_BYTES } from './aes-gcm.js';
import { SecretKeyConfigError } from './errors.js';
import { KEY_ID_PATTERN } from './secret-envelope.js';

/**
 * Keys by id, for rotation: `activeKeyId` encrypts every new value; every key decrypts what it
 * encrypted. To rotate, add a new key, make it active, set the secrets again, then drop the old key.
 */
export interface KeyringOptions {
  /** 32-byte keys by id (see `keyFromConfig`). */
  keys: Readonly<Record<string, Uint8Array>>;
  activeKeyId: string;
}

/** A validated, private copy of a key ring. */
export class Keyring {
  readonly activeKeyId: string;
  readonly #keys = new Map<string, Buffer>();

  constructor(options: KeyringOptions) {
    for (const [id, key] of Object.entries(options.keys ?? {})) {
      if (!KEY_ID_PATTERN.test(id)) {
        throw new SecretKeyConfigError(
          `Key id "${id.slice(0, 64)}" is not valid: use letters, digits and ".", "_", "-", ":" or "/" (at most 256 characters).`,
        );
      }
      if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
        throw new SecretKeyConfigError(
          `Key "${id}" must be ${KEY_BYTES} bytes; decode it with keyFromConfig() and generate one with \`openssl rand -base64 32\`.`,
        );
      }
      this.#keys.set(id, Buffer.from(key));
    }
    if (!this.#keys.has(options.activeKeyId)) {
      throw new SecretKeyConfigError(
        `The active key id "${String(options.activeKeyId)}" is not among the configured keys (${[...this.#keys.keys()].join(', ') || 'none'}).`,
      );
    }
    this.activeKeyId = options.activeKeyId;
  }

  /** The key that encrypts new values. */
  get active(): { id: string; key: Buffer } {
    return { id: this.activeKeyId, key: this.#keys.get(this.activeKeyId)! };
  }

  /** The key with this id, or undefined when it is not configured. */
  key(id: string): Buffer | undefined {
    return this.#keys.get(id);
  }

  /** Every configured key id. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }
}
