/** Which service's images a repository holds: one repository per tenant and service. */
export interface RepositoryRef {
  tenant: string;
  service: string;
}

/** A repository as the builder pushes to it. */
export interface Repository {
  /** The repository name inside the registry, e.g. `slipway/acme/web` (ECR) or `acme/web` (local). */
  name: string;
  /** `<registry host>/<name>`: tag images `<repositoryUri>:<tag>` to push them here. */
  repositoryUri: string;
}

/** A repository found by `listRepositories`. */
export interface ListedRepository extends Repository {
  service: string;
}

/**
 * What dockerode's `push` / `pull` take as `authconfig`. Holds a secret: never log it, never put
 * it in a job payload or check-run text (DESIGN.md §4 rule 6).
 */
export interface RegistryCredentials {
  /** The registry host (and port), e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  serveraddress: string;
  username?: string;
  password?: string;
  /** When the password stops working; absent when it never does. */
  expiresAt?: Date;
}

/** An image that is present in a registry. */
export interface ImageDetails {
  /** The manifest digest, `sha256:<64 hex>`: what a Release records. */
  digest: string;
}

/**
 * Where built images go: ECR in AWS mode, a local registry in local mode. Every method is
 * idempotent, so a builder that died half-way can simply run again.
 *
 * @example
 * const repository = await registry.ensureRepository({ tenant: 'acme', service: 'web' });
 * await docker.getImage(`${repository.repositoryUri}:${sha}`).push({ authconfig: await registry.credentials() });
 * const image = await registry.imageExists({ repository: repository.name, tag: sha });
 */
export interface ImageRegistry {
  /** Creates the service's repository if missing (and repairs its settings if present); returns where to push. */
  ensureRepository(ref: RepositoryRef): Promise<Repository>;
  /** Credentials for pushing and pulling; cached by the implementation while they stay valid. */
  credentials(): Promise<RegistryCredentials>;
  /** The image's digest when `repository:tag` exists, `undefined` when the tag or the repository does not. */
  imageExists(image: { repository: string; tag: string }): Promise<ImageDetails | undefined>;
  /** Removes the repository and its images; a missing repository is not an error. */
  deleteRepository(ref: RepositoryRef): Promise<void>;
  /** The tenant's repositories, in name order. */
  listRepositories(filter: { tenant: string }): Promise<ListedRepository[]>;
  /** Releases clients the registry created; safe to call more than once. */
  close(): Promise<void>;
}
