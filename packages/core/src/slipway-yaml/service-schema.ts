import type { z } from 'zod';
import { formatMs } from '../units/duration.js';
import {
  builderField,
  cpuField,
  durationField,
  envMapField,
  envVarNameKey,
  hostnameField,
  httpPathField,
  imageField,
  list,
  map,
  memoryField,
  portField,
  relativePathField,
  replicasField,
  visibilityField,
} from './fields.js';
import { checkService } from './service-checks.js';

/** Health check defaults: GET / every 10s; the timeout is 5s, or half the interval when that is shorter. */
export const DEFAULT_HEALTH = { path: '/', interval: '10s', timeoutMs: 5000 } as const;

export const DEFAULT_RESOURCES = { cpu: '250m', memory: '256Mi' } as const;

const buildSchema = map(
  {
    dockerfile: relativePathField
      .default('Dockerfile')
      .meta({ description: 'Path of the Dockerfile, relative to the repository root.' }),
    context: relativePathField
      .default('.')
      .meta({ description: 'Build context: the folder sent to the build, relative to the repository root.' }),
    args: envMapField('Build arguments (--build-arg NAME=value).'),
    builder: builderField.default('native').meta({
      description: "Who builds: 'native' (Slipway's build workers) or 'circleci' (hand-off to CircleCI).",
    }),
  },
  'a map with dockerfile, context, args or builder',
).transform((build) => ({ kind: 'build' as const, ...build }));

const resourcesSchema = map(
  {
    cpu: cpuField
      .prefault(DEFAULT_RESOURCES.cpu)
      .meta({ description: "CPU limit per replica: millicores like '250m', or cores like 0.5." }),
    memory: memoryField
      .prefault(DEFAULT_RESOURCES.memory)
      .meta({ description: "Memory limit per replica, like '512Mi' or '1Gi' (units: Mi, Gi, Ti, M, G, T)." }),
  },
  'a map with cpu and memory',
).transform(({ cpu, memory }) => ({ cpuMillicores: cpu, memoryMiB: memory }));

const healthSchema = map(
  {
    path: httpPathField
      .default(DEFAULT_HEALTH.path)
      .meta({ description: 'HTTP path that answers 2xx or 3xx when the service is healthy.' }),
    interval: durationField
      .prefault(DEFAULT_HEALTH.interval)
      .meta({ description: "Time between checks, like '10s'." }),
    timeout: durationField.optional().meta({
      description:
        "How long one check may take, like '2s'; shorter than interval. Defaults to 5s or half the interval.",
    }),
  },
  'a map with path, interval and timeout',
)
  .superRefine((health, ctx) => {
    if (health.timeout !== undefined && health.timeout >= health.interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `a timeout shorter than the interval (${formatMs(health.interval)})`,
        params: { expectedPhrase: true },
      });
    }
  })
  .transform(({ path, interval, timeout }) => ({
    path,
    intervalMs: interval,
    timeoutMs: timeout ?? Math.min(DEFAULT_HEALTH.timeoutMs, Math.floor(interval / 2)),
  }));

/** One service of slipway.yaml: exactly one of `build` or `image`, plus how it runs. */
export const serviceConfigSchema = map(
  {
    build: buildSchema
      .optional()
      .meta({ description: 'Build the image from this repository. Use build or image.' }),
    image: imageField.optional().meta({ description: 'Run an existing image instead of building one.' }),
    port: portField.meta({ description: 'The port the container listens on (also given to it as PORT).' }),
    replicas: replicasField.default(1).meta({ description: 'How many containers to run.' }),
    resources: resourcesSchema.prefault({}).meta({ description: 'CPU and memory limits per replica.' }),
    health: healthSchema.prefault({}).meta({ description: 'HTTP health check.' }),
    env: envMapField('Environment variables (NAME: value). Put secrets under secrets, not here.'),
    secrets: list(envVarNameKey, 'a list of secret names like DATABASE_URL')
      .default([])
      .meta({ description: 'Names of tenant secrets to expose as environment variables of the same name.' }),
    domains: list(hostnameField, 'a list of host names')
      .default([])
      .meta({ description: 'Custom host names routed to this service (needs visibility public).' }),
    visibility: visibilityField.default('public').meta({
      description: "'public': reachable from the internet; 'internal': only from the tenant's hosts.",
    }),
  },
  'a map with the settings of one service',
)
  .meta({
    description: 'A service: build or image, port, and how it runs.',
    oneOf: [{ required: ['build'] }, { required: ['image'] }],
  })
  // Runs even when fields are invalid, so a file with several mistakes reports them all at once.
  .superRefine(checkService, { when: () => true })
  .transform(({ build, image, ...rest }) => ({
    source: build ?? { kind: 'image' as const, image: image ?? '' },
    ...rest,
  }));

export type ServiceConfig = z.output<typeof serviceConfigSchema>;
