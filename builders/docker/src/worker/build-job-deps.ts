import type { Readable } from 'node:stream';
import type { ImageRegistry } from '@slipway/cloud';
import type { Release } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import type { Repositories } from '@slipway/state';
import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import type { BuildFeedback } from '../feedback/build-feedback.js';
import type { RegistryRetryOptions } from '../with-registry-retry.js';
import type { PolicySource } from './build-policy.js';
import type { DeployQueue } from './enqueue-deploy.js';
import type { PreviousImage } from './previous-image-of.js';
import type { WorkerLogger } from './worker-logger.js';

/** Where the source of a job comes from: GitHub's tarball in production, `git archive` in tests. */
export type SourceFor = (job: BuildJob, signal?: AbortSignal) => Promise<Buffer | Readable>;

export interface BuildJobDeps {
  docker: Docker;
  registry: ImageRegistry;
  /** Releases (create-only), Build records and archived build logs. */
  repos: Pick<Repositories, 'releases' | 'builds' | 'buildLogs'>;
  /** The tenants' policies (`PolicyStore`): a builder the policy does not allow is refused. */
  policies: PolicySource;
  /** Where a recorded Release goes for the controller to roll out (`queues.deploys`). */
  deploys: DeployQueue;
  /** The commit's gzip tarball with one top-level folder (GitHub's shape). */
  sourceFor: SourceFor;
  /** For the live build log and the supersede marker; the caller owns the connection. */
  redis: Redis;
  /** Redis key prefix of the log streams and markers, as given to createQueues. Default `slipway`. */
  prefix?: string;
  /** GitHub check runs; its failures are logged and never change the build. Default: none. */
  feedback?: BuildFeedback;
  now?: () => Date;
  logger?: WorkerLogger;
  /** Extra labels on the image (tests label with their run prefix). */
  extraLabels?: Record<string, string>;
  /** Push retry tuning; the default waits ≈ 15 s in all before saying the registry is down. */
  registryRetry?: Omit<RegistryRetryOptions, 'signal' | 'onRetry'>;
  /** How often a running build asks whether a newer push superseded it. Default 1000 ms. */
  supersedeCheckMs?: number;
  /**
   * False when the queue will run this job again if it fails in a way worth retrying: the build
   * then stays running (log open, check run in_progress). Default true: every failure is final.
   */
  finalAttempt?: boolean;
  signal?: AbortSignal;
}

export interface BuildJobResult {
  release: Release;
  buildId: string;
  /** Steps taken from the layer cache, of `steps`; both 0 when the Release already existed. */
  cacheHits: number;
  steps: number;
  /** The service's previous image the build took layers from; absent when only the engine's local cache was used. */
  cacheFrom?: PreviousImage;
  durationMs: number;
  /** False when a previous attempt had already recorded the Release (a retry, a duplicate or a re-run). */
  built: boolean;
}
