import { z } from 'zod';
import {
  DNS_LABEL_PATTERN,
  ENV_VAR_NAME_PATTERN,
  HOSTNAME_PATTERN,
  IMAGE_REFERENCE_PATTERN,
  RELATIVE_PATH_PATTERN,
} from '../domain/names.js';
import { BUILDERS, VISIBILITIES } from '../domain/workload.js';
import { CPU_PATTERN, cpuToMillicores } from '../units/cpu.js';
import { DURATION_PATTERN, durationToMs } from '../units/duration.js';
import { MEMORY_PATTERN, MEMORY_UNIT_NAMES, memoryToMiB } from '../units/memory.js';

// Field schemas of slipway.yaml in their INPUT form (what people write). Every schema carries,
// as its error, the phrase that completes "expected …": the parser prints
// "<path>: expected <phrase>, got <value> (line L, column C)".

const expected = (phrase: string) => ({ error: phrase });

const DNS_LABEL = "lowercase letters, digits and '-', starting with a letter, at most 63 characters";

const SERVICE_NAME = `a service name of ${DNS_LABEL}`;
export const serviceNameKey = z.string(expected(SERVICE_NAME)).regex(DNS_LABEL_PATTERN);

const ENVIRONMENT_NAME = `an environment name of ${DNS_LABEL}`;
export const environmentNameField = z.string(expected(ENVIRONMENT_NAME)).regex(DNS_LABEL_PATTERN);

const BRANCH_PATTERN = "a branch name or pattern like 'main' or 'release/*'";
export const branchPatternKey = z
  .string(expected(BRANCH_PATTERN))
  .regex(/^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*\/$)[A-Za-z0-9._/*-]{1,200}$/);

const ENV_VAR_NAME = "an environment variable name of letters, digits and '_', not starting with a digit";
export const envVarNameKey = z.string(expected(ENV_VAR_NAME)).regex(ENV_VAR_NAME_PATTERN);

const ENV_VALUE = 'text, a number or true/false';
/** Numbers and booleans are accepted and turned into text, as Docker Compose does. */
export const envValueField = z
  .union([z.string(), z.number(), z.boolean()], expected(ENV_VALUE))
  .transform((value) => String(value));

export const envMapField = (description: string) =>
  z.record(envVarNameKey, envValueField, expected('a map of NAME: value')).default({}).meta({ description });

export const PORT = 'a number from 1 to 65535';
export const portField = z.int(expected(PORT)).min(1).max(65535);

export const REPLICAS = 'a whole number, 0 or more';
export const replicasField = z.int(expected(REPLICAS)).min(0);

const CPU = "a CPU amount in millicores like '250m' or in cores like 0.5";
export const cpuField = z
  .union([z.string(expected(CPU)).regex(CPU_PATTERN), z.number(expected(CPU)).min(0)], expected(CPU))
  .transform((value) => cpuToMillicores(value) ?? 0)
  .pipe(z.int().min(1, expected('at least 1m (a thousandth of a core)')));

const MEMORY = `a memory size like '512Mi' or '1Gi' (units: ${MEMORY_UNIT_NAMES.join(', ')})`;
export const memoryField = z
  .string(expected(MEMORY))
  .regex(MEMORY_PATTERN)
  .transform((value) => memoryToMiB(value) ?? 0)
  .pipe(z.int().min(6, expected('at least 6Mi of memory (the least Docker accepts)')));

const DURATION = "a duration like '5s' or '500ms' (units: ms, s, m, h)";
export const durationField = z
  .string(expected(DURATION))
  .regex(DURATION_PATTERN)
  .transform((value) => durationToMs(value) ?? 0)
  .pipe(z.int().min(1, expected('at least 1ms')));

export const httpPathField = z
  .string(expected("a URL path starting with '/', like '/healthz'"))
  .regex(/^\/\S*$/);

export const relativePathField = z
  .string(expected("a path inside the repository, like 'Dockerfile' or 'apps/web' (no leading '/', no '..')"))
  .max(1024)
  .regex(RELATIVE_PATH_PATTERN);

export const imageField = z
  .string(expected("a Docker image reference like 'nginx:1.27' or 'ghcr.io/acme/web:v2'"))
  .max(512)
  .regex(IMAGE_REFERENCE_PATTERN);

export const hostnameField = z
  .string(expected("a lowercase host name like 'www.example.com'"))
  .regex(HOSTNAME_PATTERN);

export const visibilityField = z.enum(VISIBILITIES, expected("'public' or 'internal'"));

export const builderField = z.enum(BUILDERS, expected("'native' or 'circleci'"));

export const booleanField = z.boolean(expected('true or false'));

/** `map(phrase)`: a strict YAML map (unknown keys are errors) that reports its phrase when it is not a map. */
export const map = <Shape extends z.core.$ZodLooseShape>(shape: Shape, phrase: string) =>
  z.strictObject(shape, expected(phrase));

export const list = <Item extends z.core.SomeType>(item: Item, phrase: string) =>
  z.array(item, expected(phrase));
