import { commitShaSchema, environmentNameSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { QueueError } from './queue-error.js';

/**
 * What makes a build unique: one service of one tenant at one commit, for one environment — the
 * same commit pushed to two branches (main → production, then promoted to the staging branch) or
 * pushed and previewed is built, released and deployed once for each.
 */
export interface BuildKey {
  tenant: string;
  service: string;
  environment: string;
  sha: string;
  /** 1 (the default) for the first run; a re-run of the same commit counts up. */
  attempt?: number;
}

/**
 * The deterministic BullMQ job id of a build, `tenant.service.environment.sha` (with `.a<n>`
 * appended for re-run n ≥ 2), so a repeat delivery or a second fan-out of the same push adds
 * nothing, while another environment's build of the commit, or a re-run asked for on GitHub, gets
 * a job of its own.
 *
 * '.' and not ':' because BullMQ refuses ':' in custom ids (it only lets through three-part
 * ids for old repeatable jobs, a loophole we should not lean on). Tenant, service and environment
 * are DNS labels and the sha is hex, so '.' cannot occur inside a part and the id parses back.
 *
 * @example buildJobId({ tenant: 'acme', service: 'web', environment: 'production', sha: 'a1b2…' }) // 'acme.web.production.a1b2…'
 */
export function buildJobId(key: BuildKey): string {
  for (const [field, schema, value] of [
    ['tenant', tenantIdSchema, key.tenant],
    ['service', serviceNameSchema, key.service],
    ['environment', environmentNameSchema, key.environment],
    ['sha', commitShaSchema, key.sha],
  ] as const) {
    if (!schema.safeParse(value).success) {
      throw new QueueError(
        'INVALID_BUILD_JOB_ID',
        `Cannot make a build job id: ${field} "${value}" is not valid (tenant, service and environment are DNS labels, sha is a full 40-character commit sha).`,
      );
    }
  }
  const attempt = key.attempt ?? 1;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new QueueError(
      'INVALID_BUILD_JOB_ID',
      `Cannot make a build job id: attempt ${attempt} is not a whole number ≥ 1.`,
    );
  }
  const base = `${key.tenant}.${key.service}.${key.environment}.${key.sha}`;
  return attempt === 1 ? base : `${base}.a${attempt}`;
}

/** The key of a build job's payload: its tenant, service, environment, commit and attempt. */
export function buildKeyOf(job: {
  tenant: string;
  service: string;
  environment: string;
  commit: string;
  attempt?: number | undefined;
}): BuildKey {
  const { tenant, service, environment, commit: sha } = job;
  return { tenant, service, environment, sha, attempt: job.attempt ?? 1 };
}

/** The inverse of {@link buildJobId}; undefined for anything it did not make. */
export function parseBuildJobId(id: string): BuildKey | undefined {
  const parts = id.split('.');
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  const [tenant, service, environment, sha, suffix] = parts as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  const attempt = suffix === undefined ? 1 : /^a\d{1,6}$/.test(suffix) ? Number(suffix.slice(1)) : Number.NaN;
  if (Number.isNaN(attempt)) return undefined;
  try {
    return buildJobId({ tenant, service, environment, sha, attempt }) === id
      ? { tenant, service, environment, sha, attempt }
      : undefined;
  } catch {
    // Not one of ours: the caller asked "is this a build job id?", and the answer is no.
    return undefined;
  }
}
