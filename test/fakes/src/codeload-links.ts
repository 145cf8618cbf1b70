import { randomBytes } from 'node:crypto';

/** codeload.github.com's signed archive links stay valid for about five minutes. */
const LINK_TTL_MS = 5 * 60 * 1000;

export interface CodeloadGrant {
  repoId: number;
  sha: string;
  /** Top-level folder inside the archive: `<owner>-<repo>-<short sha>`. */
  prefix: string;
  expiresAtMs: number;
}

/**
 * The fake's stand-in for codeload.github.com: `/tarball/{ref}` answers 302 to a link
 * that carries its own `?token=`, so the download needs no authorization header — which
 * matters because clients drop that header when a redirect leaves the API host.
 */
export class CodeloadLinks {
  private readonly grants = new Map<string, CodeloadGrant>();

  constructor(
    private readonly origin: () => string,
    private readonly clock: () => number,
  ) {}

  /** A download URL for `sha`'s tarball. */
  create(options: { owner: string; repo: string; repoId: number; sha: string }): string {
    const token = randomBytes(18).toString('base64url');
    const prefix = `${options.owner}-${options.repo}-${options.sha.slice(0, 7)}`;
    this.grants.set(token, {
      repoId: options.repoId,
      sha: options.sha,
      prefix,
      expiresAtMs: this.clock() + LINK_TTL_MS,
    });
    const path = ['_codeload', options.owner, options.repo, 'legacy.tar.gz', options.sha].map(
      encodeURIComponent,
    );
    return `${this.origin()}/${path.join('/')}?token=${token}`;
  }

  /** The grant behind a link token, when it exists and has not expired. */
  check(token: string): CodeloadGrant | undefined {
    const grant = this.grants.get(token);
    return grant && this.clock() < grant.expiresAtMs ? grant : undefined;
  }
}
