import type { AuthorizationData } from '@aws-sdk/client-ecr';
import { RegistryError } from './errors.js';
import type { RegistryCredentials } from './image-registry.js';

/**
 * Turns one GetAuthorizationToken answer into dockerode's `authconfig`: the token is base64 of
 * `AWS:<password>`, and the registry host is the proxy endpoint without its scheme.
 * Error messages never quote the token.
 */
export function credentialsFromAuthorization(data: AuthorizationData | undefined): RegistryCredentials {
  if (!data?.authorizationToken || !data.proxyEndpoint)
    throw new RegistryError(
      'REGISTRY_REQUEST_FAILED',
      'ECR GetAuthorizationToken returned no token or proxy endpoint; check the IAM permission ecr:GetAuthorizationToken.',
    );
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1)
    throw new RegistryError(
      'REGISTRY_REQUEST_FAILED',
      'ECR GetAuthorizationToken returned a token that is not base64 of "<user>:<password>".',
    );
  return {
    serveraddress: new URL(data.proxyEndpoint).host,
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    ...(data.expiresAt ? { expiresAt: data.expiresAt } : {}),
  };
}

/**
 * Keeps one set of credentials until `refreshMarginMs` before it expires, and shares one
 * in-flight fetch between concurrent callers. A failed fetch is not cached.
 */
export class CredentialsCache {
  #cached: RegistryCredentials | undefined;
  #inFlight: Promise<RegistryCredentials> | undefined;

  constructor(
    private readonly options: {
      fetch: () => Promise<RegistryCredentials>;
      now: () => number;
      refreshMarginMs: number;
    },
  ) {}

  async get(): Promise<RegistryCredentials> {
    if (this.#cached && this.#fresh(this.#cached)) return this.#cached;
    this.#inFlight ??= this.options.fetch().then(
      (credentials) => {
        this.#cached = credentials;
        this.#inFlight = undefined;
        return credentials;
      },
      (error: unknown) => {
        this.#inFlight = undefined;
        throw error;
      },
    );
    return this.#inFlight;
  }

  #fresh(credentials: RegistryCredentials): boolean {
    if (!credentials.expiresAt) return true;
    return this.options.now() < credentials.expiresAt.getTime() - this.options.refreshMarginMs;
  }
}
