import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { StateStore } from '@slipway/state';
import { IdentityError } from './identity-error.js';
import { identityKey, userKey } from './identity-keys.js';
import type { SignInInput } from './sign-in.js';
import { fsTestStore, type TestStore } from './test-stores.js';
import { UserDirectory } from './user-directory.js';

const NOW = Date.parse('2030-01-02T03:04:05.000Z');

const octocat: SignInInput = {
  provider: 'github',
  subject: '12345',
  login: 'octocat',
  name: 'The Octocat',
  email: 'Octo@Example.com',
  emailVerified: true,
  now: NOW,
};

let fixture: TestStore;
let store: StateStore;
let users: UserDirectory;

beforeEach(async () => {
  fixture = await fsTestStore();
  store = fixture.store;
  users = new UserDirectory({ store, clock: () => NOW });
});

afterEach(async () => {
  await fixture.dispose();
});

describe('UserDirectory.signIn', () => {
  it('creates a user <provider>:<subject> on the first sign-in and finds it again after', async () => {
    const first = await users.signIn(octocat);
    expect(first).toEqual({
      id: 'github:12345',
      name: 'The Octocat',
      emails: [{ address: 'octo@example.com', verified: true }],
      admin: false,
      identities: [{ provider: 'github', subject: '12345', login: 'octocat' }],
      createdAt: '2030-01-02T03:04:05.000Z',
    });
    const again = await users.signIn({ ...octocat, name: 'Renamed', now: NOW + 1000 });
    expect(again).toEqual(first);
    expect(await users.get('github:12345')).toEqual(first);
    expect((await store.get(userKey('github:12345')))?.value).toEqual(first);
    expect(userKey('github:12345')).toBe('users/github_3A12345.json');
  });

  it('refreshes a changed login and adds new addresses, keeping the name', async () => {
    await users.signIn(octocat);
    const user = await users.signIn({
      ...octocat,
      login: 'octo-renamed',
      email: 'second@example.com',
      emailVerified: false,
    });
    expect(user.identities).toEqual([{ provider: 'github', subject: '12345', login: 'octo-renamed' }]);
    expect(user.emails).toEqual([
      { address: 'octo@example.com', verified: true },
      { address: 'second@example.com', verified: false },
    ]);
    expect(user.name).toBe('The Octocat');
  });

  it('links a second identity to the user who has the same VERIFIED address', async () => {
    await users.signIn(octocat);
    const linked = await users.signIn({
      provider: 'google',
      subject: 'g-987',
      name: 'Octo G',
      email: 'octo@example.com',
      emailVerified: true,
    });
    expect(linked.id).toBe('github:12345');
    expect(linked.identities).toEqual([
      { provider: 'github', subject: '12345', login: 'octocat' },
      { provider: 'google', subject: 'g-987' },
    ]);
    expect(await users.get('google:g-987')).toBeUndefined();
    // From now on the Google identity leads straight to that user.
    expect(
      (await users.signIn({ ...octocat, provider: 'google', subject: 'g-987', emailVerified: false })).id,
    ).toBe('github:12345');
  });

  it('never links by an address the new provider did not verify', async () => {
    await users.signIn(octocat);
    const other = await users.signIn({
      provider: 'google',
      subject: 'attacker',
      name: 'Not Octo',
      email: 'octo@example.com',
      emailVerified: false,
    });
    expect(other.id).toBe('google:attacker');
    expect((await users.get('github:12345'))?.identities).toHaveLength(1);
  });

  it('never links to a user whose copy of the address is unverified', async () => {
    await users.signIn({ ...octocat, emailVerified: false });
    const other = await users.signIn({
      provider: 'google',
      subject: 'g-1',
      name: 'Octo G',
      email: 'octo@example.com',
      emailVerified: true,
    });
    expect(other.id).toBe('google:g-1');
    // The verified owner is now google:g-1: later verified sign-ins link there.
    const third = await users.signIn({
      provider: 'local',
      subject: 'octo',
      name: 'x',
      email: 'octo@example.com',
      emailVerified: true,
    });
    expect(third.id).toBe('google:g-1');
  });

  it('makes exactly one user of 10 concurrent first sign-ins of one identity', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => users.signIn(octocat)));
    expect(new Set(results.map((user) => user.id))).toEqual(new Set(['github:12345']));
    expect((await users.list()).items).toHaveLength(1);
  });

  it('makes one user of concurrent first sign-ins of two identities with one verified address', async () => {
    const [a, b] = await Promise.all([
      users.signIn(octocat),
      users.signIn({
        provider: 'google',
        subject: 'g-987',
        name: 'Octo G',
        email: 'octo@example.com',
        emailVerified: true,
      }),
    ]);
    expect(a.id).toBe(b.id);
    const { items } = await users.list();
    expect(items).toHaveLength(1);
    expect(items[0]!.identities.map((identity) => identity.provider).sort()).toEqual(['github', 'google']);
  });

  it('finishes a sign-in that died after linking the identity but before writing the user', async () => {
    await store.put(identityKey('github', '12345'), {
      provider: 'github',
      subject: '12345',
      user: 'github:12345',
    });
    const user = await users.signIn(octocat);
    expect(user.id).toBe('github:12345');
    expect(await users.get('github:12345')).toEqual(user);
  });

  it('escapes subjects that cannot be key segments', async () => {
    const user = await users.signIn({
      provider: 'local',
      subject: '../admin:x_y',
      name: '',
      emailVerified: false,
    });
    expect(user.id).toBe('local:../admin:x_y');
    expect(user.name).toBe('../admin:x_y');
    expect(await users.get('local:../admin:x_y')).toEqual(user);
  });

  it('refuses a disabled user, and lets them in again once enabled', async () => {
    await users.signIn(octocat);
    const disabled = await users.setDisabled('github:12345', true, { now: NOW + 5 });
    expect(disabled.disabledAt).toBe('2030-01-02T03:04:05.005Z');
    const signIn = users.signIn(octocat);
    await expect(signIn).rejects.toThrow(IdentityError);
    await expect(signIn).rejects.toMatchObject({ code: 'user_disabled' });
    // Another provider with the same verified address cannot get around it.
    await expect(
      users.signIn({
        provider: 'google',
        subject: 'g',
        name: 'G',
        email: 'octo@example.com',
        emailVerified: true,
      }),
    ).rejects.toMatchObject({ code: 'user_disabled' });
    const enabled = await users.setDisabled('github:12345', false);
    expect(enabled.disabledAt).toBeUndefined();
    expect((await users.signIn(octocat)).id).toBe('github:12345');
  });

  it('rejects bad input with field paths', async () => {
    const bad = users.signIn({
      ...octocat,
      provider: 'gitlab' as 'github',
      subject: '',
      email: 'not-an-address',
    });
    await expect(bad).rejects.toMatchObject({ code: 'invalid_input' });
    const error = (await bad.catch((caught: unknown) => caught)) as IdentityError;
    expect([...new Set(error.issues.map((issue) => issue.path.join('.')))].sort()).toEqual([
      'email',
      'provider',
      'subject',
    ]);
    expect(error.message).toMatch(/^Invalid sign-in: /);
  });
});

