import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { SecretSerializationError } from './errors.js';
import { Secret } from './secret.js';

const VALUE = 'hunter2-do-not-print';

describe('Secret', () => {
  it('gives the value only through reveal()', () => {
    expect(new Secret(VALUE).reveal()).toBe(VALUE);
    expect(() => new Secret(42 as unknown as string)).toThrow(TypeError);
  });

  it('prints as [secret] in strings, templates, concatenation and inspect', () => {
    const secret = new Secret(VALUE);
    expect(String(secret)).toBe('[secret]');
    expect(`${secret}`).toBe('[secret]');
    expect(`x${secret}`).toBe('x[secret]');
    // biome-ignore lint/style/useTemplate: concatenation is the path under test
    expect('' + secret).toBe('[secret]');
    expect(secret.toLocaleString()).toBe('[secret]');
    expect(inspect(secret)).toBe('[secret]');
    expect(inspect({ nested: { deep: secret } }, { depth: 10 })).not.toContain(VALUE);
    expect(inspect(secret, { customInspect: false, showHidden: true })).not.toContain(VALUE);
  });

  it('throws SecretSerializationError from JSON.stringify, also when nested, with no value in the message', () => {
    const payload = { job: { tenant: 'acme', env: [{ name: 'TOKEN', value: new Secret(VALUE) }] } };
    expect(() => JSON.stringify(new Secret(VALUE))).toThrow(SecretSerializationError);
    let thrown: unknown;
    try {
      JSON.stringify(payload);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretSerializationError);
    expect((thrown as SecretSerializationError).code).toBe('SECRET_SERIALIZATION');
    expect((thrown as Error).message).not.toContain(VALUE);
  });

  it('copies nothing through structuredClone, spread or Object.keys', () => {
    const secret = new Secret(VALUE);
    const cloned = structuredClone({ secret });
    expect(JSON.stringify(cloned)).not.toContain(VALUE);
    expect(Secret.isSecret(cloned.secret)).toBe(false);
    expect((cloned.secret as { reveal?: unknown }).reveal).toBeUndefined();
    expect({ ...secret }).toEqual({});
    expect(Object.keys(secret)).toEqual([]);
    expect(Object.getOwnPropertyNames(secret)).toEqual([]);
  });

  it('keeps the value out of error messages and stacks built from it', () => {
    const secret = new Secret(VALUE);
    const error = new Error(`could not connect with ${secret}`, { cause: secret });
    expect(error.message).toBe('could not connect with [secret]');
    expect(error.stack).not.toContain(VALUE);
    expect(inspect(error)).not.toContain(VALUE);
  });

  it('cannot be tampered with to reveal itself', () => {
    const secret = new Secret(VALUE);
    expect(() => {
      (secret as unknown as { toJSON: () => string }).toJSON = () => 'leak';
    }).toThrow(TypeError);
    expect(Secret.isSecret(secret)).toBe(true);
    expect(Secret.isSecret({ reveal: () => VALUE })).toBe(false);
  });
});
