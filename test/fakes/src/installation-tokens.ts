import type { AppPermissions } from './permissions.js';
import { newGitHubToken } from './token-format.js';

/** GitHub's installation tokens live one hour. */
export const INSTALLATION_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface IssuedToken {
  token: string;
  installationId: number;
  /** Repo ids the token may reach; undefined means every repo of the installation. */
  repositoryIds: number[] | undefined;
  permissions: AppPermissions;
  expiresAtMs: number;
  revoked: boolean;
}

/** Why a presented token was refused; the fake reports it in `x-fake-github-reason`. */
export type TokenRefusal = 'unknown' | 'expired' | 'revoked';

/** Installation tokens the fake issued, and the checks GitHub applies when one is presented. */
export class InstallationTokens {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs: number = INSTALLATION_TOKEN_TTL_MS,
  ) {}

  issue(options: {
    installationId: number;
    repositoryIds?: number[];
    permissions: AppPermissions;
  }): IssuedToken {
    const token = newGitHubToken('ghs');
    const issued: IssuedToken = {
      token,
      installationId: options.installationId,
      repositoryIds: options.repositoryIds,
      permissions: options.permissions,
      expiresAtMs: this.clock() + this.ttlMs,
      revoked: false,
    };
    this.tokens.set(token, issued);
    return issued;
  }

  /** The token's record when it may be used now, else why not. */
  check(token: string): IssuedToken | TokenRefusal {
    const issued = this.tokens.get(token);
    if (!issued) return 'unknown';
    if (issued.revoked) return 'revoked';
    if (this.clock() >= issued.expiresAtMs) return 'expired';
    return issued;
  }

  revoke(token: string): void {
    const issued = this.tokens.get(token);
    if (issued) issued.revoked = true;
  }

  /** Every token issued so far, oldest first (tests assert how many were minted). */
  all(): IssuedToken[] {
    return [...this.tokens.values()];
  }
}
