import { serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { RegistryError } from './errors.js';
import type { RepositoryRef } from './image-registry.js';

/** A repository path as Docker and ECR accept it: lowercase components joined by '/'. */
const REPOSITORY_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
/** A Docker tag: word characters, '.' and '-', at most 128, not starting with '.' or '-'. */
const TAG_PATTERN = /^\w[\w.-]{0,127}$/;

const refSchema = z.object({ tenant: tenantIdSchema, service: serviceNameSchema });

function invalid(what: string, value: unknown, rule: string): RegistryError {
  return new RegistryError(
    'REGISTRY_INVALID_NAME',
    `${JSON.stringify(value)} is not a valid ${what}: it must be ${rule}.`,
  );
}

/** Checks a tenant/service pair before it becomes part of a repository name (no '..', no '/', no capitals). */
export function parseRepositoryRef(ref: RepositoryRef): RepositoryRef {
  const result = refSchema.safeParse(ref);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? 'tenant');
  throw invalid(field, (ref as unknown as Record<string, unknown>)[field], issue?.message ?? 'a DNS label');
}

/** Checks a repository name (e.g. `slipway/acme/web`) before it goes into a URL or an API call. */
export function assertRepositoryName(name: string): void {
  if (name.length > 256 || !REPOSITORY_NAME_PATTERN.test(name))
    throw invalid(
      'repository name',
      name,
      'lowercase letters and digits, with ".", "_", "-" and "/" between them',
    );
}

/** Checks an image tag before it goes into a URL or an API call. */
export function assertTag(tag: string): void {
  if (!TAG_PATTERN.test(tag))
    throw invalid(
      'image tag',
      tag,
      'letters, digits, "_", "." and "-", at most 128, not starting with "." or "-"',
    );
}
