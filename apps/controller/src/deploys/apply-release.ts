import {
  evaluateServiceChange,
  type PolicyDenial,
  type Release,
  type Service,
  serviceChangeSpec,
  sumServiceUsage,
} from '@slipway/core';
import { type DeployJob, previewNumberOf } from '@slipway/queue';
import {
  KEEP_DOCUMENT,
  type PolicyStore,
  type Repositories,
  releaseKey,
  serviceKey,
  servicesPrefix,
} from '@slipway/state';

export interface ApplyReleaseDeps {
  repos: Repositories;
  policies: PolicyStore;
  /** Whether the pull request of a preview deploy (`pr-<n>`) is closed; default never. */
  previewClosed?: (job: DeployJob) => Promise<boolean>;
}

/** Why a release could not be made current; the job fails for good (retrying changes nothing). */
export class DeployRefused extends Error {
  override readonly name = 'DeployRefused';
  constructor(
    message: string,
    readonly denials: PolicyDenial[] = [],
  ) {
    super(message);
  }
}

export type ApplyOutcome =
  /** The service did not exist: created from slipway.yaml's defaults, running this release. */
  | 'created'
  /** The service now runs this release. */
  | 'updated'
  /** It already did (a repeated job). */
  | 'unchanged'
  /** The service runs a newer release already; this older one is not rolled back to. */
  | 'older'
  /** A preview whose pull request closed (a build finished after it): nothing is made again. */
  | 'preview-closed';

/**
 * Makes a built Release the service's current one — deploying, in the words of DESIGN.md §3.
 * The service takes the release's run settings (port, resources, health, env, secret names); a
 * service the deploy creates takes slipway.yaml's replicas, domains and visibility, an existing
 * one keeps its replicas. The result must pass the tenant's policy or nothing is written. The
 * leader's scheduler then places it (the caller wakes it).
 */
export async function applyRelease(deps: ApplyReleaseDeps, job: DeployJob): Promise<ApplyOutcome> {
  const { tenant, environment, service: name } = job;
  if (previewNumberOf(environment) !== undefined && (await deps.previewClosed?.(job)))
    return 'preview-closed';
  const stored = await deps.repos.releases.get(
    releaseKey({ tenant, environment, service: name, id: job.releaseId }),
  );
  if (!stored) throw new DeployRefused(`release ${job.releaseId} of ${environment}/${name} not found`);
  const release = stored.value;
  const key = serviceKey({ tenant, environment, name });
  const [existing, policy, all] = await Promise.all([
    deps.repos.services.get(key),
    deps.policies.get(tenant),
    deps.repos.services.scan(servicesPrefix(tenant)),
  ]);
  const currentRelease = existing?.value.release
    ? await deps.repos.releases.get(
        releaseKey({ tenant, environment, service: name, id: existing.value.release }),
      )
    : undefined;
  if (currentRelease && currentRelease.value.id !== release.id && isNewer(currentRelease.value, release))
    return 'older';

  const next = nextService(existing?.value, release, job);
  if (!next)
    throw new DeployRefused(
      `${environment}/${name} does not exist and the deploy job does not say how to create it`,
    );
  const others = all.documents
    .map((d) => d.value)
    .filter((s) => !(s.environment === environment && s.name === name));
  const decision = evaluateServiceChange(policy.policy, {
    service: serviceChangeSpec(next),
    usage: sumServiceUsage(others),
    isNew: existing === undefined,
  });
  if (!decision.allowed)
    throw new DeployRefused(
      `the tenant's policy refuses ${environment}/${name}: ${decision.denials.map((d) => d.message).join('; ')}`,
      decision.denials,
    );

  let outcome: ApplyOutcome = existing ? 'updated' : 'created';
  await deps.repos.services.update(key, (current) => {
    // A concurrent change (a scale, another deploy) is kept: only the release and its settings move.
    const base = current ? nextService(current, release, job) : next;
    if (current?.release === release.id) {
      outcome = 'unchanged';
      return KEEP_DOCUMENT;
    }
    return base ?? KEEP_DOCUMENT;
  });
  return outcome;
}

function nextService(current: Service | undefined, release: Release, job: DeployJob): Service | undefined {
  const { port, resources, health, env, secrets } = release.config;
  const defaults = job.serviceDefaults;
  const run = { port, resources, health, env, secrets, release: release.id };
  if (current) {
    return {
      ...current,
      ...run,
      ...(defaults
        ? { domains: defaults.domains, visibility: defaults.visibility, source: defaults.source }
        : {}),
    };
  }
  if (!defaults) return undefined;
  return {
    tenant: job.tenant,
    environment: job.environment,
    name: job.service,
    source: defaults.source,
    replicas: defaults.replicas,
    domains: defaults.domains,
    visibility: defaults.visibility,
    ...run,
  };
}

/** Newer by creation time; equal times by id, so the choice never depends on timing. */
function isNewer(a: Release, b: Release): boolean {
  const [ta, tb] = [Date.parse(a.createdAt), Date.parse(b.createdAt)];
  return ta === tb ? a.id > b.id : ta > tb;
}
