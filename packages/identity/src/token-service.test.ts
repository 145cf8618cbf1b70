import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { StateStore } from '@slipway/state';
import { IdentityError } from './identity-error.js';
import { tokenIdOfKey } from './identity-keys.js';
import { dumpStore, fsTestStore, type TestStore } from './test-stores.js';
import { API_TOKEN_MAX_TTL_MS } from './token-expiry.js';
import { parseToken } from './token-format.js';
import type { StoredToken } from './token-record.js';
import type { TokenRecordCache } from './token-record-cache.js';
import { type TokenRejection, TokenService } from './token-service.js';
import type { User } from './user.js';
import { UserDirectory } from './user-directory.js';

const NOW = Date.parse('2030-01-02T03:04:05.000Z');
const DAY = 24 * 60 * 60 * 1000;

let fixture: TestStore;
let store: StateStore;
let users: UserDirectory;
let tokens: TokenService;
let rejections: TokenRejection[];
let alice: User;

beforeEach(async () => {
  fixture = await fsTestStore();
  store = fixture.store;
  users = new UserDirectory({ store, clock: () => NOW });
  rejections = [];
  tokens = new TokenService({
    store,
    users,
    clock: () => NOW,
    onRejected: (rejection) => rejections.push(rejection),
  });
  alice = await users.signIn({
    provider: 'github',
    subject: '1',
    login: 'alice',
    name: 'Alice',
    emailVerified: false,
  });
});

afterEach(async () => {
  await fixture.dispose();
});

