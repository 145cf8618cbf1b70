import { newGitHubToken } from './token-format.js';

/**
 * What a login through Slipway's GitHub OAuth app is granted unless a test says otherwise:
 * the profile and e-mail (Auth.js's GitHub default) plus `read:org`, which org membership needs.
 */
export const DEFAULT_USER_TOKEN_SCOPES: readonly string[] = ['read:org', 'read:user', 'user:email'];

/** A user's OAuth token (`gho_…`), as an OAuth app receives it when the user signs in. */
export interface IssuedUserToken {
  token: string;
  /** The user it acts as; resolved to the account on each request. */
  login: string;
  /** OAuth scopes granted, reported back in `x-oauth-scopes`. */
  scopes: string[];
  revoked: boolean;
}

/** Why a presented user token was refused; `unknown` means it is not a user token of this fake. */
export type UserTokenRefusal = 'unknown' | 'revoked';

/**
 * User OAuth tokens the fake issued. They do not expire (GitHub's OAuth app tokens do not,
 * unless revoked), so the fake's clock does not apply to them.
 */
export class UserTokens {
  private readonly tokens = new Map<string, IssuedUserToken>();

  issue(options: { login: string; scopes?: readonly string[] }): IssuedUserToken {
    const issued: IssuedUserToken = {
      token: newGitHubToken('gho'),
      login: options.login,
      scopes: [...(options.scopes ?? DEFAULT_USER_TOKEN_SCOPES)],
      revoked: false,
    };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  /** The token's record when it may be used now, else why not. */
  check(token: string): IssuedUserToken | UserTokenRefusal {
    const issued = this.tokens.get(token);
    if (!issued) return 'unknown';
    return issued.revoked ? 'revoked' : issued;
  }

  /** Revoke a token; false when the fake never issued it. Revoking twice is fine. */
  revoke(token: string): boolean {
    const issued = this.tokens.get(token);
    if (!issued) return false;
    issued.revoked = true;
    return true;
  }
}
