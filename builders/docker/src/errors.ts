/** Machine-readable reasons a build step failed. */
export type BuilderErrorCode =
  /** The build input (tenant, service, sha, paths, args) does not pass validation; nothing ran. */
  | 'BUILD_INVALID_INPUT'
  /** The source tarball is not a gzip tar with one top-level folder, or the context folder is missing. */
  | 'BUILD_INVALID_TARBALL'
  /** The source tarball holds an entry that would leave the build context (`..`, absolute, symlink, device). */
  | 'BUILD_UNSAFE_TARBALL'
  /** Docker ran the build and it failed (Dockerfile error, failing RUN, missing file). */
  | 'BUILD_FAILED'
  /** The caller's AbortSignal stopped the build or push. */
  | 'BUILD_CANCELLED'
  /** The registry did not answer (refused, timed out, DNS); worth retrying with backoff. */
  | 'REGISTRY_UNAVAILABLE'
  /** The registry answered and refused the push (auth, quota, manifest), or gave no digest. */
  | 'PUSH_FAILED';

/** Base class of every error this package throws on purpose; switch on `code`. */
export class BuilderError extends Error {
  override readonly name: string = 'BuilderError';

  constructor(
    readonly code: BuilderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The build input is invalid; `issues` lists each field and what is wrong with it. */
export class InvalidBuildInputError extends BuilderError {
  override readonly name = 'InvalidBuildInputError';

  constructor(
    readonly issues: readonly { path: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    const list = issues.map((issue) => `${issue.path || '(input)'}: ${issue.message}`).join('; ');
    super('BUILD_INVALID_INPUT', `Invalid build input: ${list}. Fix the service's build settings.`, options);
  }
}

/** The tarball cannot be turned into a build context (not gzip/tar, no single top folder, no context folder). */
export class InvalidTarballError extends BuilderError {
  override readonly name = 'InvalidTarballError';

  constructor(detail: string, options?: { cause?: unknown }) {
    super('BUILD_INVALID_TARBALL', `The source tarball cannot be used: ${detail}`, options);
  }
}

/** An entry of the tarball would escape the build context; the whole build is refused. */
export class UnsafeTarballError extends BuilderError {
  override readonly name = 'UnsafeTarballError';

  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(
      'BUILD_UNSAFE_TARBALL',
      `The source tarball entry "${entry}" ${reason}; refusing to build. Remove it from the repository or move it inside the build context.`,
    );
  }
}

/** Docker reported a failed build; `step` is the Dockerfile step that failed, when Docker named one. */
export class BuildFailedError extends BuilderError {
  override readonly name = 'BuildFailedError';

  constructor(
    readonly dockerMessage: string,
    readonly step: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      'BUILD_FAILED',
      `Docker build failed${step ? ` at "${step}"` : ''}: ${dockerMessage}. Fix the Dockerfile or the source and push again.`,
      options,
    );
  }
}

/** The AbortSignal fired; the build or push was stopped. */
export class BuildCancelledError extends BuilderError {
  override readonly name = 'BuildCancelledError';

  constructor(what: string, options?: { cause?: unknown }) {
    super('BUILD_CANCELLED', `${what} was cancelled.`, options);
  }
}

/** The registry could not be reached; retry with backoff (see withRegistryRetry). */
export class RegistryUnavailableError extends BuilderError {
  override readonly name = 'RegistryUnavailableError';

  constructor(
    readonly registry: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'REGISTRY_UNAVAILABLE',
      `The registry ${registry} is unreachable (${detail}). Check that it is running and reachable from the Docker engine; the push will be retried.`,
      options,
    );
  }
}

/** The registry refused the push, or the push ended without a digest. Retrying will not help. */
export class PushFailedError extends BuilderError {
  override readonly name = 'PushFailedError';

  constructor(
    readonly tag: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PUSH_FAILED',
      `Pushing ${tag} failed: ${detail}. Check the registry credentials and permissions.`,
      options,
    );
  }
}
