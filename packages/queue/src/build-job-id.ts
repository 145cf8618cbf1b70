import { commitShaSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { QueueError } from './queue-error.js';

/** What makes a build unique: one service of one tenant at one commit. */
export interface BuildKey {
  tenant: string;
  service: string;
  sha: string;
}

/**
 * The deterministic BullMQ job id of a build, `tenant.service.sha`, so a repeat delivery or a
 * second fan-out of the same push adds nothing.
 *
 * '.' and not ':' because BullMQ refuses ':' in custom ids (it only lets through three-part
 * ids for old repeatable jobs, a loophole we should not lean on). Tenant and service are DNS
 * labels and the sha is hex, so '.' cannot occur inside a part and the id parses back.
 *
 * @example buildJobId({ tenant: 'acme', service: 'web', sha: 'a1b2…' }) // 'acme.web.a1b2…'
 */
export function buildJobId(key: BuildKey): string {
  for (const [field, schema, value] of [
    ['tenant', tenantIdSchema, key.tenant],
    ['service', serviceNameSchema, key.service],
    ['sha', commitShaSchema, key.sha],
  ] as const) {
    if (!schema.safeParse(value).success) {
      throw new QueueError(
        'INVALID_BUILD_JOB_ID',
        `Cannot make a build job id: ${field} "${value}" is not valid (tenant and service are DNS labels, sha is a full 40-character commit sha).`,
      );
    }
  }
  return `${key.tenant}.${key.service}.${key.sha}`;
}

/** The inverse of {@link buildJobId}; undefined for anything it did not make. */
export function parseBuildJobId(id: string): BuildKey | undefined {
  const parts = id.split('.');
  if (parts.length !== 3) return undefined;
  const [tenant, service, sha] = parts as [string, string, string];
  try {
    return buildJobId({ tenant, service, sha }) === id ? { tenant, service, sha } : undefined;
  } catch {
    // Not one of ours: the caller asked "is this a build job id?", and the answer is no.
    return undefined;
  }
}
