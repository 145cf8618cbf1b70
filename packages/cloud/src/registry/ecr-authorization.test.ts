import { describe, expect, it } from '@jest/globals';
import { CredentialsCache, credentialsFromAuthorization } from './ecr-authorization.js';
import type { RegistryCredentials } from './image-registry.js';

const token = (text: string) => Buffer.from(text).toString('base64');

describe('credentialsFromAuthorization', () => {
  it('splits AWS:<password> at the first colon and keeps the proxy host', () => {
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    expect(
      credentialsFromAuthorization({
        authorizationToken: token('AWS:pa:ss'),
        proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        expiresAt,
      }),
    ).toEqual({
      serveraddress: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      username: 'AWS',
      password: 'pa:ss',
      expiresAt,
    });
  });

  it.each([
    ['no data', undefined],
    ['no proxy endpoint', { authorizationToken: token('AWS:x') }],
    ['a token without a colon', { authorizationToken: token('AWSx'), proxyEndpoint: 'https://r.example' }],
    ['an empty password', { authorizationToken: token('AWS:'), proxyEndpoint: 'https://r.example' }],
  ])('refuses %s without quoting the token', (_label, data) => {
    expect(() => credentialsFromAuthorization(data)).toThrow(
      expect.objectContaining({
        code: 'REGISTRY_REQUEST_FAILED',
        message: expect.not.stringContaining('AWS:'),
      }),
    );
  });
});

describe('CredentialsCache', () => {
  const expiring = (at: number): RegistryCredentials => ({ serveraddress: 'r', expiresAt: new Date(at) });

  it('fetches again once a failed fetch has passed', async () => {
    let calls = 0;
    const cache = new CredentialsCache({
      fetch: async () => {
        calls++;
        if (calls === 1) throw new Error('throttled');
        return expiring(10_000);
      },
      now: () => 0,
      refreshMarginMs: 1_000,
    });
    await expect(cache.get()).rejects.toThrow('throttled');
    await expect(cache.get()).resolves.toEqual(expiring(10_000));
    expect(calls).toBe(2);
  });

  it('keeps credentials without an expiry for good', async () => {
    let calls = 0;
    const cache = new CredentialsCache({
      fetch: async () => ({ serveraddress: `r${++calls}` }),
      now: () => Number.MAX_SAFE_INTEGER,
      refreshMarginMs: 1_000,
    });
    await cache.get();
    await expect(cache.get()).resolves.toEqual({ serveraddress: 'r1' });
  });
});
