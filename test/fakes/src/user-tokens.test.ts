import { describe, expect, it } from '@jest/globals';
import { DEFAULT_USER_TOKEN_SCOPES, UserTokens } from './user-tokens.js';

describe('UserTokens', () => {
  it('mints distinct OAuth tokens in GitHub’s gho_ format with the default scopes', () => {
    const tokens = new UserTokens();

    const minted = Array.from({ length: 500 }, () => tokens.issue({ login: 'alice' }));

    expect(minted.every(({ token }) => /^gho_[A-Za-z0-9]{36}$/.test(token))).toBe(true);
    expect(new Set(minted.map(({ token }) => token)).size).toBe(500);
    expect(minted[0]?.scopes).toEqual([...DEFAULT_USER_TOKEN_SCOPES]);
  });

  it('refuses a revoked token and knows which tokens it never issued', () => {
    const tokens = new UserTokens();
    const kept = tokens.issue({ login: 'alice', scopes: [] });
    const revoked = tokens.issue({ login: 'alice' });

    expect(tokens.revoke(revoked.token)).toBe(true);
    expect(tokens.revoke(revoked.token)).toBe(true);

    expect(tokens.check(kept.token)).toBe(kept);
    expect(tokens.check(revoked.token)).toBe('revoked');
    expect(tokens.check('gho_unknown')).toBe('unknown');
    expect(tokens.revoke('gho_unknown')).toBe(false);
  });
});
