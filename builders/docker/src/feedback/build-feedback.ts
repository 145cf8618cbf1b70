import type { Release } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import type { PreviousImage } from '../worker/previous-image-of.js';

/** Which build the feedback is about. */
export interface BuildFeedbackTarget {
  job: BuildJob;
  /** The build job's id (`buildJobId`): the check run's `external_id`. */
  jobId: string;
  buildId: string;
}

/** What a finished build made. */
export interface BuildSuccess {
  release: Release;
  durationMs: number;
  /** Steps taken from the layer cache, of `steps` in all (0 of 0 when nothing was built). */
  cacheHits: number;
  steps: number;
  /** The service's previous image the build took layers from; absent when only the engine's local cache was used. */
  cacheFrom?: PreviousImage;
  /** False when an earlier attempt had already recorded the Release. */
  built: boolean;
}

/** The broad kind of a failure, for the title of what GitHub shows. */
export type BuildFailureKind = 'build' | 'registry' | 'push' | 'source' | 'input' | 'refused' | 'error';

/** Why a build failed, in words for the person who pushed. Never holds a secret. */
export interface BuildFailure {
  kind: BuildFailureKind;
  /** What went wrong and what to do next. */
  message: string;
  /** The Dockerfile step that failed, e.g. `Step 3/5 : RUN make`. */
  step?: string;
  /** Docker's own message, when Docker said something. */
  dockerMessage?: string;
  /** The last lines of the build log (at most 50), oldest first. */
  logTail: readonly string[];
}

/**
 * Tells the outside world (GitHub check runs) how a build is going. Implementations must not
 * throw for their own failures in a way that changes the build: the worker wraps them with
 * {@link loggedFeedback} anyway, so a GitHub outage never fails or repeats a build.
 */
export interface BuildFeedback {
  /** The build is running (again, on a retry). */
  started(target: BuildFeedbackTarget, at: Date): Promise<void>;
  /** An attempt failed in a way worth retrying; the build goes on later. */
  retrying(target: BuildFeedbackTarget, reason: string): Promise<void>;
  succeeded(target: BuildFeedbackTarget, success: BuildSuccess): Promise<void>;
  failed(target: BuildFeedbackTarget, failure: BuildFailure): Promise<void>;
  /** A newer push superseded the build. */
  cancelled(target: BuildFeedbackTarget, cancellation: { supersededBy: string }): Promise<void>;
}

/** Feedback that goes nowhere: for builds nobody watches (tests, local tools). */
export const noFeedback: BuildFeedback = {
  async started() {},
  async retrying() {},
  async succeeded() {},
  async failed() {},
  async cancelled() {},
};
