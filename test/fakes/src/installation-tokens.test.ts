import { describe, expect, it } from '@jest/globals';
import { InstallationTokens } from './installation-tokens.js';

describe('InstallationTokens', () => {
  it('mints distinct tokens in GitHub’s format, which redaction patterns rely on', () => {
    const tokens = new InstallationTokens(() => 0);

    const minted = Array.from(
      { length: 500 },
      () => tokens.issue({ installationId: 1, permissions: {} }).token,
    );

    expect(minted.every((token) => /^ghs_[A-Za-z0-9]{36}$/.test(token))).toBe(true);
    expect(new Set(minted).size).toBe(500);
  });

  it('refuses a token once its hour is over or it was revoked', () => {
    let now = 0;
    const tokens = new InstallationTokens(() => now);
    const expiring = tokens.issue({ installationId: 1, permissions: {} });
    const revoked = tokens.issue({ installationId: 1, permissions: {} });

    tokens.revoke(revoked.token);
    now = 60 * 60 * 1000 - 1;
    const beforeExpiry = tokens.check(expiring.token);
    now += 1;

    expect(beforeExpiry).toBe(expiring);
    expect(tokens.check(expiring.token)).toBe('expired');
    expect(tokens.check(revoked.token)).toBe('revoked');
    expect(tokens.check('ghs_unknown')).toBe('unknown');
  });
});
