import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MemberRole, Tenant } from '@slipway/core';
import { type EffectiveRole, effectiveRole, roleAtLeast } from './effective-role.js';
import type { Principal, UserPrincipal } from './principal.js';
import { fsTestStore, type TestStore } from './test-stores.js';
import { TokenService } from './token-service.js';
import type { User } from './user.js';
import { UserDirectory } from './user-directory.js';

const user: User = {
  id: 'github:1',
  name: 'Alice',
  emails: [],
  admin: false,
  identities: [{ provider: 'github', subject: '1' }],
  createdAt: '2030-01-01T00:00:00.000Z',
};

function tenant(id: string, role?: MemberRole): Tenant {
  return {
    id,
    name: id,
    members: role
      ? [
          { user: 'github:1', role },
          { user: 'github:2', role: 'owner' },
        ]
      : [{ user: 'github:2', role: 'owner' }],
    githubInstallations: [],
    createdAt: '2030-01-01T00:00:00.000Z',
  };
}

function principal(scope?: { tenant: string; role: MemberRole }, admin = false): UserPrincipal {
  return { kind: 'user', user, tokenId: '0'.repeat(20), admin, ...(scope ? { scope } : {}) };
}

const ROLES: MemberRole[] = ['viewer', 'developer', 'owner'];

describe('effectiveRole', () => {
  it('gives an unscoped token the current membership role, and nothing where not a member', () => {
    for (const role of ROLES) expect(effectiveRole(principal(), tenant('acme', role))).toBe(role);
    expect(effectiveRole(principal(), tenant('acme'))).toBeUndefined();
  });

  it('caps a scoped token by the current membership, both ways', () => {
    for (const tokenRole of ROLES) {
      for (const memberRole of ROLES) {
        const lower = ROLES.indexOf(tokenRole) < ROLES.indexOf(memberRole) ? tokenRole : memberRole;
        expect(
          effectiveRole(principal({ tenant: 'acme', role: tokenRole }), tenant('acme', memberRole)),
        ).toBe(lower);
      }
    }
  });

  it('gives a scoped token nothing in any other tenant, even where the user is an owner', () => {
    expect(
      effectiveRole(principal({ tenant: 'acme', role: 'owner' }), tenant('other', 'owner')),
    ).toBeUndefined();
  });

  it('gives a removed member nothing, whatever the token says', () => {
    expect(effectiveRole(principal({ tenant: 'acme', role: 'owner' }), tenant('acme'))).toBeUndefined();
  });

  it('gives an admin token admin everywhere, and a host nothing', () => {
    expect(effectiveRole(principal(undefined, true), tenant('acme'))).toBe('admin');
    expect(effectiveRole(principal(undefined, true), tenant('other', 'viewer'))).toBe('admin');
    const host: Principal = { kind: 'host', tenant: 'acme', host: 'h1', tokenId: '1'.repeat(20) };
    expect(effectiveRole(host, tenant('acme', 'owner'))).toBeUndefined();
  });
});

describe('roleAtLeast', () => {
  it('orders viewer < developer < owner < admin, and no role meets nothing', () => {
    const order: EffectiveRole[] = ['viewer', 'developer', 'owner', 'admin'];
    for (const [i, role] of order.entries()) {
      for (const [j, needed] of order.entries()) expect(roleAtLeast(role, needed)).toBe(i >= j);
      expect(roleAtLeast(undefined, role)).toBe(false);
    }
  });
});

describe('effectiveRole with real tokens', () => {
  let fixture: TestStore;
  beforeEach(async () => {
    fixture = await fsTestStore();
  });
  afterEach(async () => {
    await fixture.dispose();
  });

  it('lowers a scoped token when its user is downgraded, and drops it when they are removed', async () => {
    const users = new UserDirectory({ store: fixture.store });
    const tokens = new TokenService({ store: fixture.store, users });
    await users.signIn({ provider: 'github', subject: '1', name: 'Alice', emailVerified: false });
    const { token } = await tokens.createApiToken({
      user: 'github:1',
      name: 'ci',
      tenant: 'acme',
      role: 'owner',
    });
    const who = (await tokens.authenticate(token))!;
    expect(effectiveRole(who, tenant('acme', 'owner'))).toBe('owner');
    expect(effectiveRole(who, tenant('acme', 'developer'))).toBe('developer');
    expect(effectiveRole(who, tenant('acme'))).toBeUndefined();
    expect(effectiveRole(who, tenant('other', 'owner'))).toBeUndefined();
  });
});