describe('API tokens', () => {
  it('returns the plaintext once and stores only a hash of the secret', async () => {
    const created = await tokens.createApiToken({ user: alice, name: 'laptop', now: NOW });
    const parsed = parseToken(created.token)!;
    expect(parsed.kind).toBe('api');
    expect(created.record).toEqual({
      id: parsed.id,
      kind: 'api',
      name: 'laptop',
      user: 'github:1',
      admin: false,
      createdAt: '2030-01-02T03:04:05.000Z',
      expiresAt: new Date(NOW + 90 * DAY).toISOString(),
    });
    expect(created.record).not.toHaveProperty('hash');
    const everything = await dumpStore(store);
    expect(everything).toContain(parsed.id); // the record is there…
    expect(everything).toMatch(/"hash":"sha256:[0-9a-f]{64}"/);
    expect(everything).not.toContain(parsed.secret); // …but not the secret, nor the token
    expect(everything).not.toContain(created.token);
  });

  it('authenticates the user behind a token, with or without "Bearer "', async () => {
    const { token, record } = await tokens.createApiToken({ user: 'github:1', name: 'cli', now: NOW });
    const expected = { kind: 'user', user: alice, tokenId: record.id, admin: false };
    expect(await tokens.authenticate(token, { now: NOW })).toEqual(expected);
    expect(await tokens.authenticate(`Bearer ${token}`)).toEqual(expected);
    expect(rejections).toEqual([]);
  });

  it('carries the scope of a tenant-scoped token', async () => {
    const { token, record } = await tokens.createApiToken({
      user: alice,
      name: 'ci',
      tenant: 'acme',
      role: 'developer',
    });
    expect(record).toMatchObject({ tenant: 'acme', role: 'developer', admin: false });
    expect(await tokens.authenticate(token)).toMatchObject({
      kind: 'user',
      admin: false,
      scope: { tenant: 'acme', role: 'developer' },
    });
  });

  it('turns away malformed, unknown, wrong, expired and revoked tokens, and disabled users', async () => {
    const { token, record } = await tokens.createApiToken({ user: alice, name: 'cli', expiresAt: NOW + DAY });
    const { id, secret } = parseToken(token)!;
    const other = parseToken((await tokens.createApiToken({ user: alice, name: 'other' })).token)!;
    const cases: [string, string, { now?: number }][] = [
      ['token_malformed', 'not a token', {}],
      ['token_malformed', token.slice(0, -2), {}],
      ['token_not_found', `slw_${'0'.repeat(20)}_${secret}`, {}],
      ['token_wrong_secret', `slw_${id}_${other.secret}`, {}],
      ['token_wrong_kind', `slh_${id}_${secret}`, {}],
      ['token_wrong_kind', `slj_${id}_${secret}`, {}],
      ['token_expired', token, { now: NOW + DAY }],
    ];
    for (const [code, bearer, options] of cases) {
      rejections = [];
      expect(await tokens.authenticate(bearer, options)).toBeUndefined();
      expect(rejections.map((rejection) => rejection.code)).toEqual([code]);
      expect(JSON.stringify(rejections)).not.toContain(secret);
    }
    expect(await tokens.authenticate(token, { now: NOW + DAY - 1 })).toBeDefined();

    await users.setDisabled(alice.id, true);
    rejections = [];
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(rejections).toEqual([{ code: 'user_disabled', kind: 'api', tokenId: record.id }]);
    await users.setDisabled(alice.id, false);
    expect(await tokens.authenticate(token)).toBeDefined();

    const revoked = await tokens.revoke(record.id, { now: NOW + 7, by: 'github:1' });
    expect(revoked).toMatchObject({ revokedAt: '2030-01-02T03:04:05.007Z', revokedBy: 'github:1' });
    expect(await tokens.revoke(record.id, { now: NOW + 99, by: 'someone else' })).toEqual(revoked);
    rejections = [];
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(rejections.map((rejection) => rejection.code)).toEqual(['token_revoked']);
  });

  it('gives admin tokens only to admins, and stops honouring them when the user loses admin', async () => {
    await expect(tokens.createApiToken({ user: alice, name: 'root', admin: true })).rejects.toMatchObject({
      code: 'not_admin',
    });
    await users.setAdmin(alice.id, true);
    const { token, record } = await tokens.createApiToken({ user: alice, name: 'root', admin: true });
    expect(record).toMatchObject({ admin: true });
    expect(record).not.toHaveProperty('tenant');
    expect(await tokens.authenticate(token)).toMatchObject({ kind: 'user', admin: true });
    await users.setAdmin(alice.id, false);
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(rejections.at(-1)?.code).toBe('not_admin');
  });

  it('validates requests', async () => {
    const refusals: [Parameters<TokenService['createApiToken']>[0], string][] = [
      [{ user: alice, name: 'x', tenant: 'acme' }, 'invalid_input'],
      [{ user: alice, name: 'x', role: 'owner' }, 'invalid_input'],
      [{ user: alice, name: 'x', admin: true, tenant: 'acme', role: 'owner' }, 'invalid_input'],
      [{ user: alice, name: 'x', tenant: 'Not A Tenant', role: 'owner' }, 'invalid_input'],
      [{ user: alice, name: '  ' }, 'invalid_input'],
      [{ user: alice, name: 'x', expiresAt: NOW }, 'invalid_input'],
      [{ user: alice, name: 'x', expiresAt: NOW + API_TOKEN_MAX_TTL_MS + 1 }, 'invalid_input'],
      [{ user: 'github:404', name: 'x' }, 'user_not_found'],
    ];
    for (const [input, code] of refusals) {
      await expect(tokens.createApiToken({ now: NOW, ...input })).rejects.toMatchObject({ code });
    }
    const longest = await tokens.createApiToken({
      user: alice,
      name: 'x',
      expiresAt: NOW + API_TOKEN_MAX_TTL_MS,
    });
    expect(longest.record.expiresAt).toBe(new Date(NOW + API_TOKEN_MAX_TTL_MS).toISOString());
    await users.setDisabled(alice.id, true);
    await expect(tokens.createApiToken({ user: alice, name: 'x' })).rejects.toMatchObject({
      code: 'user_disabled',
    });
  });

  it('lists tokens by user, by tenant and both, without hashes', async () => {
    const bob = await users.signIn({
      provider: 'local',
      subject: 'bob.json',
      name: 'Bob',
      emailVerified: false,
    });
    const a1 = await tokens.createApiToken({ user: alice, name: 'a1', now: NOW });
    const a2 = await tokens.createApiToken({
      user: alice,
      name: 'a2',
      tenant: 'acme',
      role: 'viewer',
      now: NOW + 1,
    });
    const b1 = await tokens.createApiToken({
      user: bob,
      name: 'b1',
      tenant: 'acme',
      role: 'owner',
      now: NOW + 2,
    });
    const b2 = await tokens.createApiToken({
      user: bob,
      name: 'b2',
      tenant: 'other',
      role: 'owner',
      now: NOW + 3,
    });
    const ids = (records: { id: string }[]) => records.map((record) => record.id);
    expect(ids(await tokens.listApiTokens({ user: alice.id }))).toEqual([a1.record.id, a2.record.id]);
    expect(ids(await tokens.listApiTokens({ tenant: 'acme' }))).toEqual([a2.record.id, b1.record.id]);
    expect(ids(await tokens.listApiTokens({ user: bob.id, tenant: 'other' }))).toEqual([b2.record.id]);
    expect(ids(await tokens.listApiTokens())).toEqual([a1, a2, b1, b2].map((created) => created.record.id));
    expect(JSON.stringify(await tokens.listApiTokens())).not.toContain('sha256');
    expect(await tokens.getToken(b1.record.id)).toEqual(b1.record);
    expect(await tokens.getToken('nope')).toBeUndefined();
    await expect(tokens.revoke('nope', { by: 'x' })).rejects.toThrow(IdentityError);
  });
});

