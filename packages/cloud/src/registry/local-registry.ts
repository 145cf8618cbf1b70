import { z } from 'zod';
import { RegistryError } from './errors.js';
import type {
  ImageDetails,
  ImageRegistry,
  ListedRepository,
  RegistryCredentials,
  Repository,
  RepositoryRef,
} from './image-registry.js';
import { assertRepositoryName, assertTag, parseRepositoryRef } from './names.js';

export interface LocalRegistryOptions {
  /** host:port of a Docker Registry v2 served over plain HTTP. Default `127.0.0.1:5000`. */
  address?: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /**
   * First segment of every repository name (none by default). `slipway` names them as ECR does,
   * for the registry that stands in for ECR's storage in AWS mode against moto (`pushRegistry`).
   */
  namePrefix?: string;
}

/**
 * Manifest types a HEAD may answer with. Without the stored type in Accept, a registry may
 * convert the manifest (and report a different digest), so all four are offered.
 */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

const catalogSchema = z.object({ repositories: z.array(z.string()).nullable().optional() });
const tagsSchema = z.object({ tags: z.array(z.string()).nullable().optional() });

/**
 * The local-mode image registry: a Docker Registry v2 (Debian's docker-registry) over plain
 * HTTP, repositories named `<tenant>/<service>`. Registries create repositories on first push,
 * so `ensureRepository` only names one; there is no password, so `credentials` is the address.
 *
 * `deleteRepository` deletes every manifest by digest (the registry must run with
 * `storage.delete.enabled: true`); the layers stay on disk until the registry's garbage
 * collector (`registry garbage-collect`) runs.
 */
export class LocalRegistry implements ImageRegistry {
  readonly #address: string;
  readonly #timeoutMs: number;
  readonly #namePrefix: string;

  constructor(options: LocalRegistryOptions = {}) {
    this.#address = options.address ?? '127.0.0.1:5000';
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#namePrefix = options.namePrefix ? `${options.namePrefix}/` : '';
  }

  /** The repository name of a tenant's service, e.g. `acme/web`. */
  repositoryName(ref: RepositoryRef): string {
    const { tenant, service } = parseRepositoryRef(ref);
    return `${this.#namePrefix}${tenant}/${service}`;
  }

  async ensureRepository(ref: RepositoryRef): Promise<Repository> {
    const name = this.repositoryName(ref);
    return { name, repositoryUri: `${this.#address}/${name}` };
  }

  async credentials(): Promise<RegistryCredentials> {
    return { serveraddress: this.#address };
  }

  async imageExists(image: { repository: string; tag: string }): Promise<ImageDetails | undefined> {
    assertRepositoryName(image.repository);
    assertTag(image.tag);
    return this.#manifestDigest(image.repository, image.tag);
  }

  async deleteRepository(ref: RepositoryRef): Promise<void> {
    const name = this.repositoryName(ref);
    const digests = new Set<string>();
    for (const tag of await this.#tags(name)) {
      const image = await this.#manifestDigest(name, tag);
      if (image) digests.add(image.digest);
    }
    for (const digest of digests) {
      const response = await this.#request('DELETE', `/v2/${name}/manifests/${digest}`);
      if (response.status === 405)
        throw new RegistryError(
          'REGISTRY_REQUEST_FAILED',
          `The registry at ${this.#address} refused to delete ${name}@${digest}: start it with storage.delete.enabled: true.`,
        );
      if (!response.ok && response.status !== 404) throw this.#refused(`delete ${name}@${digest}`, response);
      await response.body?.cancel();
    }
  }

  async listRepositories(filter: { tenant: string }): Promise<ListedRepository[]> {
    const { tenant } = parseRepositoryRef({ tenant: filter.tenant, service: 'x' });
    const prefix = `${this.#namePrefix}${tenant}/`;
    const found: ListedRepository[] = [];
    for (const name of await this.#catalog()) {
      const service = name.slice(prefix.length);
      if (!name.startsWith(prefix) || service.includes('/')) continue;
      // The catalog keeps a repository after its manifests are deleted; one without tags is gone.
      if ((await this.#tags(name)).length > 0)
        found.push({ name, service, repositoryUri: `${this.#address}/${name}` });
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  async close(): Promise<void> {}

  async #manifestDigest(name: string, reference: string): Promise<ImageDetails | undefined> {
    const response = await this.#request('HEAD', `/v2/${name}/manifests/${reference}`, {
      accept: MANIFEST_TYPES,
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw this.#refused(`look up ${name}:${reference}`, response);
    const digest = response.headers.get('docker-content-digest');
    if (!digest)
      throw new RegistryError(
        'REGISTRY_REQUEST_FAILED',
        `The registry at ${this.#address} sent no Docker-Content-Digest for ${name}:${reference}; is it a Docker Registry v2?`,
      );
    return { digest };
  }

  async #tags(name: string): Promise<string[]> {
    const response = await this.#request('GET', `/v2/${name}/tags/list`);
    if (response.status === 404) {
      await response.body?.cancel();
      return [];
    }
    if (!response.ok) throw this.#refused(`list the tags of ${name}`, response);
    return (await this.#json(response, tagsSchema, `tags of ${name}`)).tags ?? [];
  }

  /** Every repository name, following the catalog's `Link: <…>; rel="next"` pages. */
  async #catalog(): Promise<string[]> {
    const names: string[] = [];
    let path: string | undefined = '/v2/_catalog?n=1000';
    while (path) {
      const response = await this.#request('GET', path);
      if (!response.ok) throw this.#refused('read the catalog', response);
      names.push(...((await this.#json(response, catalogSchema, 'catalog')).repositories ?? []));
      path = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    }
    return names;
  }

  async #json<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new RegistryError(
        'REGISTRY_REQUEST_FAILED',
        `The registry at ${this.#address} sent an unexpected ${what} document; is it a Docker Registry v2?`,
      );
    return parsed.data;
  }

  async #request(method: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
    try {
      const response = await fetch(`http://${this.#address}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (response.status >= 500) {
        await response.body?.cancel();
        throw new RegistryError(
          'REGISTRY_UNAVAILABLE',
          `The registry at ${this.#address} answered ${method} ${path} with ${response.status}; check its log, then retry.`,
        );
      }
      return response;
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(
        'REGISTRY_UNAVAILABLE',
        `The registry at ${this.#address} did not answer ${method} ${path}; start it (npm run services) or fix the address, then retry.`,
        { cause: error },
      );
    }
  }

  #refused(what: string, response: Response): RegistryError {
    void response.body?.cancel();
    return new RegistryError(
      'REGISTRY_REQUEST_FAILED',
      `The registry at ${this.#address} refused to ${what} (HTTP ${response.status}).`,
    );
  }
}
