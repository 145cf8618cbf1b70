import { inspect } from 'node:util';
import { SecretSerializationError } from './errors.js';

/** What a `Secret` shows wherever it is printed. */
export const SECRET_PLACEHOLDER = '[secret]';

/**
 * A secret string that does not leak by accident: `String(s)`, `${s}`, `s + ''` and `util.inspect`
 * (so `console.log` and pino) give `[secret]`, `JSON.stringify` throws `SecretSerializationError`,
 * and `structuredClone` / `{...s}` copy nothing (the value lives in a private field). `reveal()` is
 * the only way out; call it only where the value is injected into its service's containers.
 *
 * @example
 * const token = new Secret('s3cr3t');
 * `token=${token}`;              // 'token=[secret]'
 * JSON.stringify({ token });     // throws SecretSerializationError
 * env.push(`TOKEN=${token.reveal()}`);
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('A Secret wraps a string');
    this.#value = value;
    Object.freeze(this);
  }

  /** True for a `Secret` made by this class (a brand check, not duck typing). */
  static isSecret(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && #value in value;
  }

  /** The plain value. Only the container-injection path should call this. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return SECRET_PLACEHOLDER;
  }

  /** Always throws: a Secret must never be written out as JSON. */
  toJSON(): never {
    throw new SecretSerializationError();
  }

  [Symbol.toPrimitive](): string {
    return SECRET_PLACEHOLDER;
  }

  [inspect.custom](): string {
    return SECRET_PLACEHOLDER;
  }
}