describe('UserDirectory admin and listing', () => {
  it('grants and withdraws admin, and finds an enabled admin', async () => {
    await users.signIn(octocat);
    expect(await users.findAdmin()).toBeUndefined();
    expect((await users.setAdmin('github:12345', true)).admin).toBe(true);
    expect((await users.findAdmin())?.id).toBe('github:12345');
    await users.setDisabled('github:12345', true);
    expect(await users.findAdmin()).toBeUndefined();
    expect((await users.setAdmin('github:12345', false)).admin).toBe(false);
  });

  it('answers user_not_found for unknown or malformed ids', async () => {
    await expect(users.setAdmin('github:404', true)).rejects.toMatchObject({ code: 'user_not_found' });
    await expect(users.setAdmin('nonsense', true)).rejects.toMatchObject({ code: 'user_not_found' });
    expect(await users.get('nonsense')).toBeUndefined();
  });

  it('pages through users with a cursor and reports corrupt documents beside them', async () => {
    for (const subject of ['1', '2', '3', '4', '5']) {
      await users.signIn({ provider: 'github', subject, name: `user ${subject}`, emailVerified: false });
    }
    await store.put('users/broken.json', { id: 'nope' });
    const seen: string[] = [];
    const corrupt: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await users.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((user) => user.id));
      corrupt.push(...page.corrupt.map((error) => error.key));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(['github:1', 'github:2', 'github:3', 'github:4', 'github:5']);
    expect(corrupt).toEqual(['users/broken.json']);
  });
});
