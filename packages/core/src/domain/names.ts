import { z } from 'zod';

/**
 * A DNS label: lowercase letters, digits and '-', starting with a letter, not ending with '-',
 * at most 63 characters. Tenant, service and environment names are DNS labels because they
 * become parts of host names (`<service>.<tenant>.localhost`).
 */
export const DNS_LABEL_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Record ids (hosts, builds, releases, rollouts, allocations): like a DNS label, may start with a digit. */
export const RECORD_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** A lowercase host name with at least two labels, e.g. `www.example.com`; at most 253 characters. */
export const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A POSIX-style environment variable name, e.g. `DATABASE_URL`. */
export const ENV_VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Docker image reference: `[registry[:port]/]name[/name…][:tag][@sha256:digest]`. */
export const IMAGE_REFERENCE_PATTERN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** An image content digest, e.g. `sha256:<64 hex digits>`. */
export const IMAGE_DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

/** A full git commit SHA-1. */
export const COMMIT_SHA_PATTERN = /^[a-f0-9]{40}$/;

/** A GitHub repository, `owner/name`. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * A path inside the repository: relative, forward slashes, never leaving the repository
 * (no leading '/', no '..' segment), no backslashes or NUL.
 */
export const RELATIVE_PATH_PATTERN = /^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[^\\\0]+$/;

export const tenantIdSchema = z
  .string()
  .regex(
    DNS_LABEL_PATTERN,
    'a DNS label: lowercase letters, digits and "-", starting with a letter, at most 63 characters',
  )
  .meta({ description: 'Tenant id: a DNS label, e.g. `acme`.' });
export const serviceNameSchema = z
  .string()
  .regex(
    DNS_LABEL_PATTERN,
    'a DNS label: lowercase letters, digits and "-", starting with a letter, at most 63 characters',
  )
  .meta({ description: 'Service name: a DNS label, e.g. `web`.' });
export const environmentNameSchema = z
  .string()
  .regex(
    DNS_LABEL_PATTERN,
    'a DNS label: lowercase letters, digits and "-", starting with a letter, at most 63 characters',
  )
  .meta({ description: 'Environment name: a DNS label, e.g. `production`.' });
export const recordIdSchema = z
  .string()
  .regex(RECORD_ID_PATTERN, 'lowercase letters, digits and "-", at most 64 characters');
export const hostnameSchema = z.string().regex(HOSTNAME_PATTERN);
export const envVarNameSchema = z
  .string()
  .regex(ENV_VAR_NAME_PATTERN, 'an env var name: letters, digits and _, not starting with a digit');
export const imageReferenceSchema = z.string().max(512).regex(IMAGE_REFERENCE_PATTERN);
export const imageDigestSchema = z.string().regex(IMAGE_DIGEST_PATTERN);
export const commitShaSchema = z.string().regex(COMMIT_SHA_PATTERN);
export const repositorySchema = z.string().regex(REPOSITORY_PATTERN);
export const relativePathSchema = z.string().max(1024).regex(RELATIVE_PATH_PATTERN);
/** Timestamps are ISO 8601 strings in UTC, so records serialise to JSON unchanged. */
export const timestampSchema = z.iso.datetime();

export type TenantId = z.infer<typeof tenantIdSchema>;
export type ServiceName = z.infer<typeof serviceNameSchema>;
export type EnvironmentName = z.infer<typeof environmentNameSchema>;
export type RecordId = z.infer<typeof recordIdSchema>;
export type Timestamp = z.infer<typeof timestampSchema>;
