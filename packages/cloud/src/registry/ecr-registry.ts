import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  type ECRServiceException,
  type Repository as EcrRepository,
  GetAuthorizationTokenCommand,
  type ImageTagMutability,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
  paginateDescribeRepositories,
  type Tag,
  TagResourceCommand,
} from '@aws-sdk/client-ecr';
import { CredentialsCache, credentialsFromAuthorization } from './ecr-authorization.js';
import { RegistryError } from './errors.js';
import type {
  ImageDetails,
  ImageRegistry,
  ListedRepository,
  RegistryCredentials,
  Repository,
  RepositoryRef,
} from './image-registry.js';
import { lifecyclePolicyText } from './lifecycle-policy.js';
import { assertRepositoryName, assertTag, parseRepositoryRef } from './names.js';

/** Settings for an ECR client that the registry creates (and destroys on `close`). */
export interface EcrConnectionOptions {
  region: string;
  /** e.g. `http://127.0.0.1:5001` for moto; omit for AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Attempts per call, throttling included: the SDK's standard retry strategy waits with
   * jittered exponential backoff between them. Default 5.
   */
  maxAttempts?: number;
}

export type EcrRegistryOptions = ({ client: ECRClient } | EcrConnectionOptions) & {
  /** First segment of every repository name, so Slipway's repositories are one prefix. Default `slipway`. */
  namePrefix?: string;
  /** Images the lifecycle policy keeps per repository; older ones expire. Default 30. */
  lifecycleKeepLast?: number;
  /** Ask ECR to scan every pushed image for vulnerabilities. Default true. */
  scanOnPush?: boolean;
  /** MUTABLE lets the builder move a cache tag; IMMUTABLE forbids re-pointing any tag. Default MUTABLE. */
  imageTagMutability?: ImageTagMutability;
  /** Fetch a new authorization token this long before the cached one expires. Default 5 minutes. */
  tokenRefreshMarginMs?: number;
  /** The clock, in epoch milliseconds; tests pass their own. */
  now?: () => number;
  /**
   * Push images to this registry host (`host[:port]`) instead of ECR's own endpoint. ECR still
   * creates, tags and trims the repository and issues the credentials — which are then handed to
   * this host. Only for tests against moto, which answers ECR's API but hosts no image layers:
   * point it at a local registry. `imageExists` still asks ECR, which never sees these pushes.
   * Never set it in production, where the images must be in ECR.
   */
  pushRegistry?: string;
};

/** `host[:port]`, lowercase, no scheme or path: what Docker takes as a registry in an image name. */
const REGISTRY_HOST_PATTERN = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/;

/** Duck-typed: SDK errors are matched by name, not by class identity. */
function isEcrError(error: unknown, ...names: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    '$metadata' in error &&
    names.includes((error as ECRServiceException).name)
  );
}

/**
 * The AWS-mode image registry: one ECR repository per tenant and service, named
 * `<prefix>/<tenant>/<service>`, tagged with the tenant and service, scanned on push, and
 * trimmed by a lifecycle policy to the last N images. Push credentials come from
 * GetAuthorizationToken and are cached until shortly before they expire.
 *
 * @example
 * const registry = new EcrRegistry({ region: 'eu-west-1', lifecycleKeepLast: 50 });
 * const { repositoryUri } = await registry.ensureRepository({ tenant: 'acme', service: 'web' });
 */
export class EcrRegistry implements ImageRegistry {
  readonly #client: ECRClient;
  readonly #ownsClient: boolean;
  readonly #namePrefix: string;
  readonly #lifecyclePolicy: string;
  readonly #scanOnPush: boolean;
  readonly #tagMutability: ImageTagMutability;
  readonly #credentials: CredentialsCache;
  readonly #pushRegistry: string | undefined;
  #closed = false;

