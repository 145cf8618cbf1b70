import type { Queues } from '@slipway/queue';
import type { Installations, PolicyStore, StateStore } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';

/** What every intake step may use; built once by {@link startIntakeWorker}. */
export interface IntakeDeps {
  queues: Queues;
  /** For the latest-build markers (same prefix as the queues). */
  redis: Redis;
  store: StateStore;
  installations: Installations;
  policies: PolicyStore;
  /** An installation's Octokit (installation token), or the app's own without an id. */
  octokitFor(installationId?: number): Promise<ProbotOctokit>;
  /** This app's id: check runs of other apps are not ours to re-run. */
  appId: number;
  now: () => Date;
}

/** Per job: the deps plus a logger carrying the delivery's ids. */
export interface IntakeStep extends IntakeDeps {
  logger: Logger;
}
