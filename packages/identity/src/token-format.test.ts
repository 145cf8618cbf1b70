import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatToken, newTokenId, newTokenSecret, parseToken, SecretHasher } from './token-format.js';

describe('token format', () => {
  it('formats <prefix>_<id>_<secret> and parses it back, also after "Bearer "', () => {
    const id = newTokenId();
    const secret = newTokenSecret();
    expect(id).toMatch(/^[0-9a-f]{20}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const [kind, prefix] of [
      ['api', 'slw'],
      ['join', 'slj'],
      ['host', 'slh'],
    ] as const) {
      const token = formatToken({ kind, id, secret });
      expect(token).toBe(`${prefix}_${id}_${secret}`);
      expect(parseToken(token)).toEqual({ kind, id, secret });
      expect(parseToken(`Bearer ${token}`)).toEqual({ kind, id, secret });
      expect(parseToken(`  bearer   ${token}\n`)).toEqual({ kind, id, secret });
    }
  });

  it('parses every well-formed token, even secrets full of "_" and "-"', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('api' as const, 'join' as const, 'host' as const),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (kind, idBytes, secretBytes) => {
          const token = {
            kind,
            id: Buffer.from(idBytes).toString('hex'),
            secret: Buffer.from(secretBytes).toString('base64url'),
          };
          expect(parseToken(formatToken(token))).toEqual(token);
        },
      ),
    );
  });

  it('rejects anything else', () => {
    const good = formatToken({ kind: 'api', id: newTokenId(), secret: newTokenSecret() });
    for (const bad of [
      '',
      'slw',
      good.slice(0, -1),
      `${good}x`,
      good.replace('slw_', 'slx_'),
      good.replace('slw_', 'SLW_'),
      `slw_${'A'.repeat(20)}_${newTokenSecret()}`,
      `Basic ${good}`,
      `${good} ${good}`,
      undefined as unknown as string,
    ]) {
      expect(parseToken(bad)).toBeUndefined();
    }
  });
});

describe('SecretHasher', () => {
  it('stores sha256 by default and HMAC with a pepper, and checks secrets against either', () => {
    const secret = newTokenSecret();
    const plain = new SecretHasher();
    const peppered = new SecretHasher('a-pepper-of-at-least-16-bytes');
    expect(plain.hash(secret)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(peppered.hash(secret)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(plain.matches(secret, plain.hash(secret))).toBe(true);
    expect(peppered.matches(secret, peppered.hash(secret))).toBe(true);
    expect(plain.matches(newTokenSecret(), plain.hash(secret))).toBe(false);
    expect(peppered.matches(secret, plain.hash(secret))).toBe(false);
    expect(new SecretHasher('another-pepper-16-bytes+').matches(secret, peppered.hash(secret))).toBe(false);
    expect(plain.matches(secret, 'sha256:short')).toBe(false);
  });

  it('refuses a pepper too short to be a secret', () => {
    expect(() => new SecretHasher('short')).toThrow(/at least 16 bytes/);
  });
});
