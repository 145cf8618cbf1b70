import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { StateStore } from '@slipway/state';
import { BOOTSTRAP_ADMIN_ID, bootstrapAdmin } from './bootstrap-admin.js';
import { BOOTSTRAP_ADMIN_KEY } from './identity-keys.js';
import { dumpStore, fsTestStore, type TestStore } from './test-stores.js';
import { parseToken } from './token-format.js';
import { TokenService } from './token-service.js';
import { UserDirectory } from './user-directory.js';

const NOW = Date.parse('2030-01-02T03:04:05.000Z');

let fixture: TestStore;
let store: StateStore;
let users: UserDirectory;
let tokens: TokenService;

beforeEach(async () => {
  fixture = await fsTestStore();
  store = fixture.store;
  users = new UserDirectory({ store });
  tokens = new TokenService({ store, users });
});

afterEach(async () => {
  await fixture.dispose();
});

describe('bootstrapAdmin', () => {
  it('creates local:admin with an admin token once, and does nothing after', async () => {
    const admin = await bootstrapAdmin({ users, tokens, now: NOW });
    expect(admin?.user).toMatchObject({ id: BOOTSTRAP_ADMIN_ID, admin: true });
    expect(admin?.record).toMatchObject({ admin: true, user: BOOTSTRAP_ADMIN_ID, name: 'bootstrap admin' });
    expect(await tokens.authenticate(admin!.token, { now: NOW })).toMatchObject({
      kind: 'user',
      admin: true,
    });
    expect(await dumpStore(store)).not.toContain(parseToken(admin!.token)!.secret);
    expect((await store.get(BOOTSTRAP_ADMIN_KEY))?.value).toMatchObject({
      state: 'done',
      tokenId: admin!.record.id,
    });

    expect(await bootstrapAdmin({ users, tokens, now: NOW + 1 })).toBeUndefined();
    expect(await tokens.listApiTokens({ user: BOOTSTRAP_ADMIN_ID })).toHaveLength(1);
  });

  it('hands out exactly one token to 10 concurrent callers', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => bootstrapAdmin({ users, tokens, now: NOW })),
    );
    const winners = results.filter((result) => result !== undefined);
    expect(winners).toHaveLength(1);
    expect(await tokens.listApiTokens()).toHaveLength(1);
  });

  it('does nothing when an admin already exists', async () => {
    await users.signIn({ provider: 'github', subject: '1', name: 'Alice', emailVerified: false });
    await users.setAdmin('github:1', true);
    expect(await bootstrapAdmin({ users, tokens, now: NOW })).toBeUndefined();
    expect(await users.get(BOOTSTRAP_ADMIN_ID)).toBeUndefined();
    expect((await store.get(BOOTSTRAP_ADMIN_KEY))?.value).toMatchObject({ state: 'done', user: 'github:1' });
  });

  it('takes over a claim whose bootstrap died half-way, but only once it is stale', async () => {
    await store.put(BOOTSTRAP_ADMIN_KEY, {
      state: 'claimed',
      user: BOOTSTRAP_ADMIN_ID,
      claimedAt: new Date(NOW).toISOString(),
    });
    // The dead bootstrap had already made the user admin, so "an admin exists" must not stop the takeover.
    await users.signIn({ provider: 'local', subject: 'admin', name: 'Administrator', emailVerified: false });
    await users.setAdmin(BOOTSTRAP_ADMIN_ID, true);
    expect(await bootstrapAdmin({ users, tokens, now: NOW + 59_000 })).toBeUndefined();
    const admin = await bootstrapAdmin({ users, tokens, now: NOW + 61_000 });
    expect(await tokens.authenticate(admin!.token, { now: NOW + 61_000 })).toMatchObject({ admin: true });
    expect(await bootstrapAdmin({ users, tokens, now: NOW + 200_000 })).toBeUndefined();
  });
});