describe('join tokens', () => {
  it('are redeemed once by default, and never authenticate as bearers', async () => {
    const { token, record } = await tokens.createJoinToken({ tenant: 'acme', createdBy: alice.id, now: NOW });
    expect(token).toMatch(/^slj_/);
    expect(record).toMatchObject({ kind: 'join', tenant: 'acme', uses: 1, remainingUses: 1 });
    expect(record.expiresAt).toBe(new Date(NOW + DAY).toISOString());
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(await tokens.redeemJoinToken(token, { now: NOW })).toEqual({
      tenant: 'acme',
      joinTokenId: record.id,
      remainingUses: 0,
    });
    rejections = [];
    expect(await tokens.redeemJoinToken(token)).toBeUndefined();
    expect(rejections).toEqual([{ code: 'token_used_up', kind: 'join', tokenId: record.id }]);
    expect(await dumpStore(store)).not.toContain(parseToken(token)!.secret);
  });

  it('lets exactly one of 10 concurrent redeemers of a single-use token in', async () => {
    const { token } = await tokens.createJoinToken({ tenant: 'acme', createdBy: alice.id });
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.redeemJoinToken(token)));
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    expect(rejections.map((rejection) => rejection.code)).toEqual(Array(9).fill('token_used_up'));
  });

  it('lets exactly `uses` of many concurrent redeemers in', async () => {
    const { token, record } = await tokens.createJoinToken({ tenant: 'acme', createdBy: alice.id, uses: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.redeemJoinToken(token)));
    const wins = results.filter((result) => result !== undefined);
    expect(wins.map((win) => win.remainingUses).sort()).toEqual([0, 1, 2]);
    expect(await tokens.getToken(record.id)).toMatchObject({ remainingUses: 0, uses: 3 });
  });

  it('turn away expired, revoked, wrong and other kinds of tokens', async () => {
    const { token, record } = await tokens.createJoinToken({
      tenant: 'acme',
      createdBy: alice.id,
      uses: 5,
      expiresAt: NOW + 1000,
    });
    const { secret } = parseToken(token)!;
    const host = await tokens.createHostToken({ tenant: 'acme', host: 'h1' });
    const attempts: [string, string, number][] = [
      ['token_expired', token, NOW + 1000],
      ['token_wrong_secret', `slj_${record.id}_${parseToken(host.token)!.secret}`, NOW],
      ['token_wrong_kind', host.token, NOW],
      ['token_wrong_kind', `slj_${host.record.id}_${secret}`, NOW],
      ['token_malformed', 'slj_', NOW],
    ];
    for (const [code, bearer, now] of attempts) {
      rejections = [];
      expect(await tokens.redeemJoinToken(bearer, { now })).toBeUndefined();
      expect(rejections.map((rejection) => rejection.code)).toEqual([code]);
    }
    await tokens.revoke(record.id, { by: alice.id });
    rejections = [];
    expect(await tokens.redeemJoinToken(token, { now: NOW })).toBeUndefined();
    expect(rejections.map((rejection) => rejection.code)).toEqual(['token_revoked']);
    expect(await tokens.getToken(record.id)).toMatchObject({ remainingUses: 5 });
  });

  it('validate uses and expiry, and are listed per tenant', async () => {
    await expect(tokens.createJoinToken({ tenant: 'acme', createdBy: 'x', uses: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      tokens.createJoinToken({ tenant: 'acme', createdBy: 'x', expiresAt: NOW + 400 * DAY }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    const one = await tokens.createJoinToken({ tenant: 'acme', createdBy: 'x', now: NOW });
    const two = await tokens.createJoinToken({ tenant: 'acme', createdBy: 'x', uses: 50, now: NOW + 1 });
    await tokens.createJoinToken({ tenant: 'other', createdBy: 'x' });
    expect(await tokens.listJoinTokens('acme')).toEqual([one.record, two.record]);
  });
});

describe('host tokens', () => {
  it('authenticate as the host until revoked, and never expire', async () => {
    const { token, record } = await tokens.createHostToken({ tenant: 'acme', host: 'h-1', now: NOW });
    expect(token).toMatch(/^slh_/);
    expect(record).not.toHaveProperty('expiresAt');
    const principal = { kind: 'host', tenant: 'acme', host: 'h-1', tokenId: record.id };
    expect(await tokens.authenticate(token, { now: NOW + 10 * 365 * DAY })).toEqual(principal);
    expect(await tokens.listHostTokens('acme')).toEqual([record]);
    await tokens.revoke(record.id, { by: alice.id });
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(await dumpStore(store)).not.toContain(parseToken(token)!.secret);
  });
});

describe('pepper', () => {
  it('stores HMACs, and a token hashed without the pepper no longer matches', async () => {
    const peppered = new TokenService({ store, users, pepper: 'server-side-pepper-0123456789' });
    const { token } = await peppered.createApiToken({ user: alice, name: 'x' });
    expect(await dumpStore(store)).toMatch(/"hash":"hmac-sha256:[0-9a-f]{64}"/);
    expect(await peppered.authenticate(token)).toBeDefined();
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(rejections.map((rejection) => rejection.code)).toEqual(['token_wrong_secret']);
  });
});

describe('record cache', () => {
  /** A Map cache that, like the controller's, drops a record whenever its key is written. */
  function cachedService() {
    const kept = new Map<string, StoredToken>();
    const tokenReads: string[] = [];
    const counted: StateStore = {
      get: (key) => {
        if (tokenIdOfKey(key)) tokenReads.push(key);
        return store.get(key);
      },
      put: async (key, value, options) => {
        const written = await store.put(key, value, options);
        const id = tokenIdOfKey(key);
        if (id) kept.delete(id);
        return written;
      },
      delete: (key, options) => store.delete(key, options),
      list: (prefix, options) => store.list(prefix, options),
      close: () => store.close(),
    };
    const recordCache: TokenRecordCache = {
      get: async (id, load) => {
        const hit = kept.get(id);
        if (hit) return hit;
        const record = await load();
        if (record) kept.set(id, record);
        return record;
      },
    };
    return {
      service: new TokenService({ store: counted, users, clock: () => NOW, recordCache }),
      tokenReads,
    };
  }

  it('reads a record once for many requests, and sees a revocation written through the store', async () => {
    const { service, tokenReads } = cachedService();
    const { token, record } = await service.createHostToken({ tenant: 'acme', host: 'h-1', now: NOW });
    for (let i = 0; i < 5; i++) expect(await service.authenticate(token)).toMatchObject({ host: 'h-1' });
    expect(tokenReads).toEqual([`tokens/${record.id}.json`]);
    await service.revoke(record.id, { by: alice.id });
    expect(await service.authenticate(token)).toBeUndefined();
  });

  it('still checks expiry against the clock when the record is cached', async () => {
    const { service, tokenReads } = cachedService();
    const { token } = await service.createApiToken({
      user: alice,
      name: 'x',
      expiresAt: NOW + DAY,
      now: NOW,
    });
    expect(await service.authenticate(token, { now: NOW + DAY - 1 })).toMatchObject({ kind: 'user' });
    expect(await service.authenticate(token, { now: NOW + DAY })).toBeUndefined();
    expect(tokenReads).toHaveLength(1);
  });

  it('knows which state keys hold token records', () => {
    expect(tokenIdOfKey('tokens/0123456789abcdef0123.json')).toBe('0123456789abcdef0123');
    expect(tokenIdOfKey('token-index/users/u/0123456789abcdef0123.json')).toBeUndefined();
    expect(tokenIdOfKey('tokens/a/b.json')).toBeUndefined();
  });
});
