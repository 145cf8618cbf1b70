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
  /** The caller's AbortSignal stopped the build or push, or a newer push superseded it. */
  | 'BUILD_CANCELLED'
  /** The tenant's policy does not allow this build (builder not allowed, no concurrent builds). */
  | 'BUILD_REFUSED'
  /** The commit's source is not there for this installation (404, no access); retrying will not help. */
  | 'SOURCE_NOT_FOUND'
  /** GitHub did not hand over the source (5xx, rate limit, network); worth retrying. */
  | 'SOURCE_UNAVAILABLE'
  /** The registry did not answer (refused, timed out, DNS); worth retrying with backoff. */
  | 'REGISTRY_UNAVAILABLE'
  /** The registry answered and refused the push (auth, quota, manifest), or gave no digest. */
  | 'PUSH_FAILED'
  /** An image could not be pulled (gone, refused, unreachable). For the layer cache only: never fails a build. */
  | 'PULL_FAILED';

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

/**
 * A newer push to the same branch and service superseded this build, which was stopped (or
 * never started). Not a failure: the job completes, the check run concludes `cancelled`.
 */
export class BuildSupersededError extends BuilderError {
  override readonly name = 'BuildSupersededError';

  constructor(
    /** The newer commit that holds the build line now. */
    readonly supersededBy: string,
    options?: { cause?: unknown },
  ) {
    super(
      'BUILD_CANCELLED',
      `Superseded by ${supersededBy.slice(0, 7)}, a newer push; this build was cancelled.`,
      options,
    );
  }
}

/** The tenant's policy refuses the build; `denials` say which setting and why. */
export class BuildRefusedError extends BuilderError {
  override readonly name = 'BuildRefusedError';

  constructor(
    readonly denials: readonly { policy: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(
      'BUILD_REFUSED',
      `The tenant's policy does not allow this build: ${denials.map((denial) => denial.message).join('; ')}. Ask a tenant admin to change the policy, or change the build settings in slipway.yaml.`,
      options,
    );
  }
}

/** The commit's source tarball could not be downloaded from GitHub. Never quotes a token or a signed link. */
export class SourceDownloadError extends BuilderError {
  override readonly name = 'SourceDownloadError';

  constructor(
    code: 'SOURCE_NOT_FOUND' | 'SOURCE_UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The registry could not be reached; retry with backoff (see withRegistryRetry). */
export class RegistryUnavailableError extends BuilderError {
  override readonly name = 'RegistryUnavailableError';

  constructor(
    readonly registry: string,
    /** What the engine said, e.g. `dial tcp 127.0.0.1:1: connect: connection refused`. */
    readonly detail: string,
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

/** An image could not be pulled. The builder pulls only to seed the layer cache, so it builds on without it. */
export class PullFailedError extends BuilderError {
  override readonly name = 'PullFailedError';

  constructor(
    readonly reference: string,
    /** What the engine said, e.g. `manifest unknown`. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('PULL_FAILED', `Pulling ${reference} failed: ${detail}.`, options);
  }
}
