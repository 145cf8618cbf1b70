import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { silentLogger, type WorkerLogger } from '../worker/worker-logger.js';

export interface GitHubInstallationsOptions {
  /** The GitHub App's id. */
  appId: string | number;
  /** The App's private key (PEM). Kept in memory only; never logged. */
  privateKey: string;
  /** GitHub Enterprise Server (and the test fake): `<protocol>://<host>/api/v3`. Default github.com. */
  baseUrl?: string;
  /** Octokit's own warnings (deprecations) go here. */
  logger?: WorkerLogger;
  /** Clients kept (one per installation, each caching its token). Default 500. */
  maxClients?: number;
}

/** The REST client the builder uses, authenticated as one installation. */
export type InstallationOctokit = Octokit;

export const GITHUB_API_URL = 'https://api.github.com';

/**
 * Octokit clients of one GitHub App, one per installation. Each authenticates with an installation
 * token that @octokit/auth-app fetches with the App's JWT, caches and renews before it expires;
 * tokens stay inside these clients (and {@link GitHubInstallations.token}'s caller).
 *
 * @example
 * const github = new GitHubInstallations({ appId, privateKey, baseUrl });
 * await github.octokit(job.installationId).rest.checks.create({ … });
 */
export class GitHubInstallations {
  readonly baseUrl: string;
  readonly #options: GitHubInstallationsOptions;
  readonly #clients = new Map<number, InstallationOctokit>();

  constructor(options: GitHubInstallationsOptions) {
    this.#options = options;
    this.baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
  }

  /** The client of `installationId` (made on first use, then reused). */
  octokit(installationId: number): InstallationOctokit {
    const known = this.#clients.get(installationId);
    if (known) {
      // Most recently used last, so the oldest is the one dropped.
      this.#clients.delete(installationId);
      this.#clients.set(installationId, known);
      return known;
    }
    const logger = this.#options.logger ?? silentLogger;
    const client = new Octokit({
      baseUrl: this.baseUrl,
      userAgent: 'slipway-builder-docker',
      authStrategy: createAppAuth,
      auth: { appId: this.#options.appId, privateKey: this.#options.privateKey, installationId },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger.warn({ installationId }, message),
        error: (message: string) => logger.error({ installationId }, message),
      },
    });
    this.#clients.set(installationId, client);
    const max = this.#options.maxClients ?? 500;
    if (this.#clients.size > max) {
      const oldest = this.#clients.keys().next().value;
      if (oldest !== undefined) this.#clients.delete(oldest);
    }
    return client;
  }

  /** An installation token (cached until shortly before it expires). Hand it to GitHub only. */
  async token(installationId: number): Promise<string> {
    const auth = (await this.octokit(installationId).auth({ type: 'installation' })) as { token: string };
    return auth.token;
  }
}
