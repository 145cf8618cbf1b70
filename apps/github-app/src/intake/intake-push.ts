import { parseSlipwayYaml } from '@slipway/core';
import { type BuildJob, buildJobId, buildJobSchema, type Queues, type WebhookEventJob } from '@slipway/queue';
import type { Installations } from '@slipway/state';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import {
  buildCheckName,
  CONFIG_CHECK_NAME,
  configAnnotations,
  invalidConfigOutput,
  queuedBuildOutput,
  SETUP_CHECK_NAME,
  unboundOutput,
} from './check-run-text.js';
import { ensureCheckRuns } from './ensure-check-runs.js';
import { environmentForBranch } from './environment-for-branch.js';
import { readSlipwayYaml } from './read-slipway-yaml.js';

const DELETED_SHA = /^0{40}$/;
const BRANCH_REF = 'refs/heads/';

export interface IntakePushOptions {
  job: WebhookEventJob;
  queues: Queues;
  installations: Installations;
  octokitFor(installationId: number): Promise<ProbotOctokit>;
  logger: Logger;
  now: () => Date;
}

/** What became of a push; for logs and tests. */
export type PushOutcome =
  | 'ignored'
  | 'no-config'
  | 'unbound'
  | 'invalid-config'
  | 'branch-not-mapped'
  | 'builds-queued';

/**
 * One push to a branch: read slipway.yaml at the commit, find the tenant the installation is
 * bound to, and fan out one build job per service that builds (deterministic ids, so a repeat
 * adds nothing) plus a queued check run "Slipway build / <service>" for each.
 * A commit without slipway.yaml is not ours and gets nothing; an unbound installation gets an
 * action_required check run; a malformed file one failed check run naming every problem; a
 * branch slipway.yaml does not map to an environment is ignored.
 */
export async function intakePush(options: IntakePushOptions): Promise<PushOutcome> {
  const { job, logger } = options;
  const { ref, sha } = job.subset;
  const repository = job.repository;
  if (!repository || !ref?.startsWith(BRANCH_REF) || !sha || job.subset.deleted || DELETED_SHA.test(sha)) {
    logger.debug({ ref }, 'push is not to a live branch; nothing to build');
    return 'ignored';
  }
  const branch = ref.slice(BRANCH_REF.length);
  const [owner = '', repo = ''] = repository.fullName.split('/');
  const at = { owner, repo, sha };
  const octokit = await options.octokitFor(job.installationId);

  const text = await readSlipwayYaml(octokit, at);
  if (text === undefined) {
    logger.debug('no slipway.yaml at the commit; not a Slipway repository');
    return 'no-config';
  }
  const tenant = await options.installations.boundTenant(job.installationId);
  if (!tenant) {
    await ensureCheckRuns(
      octokit,
      at,
      [{ name: SETUP_CHECK_NAME, conclusion: 'action_required', output: unboundOutput(job.installationId) }],
      options.now,
    );
    logger.info('installation not bound to a tenant; asked for binding on the commit');
    return 'unbound';
  }
  const log = logger.child({ tenant });
  const parsed = parseSlipwayYaml(text);
  if (!parsed.ok) {
    await ensureCheckRuns(
      octokit,
      at,
      [
        {
          name: CONFIG_CHECK_NAME,
          conclusion: 'failure',
          output: {
            ...invalidConfigOutput(parsed.errors, sha),
            annotations: configAnnotations(parsed.errors),
          },
        },
      ],
      options.now,
    );
    log.info({ problems: parsed.errors.length }, 'slipway.yaml is invalid; reported on the commit');
    return 'invalid-config';
  }
  const environment = environmentForBranch(parsed.config.branches, branch);
  if (!environment) {
    log.debug({ branch }, 'branch not mapped to an environment; nothing to deploy');
    return 'branch-not-mapped';
  }
  // Image services have nothing to build (the deploy path takes them as they are).
  // TODO(issue 5): builder 'circleci' goes to the CircleCI hand-off, not to the native builders.
  const jobs = Object.entries(parsed.config.services).flatMap(([service, config]) => {
    if (config.source.kind !== 'build' || config.source.builder !== 'native') return [];
    const { dockerfile, context, args } = config.source;
    const data: BuildJob = {
      tenant,
      service,
      environment,
      commit: sha,
      ref,
      installationId: job.installationId,
      repository,
      deliveryId: job.deliveryId,
      build: { dockerfile, context, args },
      config: {
        port: config.port,
        resources: config.resources,
        health: config.health,
        env: config.env,
        secrets: config.secrets,
      },
    };
    return [
      {
        name: 'build',
        data: buildJobSchema.parse(data),
        opts: { jobId: buildJobId({ tenant, service, sha }) },
      },
    ];
  });
  const services = jobs.map(({ data }) => data.service);
  // Jobs first: a check run without its job would wait forever; a job without its check run is
  // repaired by the retry, which finds the job already there and creates what is missing.
  await options.queues.builds.addBulk(jobs);
  const created = await ensureCheckRuns(
    octokit,
    at,
    jobs.map(({ data, opts }) => ({
      name: buildCheckName(data.service),
      status: 'queued' as const,
      externalId: opts.jobId,
      output: queuedBuildOutput(data.service, environment, sha),
    })),
    options.now,
  );
  log.info({ environment, services, checkRunsCreated: created.length }, 'builds queued');
  return 'builds-queued';
}
