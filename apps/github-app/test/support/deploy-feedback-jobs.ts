import { type DeployFeedbackJob, enqueueDeployFeedback } from '@slipway/queue';
import type { GitHubAppHarness, HarnessRepo } from './github-app-harness.js';

/** Builds deploy-feedback jobs for one repository and applies them through the running app. */
export class DeployFeedbackJobs {
  #rollouts = 0;

  constructor(
    readonly h: GitHubAppHarness,
    readonly repo: HarnessRepo,
  ) {}

  /** A fresh rollout id, so each test has its own check run and deployment. */
  newRollout(): string {
    return `ro-00mfx2k3b${this.#rollouts++}-${this.repo.id.toString(16).padStart(8, '0')}`;
  }

  /** A running state of a rollout; `fields` override anything. */
  state(rolloutId: string, sequence: number, fields: Partial<DeployFeedbackJob> = {}): DeployFeedbackJob {
    return {
      tenant: this.h.tenant,
      environment: 'production',
      service: 'shop',
      rolloutId,
      installationId: this.repo.installationId,
      repository: { id: this.repo.id, fullName: this.repo.fullName },
      commit: this.repo.git.sha,
      status: 'in_progress',
      title: `Deploying release r-shop-2: ${sequence} steps done`,
      summary: `step ${sequence}`,
      startedAt: '2026-11-26T14:00:00.000Z',
      completedAt: null,
      sequence,
      url: `http://shop.${this.h.tenant}.localhost:8080`,
      ...fields,
    };
  }

  succeeded(rolloutId: string, sequence: number, fields: Partial<DeployFeedbackJob> = {}): DeployFeedbackJob {
    return this.state(rolloutId, sequence, {
      status: 'completed',
      conclusion: 'success',
      title: 'Deployed release r-shop-2 (2 replicas)',
      completedAt: '2026-11-26T14:02:00.000Z',
      ...fields,
    });
  }

  failed(rolloutId: string, sequence: number, fields: Partial<DeployFeedbackJob> = {}): DeployFeedbackJob {
    return this.state(rolloutId, sequence, {
      status: 'completed',
      conclusion: 'failure',
      title: 'Deploy failed; rolled back to release r-shop-1',
      completedAt: '2026-11-26T14:03:00.000Z',
      ...fields,
    });
  }

  /** Waits (up to `timeoutMs`) until the job is done and returns what the worker made of it. */
  async outcome(jobId: string, timeoutMs = 10_000): Promise<unknown> {
    const queue = this.h.queues.deployFeedback;
    for (let i = 0; i < timeoutMs / 25; i++) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed') return (await queue.getJob(jobId))?.returnvalue;
      if (state === 'failed')
        throw new Error(`job ${jobId} failed: ${(await queue.getJob(jobId))?.failedReason}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`job ${jobId} was not handled within ${timeoutMs} ms`);
  }

  async apply(job: DeployFeedbackJob): Promise<unknown> {
    return this.outcome(await enqueueDeployFeedback(this.h.queues.deployFeedback, job));
  }

  /** The fake's deployments of one rollout (by the payload Slipway wrote), each with its statuses. */
  deploymentsOf(rolloutId: string) {
    return this.h.fake
      .deployments({ owner: this.repo.owner, repo: this.repo.name })
      .filter((d) => (d.payload as { slipway?: { rolloutId?: string } }).slipway?.rolloutId === rolloutId);
  }

  /** The comments on pull request #n of the repository, oldest first. */
  comments(issueNumber: number) {
    return this.h.fake.comments({ owner: this.repo.owner, repo: this.repo.name, issueNumber });
  }
}
