import { Octokit } from '@octokit/rest';

/** What GitHub says about the person holding a user token. */
export interface GitHubOrgCheck {
  /** GitHub's numeric id of the token's user. */
  userId: number;
  login: string;
  /** Their membership of `org`, when asked and they are a member. */
  membership?: { role: 'admin' | 'member'; state: 'active' | 'pending' };
}

/**
 * Asks GitHub, with the USER's own token (OAuth or personal), who they are and what they are in
 * an organisation. The app's private key stays in the GitHub App and builders (DESIGN.md §4 rule 6).
 */
export class GitHubUserClient {
  readonly #baseUrl: string;

  constructor(options: { baseUrl: string }) {
    this.#baseUrl = options.baseUrl;
  }

  async check(token: string, org?: string): Promise<GitHubOrgCheck | undefined> {
    const octokit = new Octokit({ auth: token, baseUrl: this.#baseUrl, log: quiet, request: { retries: 0 } });
    let user: { id: number; login: string };
    try {
      user = (await octokit.rest.users.getAuthenticated()).data;
    } catch (error) {
      if ((error as { status?: number }).status === 401) return undefined;
      throw error;
    }
    if (!org) return { userId: user.id, login: user.login };
    try {
      const { data } = await octokit.rest.orgs.getMembershipForAuthenticatedUser({ org });
      return {
        userId: user.id,
        login: user.login,
        membership: { role: data.role as 'admin' | 'member', state: data.state as 'active' | 'pending' },
      };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404 || status === 403) return { userId: user.id, login: user.login };
      throw error;
    }
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