  constructor(options: EcrRegistryOptions) {
    if ('client' in options) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else {
      this.#client = new ECRClient({
        region: options.region,
        maxAttempts: options.maxAttempts ?? 5,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
      this.#ownsClient = true;
    }
    this.#namePrefix = options.namePrefix ?? 'slipway';
    assertRepositoryName(this.#namePrefix);
    this.#lifecyclePolicy = lifecyclePolicyText({ keepLast: options.lifecycleKeepLast ?? 30 });
    this.#scanOnPush = options.scanOnPush ?? true;
    this.#tagMutability = options.imageTagMutability ?? 'MUTABLE';
    if (options.pushRegistry !== undefined && !REGISTRY_HOST_PATTERN.test(options.pushRegistry))
      throw new RegistryError(
        'REGISTRY_INVALID_OPTION',
        `pushRegistry must be a registry host[:port] without a scheme or path, like 127.0.0.1:5000, not ${JSON.stringify(options.pushRegistry)}.`,
      );
    this.#pushRegistry = options.pushRegistry;
    this.#credentials = new CredentialsCache({
      fetch: () => this.#fetchCredentials(),
      now: options.now ?? Date.now,
      refreshMarginMs: options.tokenRefreshMarginMs ?? 5 * 60_000,
    });
  }

  /** The repository name of a tenant's service, e.g. `slipway/acme/web`. */
  repositoryName(ref: RepositoryRef): string {
    const { tenant, service } = parseRepositoryRef(ref);
    return `${this.#namePrefix}/${tenant}/${service}`;
  }

  async ensureRepository(ref: RepositoryRef): Promise<Repository> {
    const { tenant, service } = parseRepositoryRef(ref);
    const name = this.repositoryName({ tenant, service });
    const tags: Tag[] = [
      { Key: 'slipway:tenant', Value: tenant },
      { Key: 'slipway:service', Value: service },
      { Key: 'slipway:managed', Value: 'true' },
    ];
    const repository =
      (await this.#createRepository(name, tags)) ?? (await this.#adoptRepository(name, tags));
    // Always put the policy: it is idempotent, and it repairs a repository whose policy was edited by hand.
    await this.#call(`put the lifecycle policy of ${name}`, () =>
      this.#client.send(
        new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: this.#lifecyclePolicy }),
      ),
    );
    if (!repository.repositoryUri)
      throw new RegistryError('REGISTRY_REQUEST_FAILED', `ECR returned no URI for repository ${name}.`);
    return { name, repositoryUri: this.#pushUri(name, repository.repositoryUri) };
  }

  credentials(): Promise<RegistryCredentials> {
    return this.#credentials.get();
  }

  async imageExists(image: { repository: string; tag: string }): Promise<ImageDetails | undefined> {
    assertRepositoryName(image.repository);
    assertTag(image.tag);
    try {
      const { imageDetails } = await this.#client.send(
        new DescribeImagesCommand({ repositoryName: image.repository, imageIds: [{ imageTag: image.tag }] }),
      );
      const digest = imageDetails?.[0]?.imageDigest;
      return digest ? { digest } : undefined;
    } catch (error) {
      if (isEcrError(error, 'ImageNotFoundException', 'RepositoryNotFoundException')) return undefined;
      throw this.#wrap(`look up ${image.repository}:${image.tag}`, error);
    }
  }

  async deleteRepository(ref: RepositoryRef): Promise<void> {
    const name = this.repositoryName(ref);
    try {
      await this.#client.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }));
    } catch (error) {
      if (isEcrError(error, 'RepositoryNotFoundException')) return;
      throw this.#wrap(`delete repository ${name}`, error);
    }
  }

  async listRepositories(filter: { tenant: string }): Promise<ListedRepository[]> {
    const { tenant } = parseRepositoryRef({ tenant: filter.tenant, service: 'x' });
    const prefix = `${this.#namePrefix}/${tenant}/`;
    const found: ListedRepository[] = [];
    try {
      for await (const page of paginateDescribeRepositories({ client: this.#client }, {})) {
        for (const repository of page.repositories ?? []) {
          const name = repository.repositoryName ?? '';
          const service = name.slice(prefix.length);
          if (name.startsWith(prefix) && !service.includes('/') && repository.repositoryUri)
            found.push({ name, service, repositoryUri: this.#pushUri(name, repository.repositoryUri) });
        }
      }
    } catch (error) {
      throw this.#wrap(`list the repositories of tenant ${tenant}`, error);
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) this.#client.destroy();
  }

  /** CreateRepository; `undefined` when it already exists. */
  async #createRepository(name: string, tags: Tag[]): Promise<EcrRepository | undefined> {
    try {
      const { repository } = await this.#client.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageScanningConfiguration: { scanOnPush: this.#scanOnPush },
          imageTagMutability: this.#tagMutability,
          tags,
        }),
      );
      if (!repository)
        throw new RegistryError('REGISTRY_REQUEST_FAILED', `ECR created ${name} but described nothing.`);
      return repository;
    } catch (error) {
      if (isEcrError(error, 'RepositoryAlreadyExistsException')) return undefined;
      throw this.#wrap(`create repository ${name}`, error);
    }
  }

  /** An existing repository (made by an earlier run, or by hand): bring its tags and scanning in line. */
  async #adoptRepository(name: string, tags: Tag[]): Promise<EcrRepository> {
    const { repositories } = await this.#call(`describe repository ${name}`, () =>
      this.#client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })),
    );
    const repository = repositories?.[0];
    if (!repository?.repositoryArn)
      throw new RegistryError('REGISTRY_REQUEST_FAILED', `ECR said ${name} exists but did not describe it.`);
    await this.#call(`tag repository ${name}`, () =>
      this.#client.send(new TagResourceCommand({ resourceArn: repository.repositoryArn, tags })),
    );
    if (repository.imageScanningConfiguration?.scanOnPush !== this.#scanOnPush)
      await this.#call(`set scan-on-push of ${name}`, () =>
        this.#client.send(
          new PutImageScanningConfigurationCommand({
            repositoryName: name,
            imageScanningConfiguration: { scanOnPush: this.#scanOnPush },
          }),
        ),
      );
    return repository;
  }

  async #fetchCredentials(): Promise<RegistryCredentials> {
    const { authorizationData } = await this.#call('get an authorization token', () =>
      this.#client.send(new GetAuthorizationTokenCommand({})),
    );
    const credentials = credentialsFromAuthorization(authorizationData?.[0]);
    return this.#pushRegistry ? { ...credentials, serveraddress: this.#pushRegistry } : credentials;
  }

  /** Where images of `name` are pushed: ECR's URI, or the same name on `pushRegistry` when set. */
  #pushUri(name: string, ecrUri: string): string {
    return this.#pushRegistry ? `${this.#pushRegistry}/${name}` : ecrUri;
  }

  async #call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.#wrap(what, error);
    }
  }

  #wrap(what: string, error: unknown): RegistryError {
    if (error instanceof RegistryError) return error;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const unavailable = status === undefined || status >= 500;
    return new RegistryError(
      unavailable ? 'REGISTRY_UNAVAILABLE' : 'REGISTRY_REQUEST_FAILED',
      `Could not ${what} in ECR (${reason}). ${
        unavailable
          ? 'ECR did not answer after retries; check the endpoint, region and network, then retry.'
          : 'Check the IAM permissions for ecr:* on this repository and the request, then retry.'
      }`,
      { cause: error },
    );
  }
}
