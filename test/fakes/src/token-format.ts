import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * GitHub's token prefixes: `ghs_` installation (server-to-server), `gho_` OAuth app user token.
 * Secret scanners and log redaction match the prefix and length, so the fake mints the same shape.
 */
export type GitHubTokenPrefix = 'ghs' | 'gho';

/** `<prefix>_` and 36 alphanumerics, GitHub's format for its short tokens. */
export function newGitHubToken(prefix: GitHubTokenPrefix): string {
  return `${prefix}_${Array.from({ length: 36 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('')}`;
}
