import {
  commitShaSchema,
  ENV_VAR_NAME_PATTERN,
  IMAGE_REFERENCE_PATTERN,
  RELATIVE_PATH_PATTERN,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
} from '@slipway/core';
import { z } from 'zod';
import { contextSegments, stripSegments } from './context-path.js';
import { InvalidBuildInputError } from './errors.js';

/** Labels every image Slipway builds carries; the agent and cleanup jobs find images by them. */
export const IMAGE_LABELS = {
  tenant: 'io.slipway.tenant',
  service: 'io.slipway.service',
  commit: 'io.slipway.commit',
  build: 'io.slipway.build',
} as const;

// host[:port] then optional path segments, lowercase as registries require: `127.0.0.1:5000`,
// `123456789012.dkr.ecr.us-east-1.amazonaws.com`, `ghcr.io/acme`.
const REGISTRY_PATTERN = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const REPOSITORY_SEGMENT_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

const relativePath = z
  .string()
  .max(1024)
  .regex(RELATIVE_PATH_PATTERN, 'a path relative to the repository root (no leading "/", no "..")');

export const buildInputSchema = z.strictObject({
  /** The build record's id; stamped on the image so a digest leads back to its build and logs. */
  buildId: recordIdSchema,
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  sha: commitShaSchema,
  /** Registry host (and optional path), no scheme: `127.0.0.1:5000`, `<account>.dkr.ecr.<region>.amazonaws.com`. */
  registry: z.string().max(255).regex(REGISTRY_PATTERN, 'a registry host[:port][/path] without a scheme'),
  /** Repository naming rule: segments put before `<tenant>/<service>`, e.g. `slipway` → `slipway/acme/web`. */
  repositoryPrefix: z
    .string()
    .max(128)
    .refine(
      (prefix) => prefix.split('/').every((segment) => REPOSITORY_SEGMENT_PATTERN.test(segment)),
      'lowercase repository path segments separated by "/"',
    )
    .optional(),
  /** Dockerfile path relative to the repository root, as slipway.yaml writes it; must be inside `context`. */
  dockerfile: relativePath.default('Dockerfile'),
  /** Build context folder relative to the repository root. */
  context: relativePath.default('.'),
  /** Build arguments (`--build-arg`). Passed to Docker, never logged. */
  args: z
    .record(z.string().regex(ENV_VAR_NAME_PATTERN, 'a build argument name like NODE_ENV'), z.string())
    .default({}),
  /** The service's current image, used as a layer cache source (the worker pulls it first). */
  previousImage: z.string().max(512).regex(IMAGE_REFERENCE_PATTERN, 'a Docker image reference').optional(),
  /** Extra labels (e.g. a test label); Slipway's own `io.slipway.*` labels always win. */
  extraLabels: z.record(z.string().min(1).max(128), z.string().max(1024)).default({}),
});
export type BuildInput = z.input<typeof buildInputSchema>;

/** Everything `runDockerBuild` needs, decided up front as data. */
export interface BuildPlan {
  /** `<registry>/[<prefix>/]<tenant>/<service>`. */
  repository: string;
  /** `<repository>:<full 40-character sha>`: one tag per commit; the Release pins the digest. */
  tag: string;
  /** Context folder relative to the repository root, `'.'` for the root. */
  contextPath: string;
  /** Dockerfile path relative to the context, as Docker's build API expects it. */
  dockerfile: string;
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  /** Images the classic builder may take layers from; empty means "the engine's local cache". */
  cacheFrom: string[];
}

/**
 * Decides the image name, labels, build args and cache sources for one build. Pure: no I/O.
 * Throws {@link InvalidBuildInputError} listing every bad field, or when the Dockerfile lies
 * outside the context (the classic builder reads the Dockerfile from the context).
 *
 * @example
 * planBuild({ buildId: 'b1', tenant: 'acme', service: 'web', sha, registry: '127.0.0.1:5000' })
 * // → { tag: '127.0.0.1:5000/acme/web:<sha>', dockerfile: 'Dockerfile', contextPath: '.', … }
 */
export function planBuild(input: BuildInput): BuildPlan {
  const parsed = buildInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidBuildInputError(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      { cause: parsed.error },
    );
  }
  const value = parsed.data;
  const context = contextSegments(value.context);
  const dockerfileInContext = stripSegments(contextSegments(value.dockerfile, 'dockerfile'), context);
  if (dockerfileInContext === undefined || dockerfileInContext.length === 0) {
    throw new InvalidBuildInputError([
      {
        path: 'dockerfile',
        message: `"${value.dockerfile}" must be a file inside the build context "${value.context}"`,
      },
    ]);
  }
  const repository = [value.registry, value.repositoryPrefix, value.tenant, value.service]
    .filter((part) => part !== undefined)
    .join('/');
  return {
    repository,
    tag: `${repository}:${value.sha}`,
    contextPath: context.length === 0 ? '.' : context.join('/'),
    dockerfile: dockerfileInContext.join('/'),
    labels: {
      ...value.extraLabels,
      [IMAGE_LABELS.tenant]: value.tenant,
      [IMAGE_LABELS.service]: value.service,
      [IMAGE_LABELS.commit]: value.sha,
      [IMAGE_LABELS.build]: value.buildId,
    },
    buildArgs: { ...value.args },
    cacheFrom: value.previousImage === undefined ? [] : [value.previousImage],
  };
}
