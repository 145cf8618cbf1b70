import { z } from 'zod';
import { booleanField, branchPatternKey, environmentNameField, list, map, serviceNameKey } from './fields.js';
import { serviceConfigSchema } from './service-schema.js';
import { checkServicesPresent, checkSlipwayFile } from './slipway-checks.js';

/** Top-level keys for the user's own use, e.g. `x-defaults: &defaults {…}`. */
export const EXTENSION_KEY = /^x-/;

/** Without `branches`, `main` deploys to the first declared environment, or to `production`. */
export const DEFAULT_BRANCH = 'main';
export const DEFAULT_ENVIRONMENT = 'production';

const previewsSchema = map(
  {
    enabled: booleanField
      .default(false)
      .meta({ description: 'Deploy every pull request to its own preview environment.' }),
    replicas: z
      .int({ error: 'a whole number, 1 or more' })
      .min(1)
      .default(1)
      .meta({ description: 'Replicas of each service in a preview.' }),
  },
  'a map with enabled and replicas',
);

/**
 * slipway.yaml: the schema of the file people write, validating and normalising in one go
 * (defaults filled in; cpu in millicores, memory in MiB, durations in ms).
 */
export const slipwayYamlSchema = map(
  {
    services: z
      .record(serviceNameKey, serviceConfigSchema, { error: "a map of services keyed by name, like 'web:'" })
      .superRefine(checkServicesPresent)
      .meta({ description: 'The services of this repository, keyed by service name (a DNS label).' }),
    branches: z
      .record(branchPatternKey, environmentNameField, {
        error: "a map of branch: environment, like 'main: production'",
      })
      .optional()
      .meta({
        description:
          "Which environment each branch deploys to, e.g. {main: production, 'release/*': staging}. " +
          'Defaults to main → the first environment (or production).',
      }),
    environments: list(environmentNameField, 'a list of environment names, at least one')
      .min(1)
      .optional()
      .meta({
        description: 'The environments of this repository. When given, every branch must map to one of them.',
      }),
    previews: previewsSchema.prefault({}).meta({ description: 'Preview environments for pull requests.' }),
  },
  "a map with a 'services' key",
)
  .meta({
    title: 'slipway.yaml',
    description:
      'Slipway deployment configuration: the services of a repository and where its branches deploy.',
    // Top-level keys starting with `x-` are yours (e.g. anchors to merge with `<<: *defaults`);
    // parseSlipwayYaml drops them before validation, as Docker Compose does.
    patternProperties: { [EXTENSION_KEY.source]: {} },
  })
  .superRefine(checkSlipwayFile, { when: () => true })
  .transform(({ services, branches, environments, previews }) => {
    const branchMap = branches ?? { [DEFAULT_BRANCH]: environments?.[0] ?? DEFAULT_ENVIRONMENT };
    return {
      services,
      branches: branchMap,
      environments: environments ?? [...new Set(Object.values(branchMap))],
      previews,
    };
  });

/** The input form of slipway.yaml (what people write). */
export type SlipwayYamlInput = z.input<typeof slipwayYamlSchema>;
/** slipway.yaml after validation, with defaults and normalised units. */
export type SlipwayConfig = z.output<typeof slipwayYamlSchema>;
