import { applyBuildCheckRun, type GitHubInstallations } from '@slipway/builder-docker';
import type { Release } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import type { Logger } from 'pino';

/** Which build the check run is about: the job and its id (the check run's `external_id`). */
export interface CheckRunTarget {
  job: BuildJob;
  jobId: string;
  buildId: string;
}

/** What GitHub shows on the check run. */
export interface CheckRunText {
  title: string;
  summary: string;
}

/** A change to the check run: running (with the workflow linked once known), or concluded. */
export type CheckRunChange =
  | { status: 'in_progress'; text: CheckRunText; detailsUrl?: string; startedAt?: Date }
  | { conclusion: 'success' | 'failure' | 'cancelled'; text: CheckRunText; detailsUrl?: string };

/** Tells GitHub how a hand-off goes. Never throws: GitHub being down must not fail or repeat a build. */
export interface CircleciFeedback {
  update(target: CheckRunTarget, change: CheckRunChange): Promise<void>;
}

export const noCircleciFeedback: CircleciFeedback = { async update() {} };

const short = (sha: string) => sha.slice(0, 7);
const about = (job: BuildJob) => `**${job.service}** at ${short(job.commit)} for **${job.environment}**`;

/** The texts of each state; pure. */
export const checkRunText = {
  triggering: (job: BuildJob): CheckRunText => ({
    title: 'Handing off to CircleCI',
    summary: `Triggering the CircleCI pipeline that builds ${about(job)}.`,
  }),
  /** While CircleCI runs: the title says the most telling state (waiting for approval, failing, running). */
  running: (
    job: BuildJob,
    pipelineNumber: number,
    image: string,
    workflows: readonly { name: string; status: string; url: string }[] = [],
  ): CheckRunText => {
    const has = (status: string) => workflows.some((workflow) => workflow.status === status);
    const state = has('on_hold') ? 'waiting for an approval' : has('failing') ? 'failing' : 'running';
    const listed = workflows.map((workflow) => `- [${workflow.name}](${workflow.url}): ${workflow.status}`);
    return {
      title: `CircleCI pipeline #${pipelineNumber} ${state}`,
      summary: [
        `CircleCI builds ${about(job)} and pushes \`${image}\`. Details links the workflow.`,
        ...(listed.length > 0 ? ['', ...listed] : []),
      ].join('\n'),
    };
  },
  retrying: (job: BuildJob, reason: string): CheckRunText => ({
    title: 'Retrying',
    summary: `An attempt to hand ${about(job)} to CircleCI failed and will be retried:\n\n${reason}`,
  }),
  succeeded: (job: BuildJob, release: Release): CheckRunText => ({
    title: `Built ${job.service} at ${short(job.commit)} on CircleCI`,
    summary: [
      `CircleCI built ${about(job)}; Slipway recorded Release \`${release.id}\`.`,
      '',
      '| | |',
      '| --- | --- |',
      `| Image | \`${release.image}\` |`,
      `| Digest | \`${release.digest}\` |`,
    ].join('\n'),
  }),
  failed: (job: BuildJob, title: string, message: string): CheckRunText => ({
    title,
    summary: `The build of ${about(job)} failed.\n\n${message}`,
  }),
  cancelled: (job: BuildJob, title: string, message: string): CheckRunText => ({
    title,
    summary: `The build of ${about(job)} was cancelled.\n\n${message}`,
  }),
};

/**
 * Check-run feedback through the GitHub App: the run `Slipway build / <service>` with the job's
 * `external_id` (the intake made it queued; made here when missing) moves in_progress → success |
 * failure | cancelled, with `details_url` the CircleCI workflow once known. A concluded run is
 * never moved back to in_progress. Failures are logged (without the request, which holds the
 * installation token) and swallowed on purpose, as the native builder's `loggedFeedback` does.
 */
export class GitHubCircleciFeedback implements CircleciFeedback {
  readonly #installations: GitHubInstallations;
  readonly #logger: Logger;

  constructor(options: { installations: GitHubInstallations; logger: Logger }) {
    this.#installations = options.installations;
    this.#logger = options.logger;
  }

  async update(target: CheckRunTarget, change: CheckRunChange): Promise<void> {
    try {
      await this.#apply(target, change);
    } catch (error) {
      this.#logger.warn(
        {
          tenant: target.job.tenant,
          service: target.job.service,
          buildId: target.buildId,
          err: {
            name: error instanceof Error ? error.name : 'Error',
            message: error instanceof Error ? error.message : String(error),
          },
        },
        'could not update the build check run on GitHub; the build goes on',
      );
    }
  }

  #apply(target: CheckRunTarget, change: CheckRunChange): Promise<void> {
    const output = { title: change.text.title.slice(0, 200), summary: change.text.summary.slice(0, 65_535) };
    const { text: _, ...rest } = change;
    return applyBuildCheckRun(
      this.#installations.octokit(target.job.installationId),
      target,
      { ...rest, output },
      new Date(),
    );
  }
}
