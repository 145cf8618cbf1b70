import type { WebhookEventJob } from '@slipway/queue';
import { environmentForBranch } from './environment-for-branch.js';
import type { IntakeStep } from './intake-deps.js';
import { commitRef, loadCommitConfig } from './load-commit-config.js';
import { queueBuilds } from './queue-builds.js';

const DELETED_SHA = /^0{40}$/;
const BRANCH_REF = 'refs/heads/';

/** What became of a push; for logs and tests. */
export type PushOutcome =
  | 'ignored'
  | 'no-config'
  | 'unbound'
  | 'invalid-config'
  | 'branch-not-mapped'
  | 'nothing-to-build'
  | 'superseded'
  | 'builds-queued';

/**
 * One push to a branch: read slipway.yaml at the commit, find the tenant the installation is
 * bound to, map the branch to an environment, and fan out the builds (see {@link queueBuilds}).
 * A commit without slipway.yaml is not ours and gets nothing; an unbound installation gets an
 * action_required check run; a malformed file one failed check run naming every problem; a
 * branch slipway.yaml does not map to an environment is ignored; deleted branches and tags too.
 */
export async function intakePush(step: IntakeStep, job: WebhookEventJob): Promise<PushOutcome> {
  const { ref, sha } = job.subset;
  const repository = job.repository;
  if (!repository || !ref?.startsWith(BRANCH_REF) || !sha || job.subset.deleted || DELETED_SHA.test(sha)) {
    step.logger.debug({ ref }, 'push is not to a live branch; nothing to build');
    return 'ignored';
  }
  const branch = ref.slice(BRANCH_REF.length);
  const at = commitRef(repository.fullName, sha);
  const octokit = await step.octokitFor(job.installationId);
  const loaded = await loadCommitConfig(step, { octokit, at, installationId: job.installationId });
  if (!loaded.ok) return loaded.outcome;
  const environment = environmentForBranch(loaded.config.branches, branch);
  if (!environment) {
    loaded.logger.debug({ branch }, 'branch not mapped to an environment; nothing to deploy');
    return 'branch-not-mapped';
  }
  const { queued, superseded } = await queueBuilds(step, {
    octokit,
    at,
    tenant: loaded.tenant,
    config: loaded.config,
    environment,
    ref,
    installationId: job.installationId,
    repository,
    deliveryId: job.deliveryId,
    pushedAt: Date.parse(job.receivedAt),
    logger: loaded.logger,
  });
  return fanOutOutcome(queued, superseded);
}

/** The outcome of a fan-out: jobs queued, every service superseded, or nothing the native builders build. */
export function fanOutOutcome(
  queued: readonly string[],
  superseded: readonly string[],
): 'builds-queued' | 'superseded' | 'nothing-to-build' {
  if (queued.length > 0) return 'builds-queued';
  return superseded.length > 0 ? 'superseded' : 'nothing-to-build';
}
