import type { LeaderToken } from '@slipway/lease';
import type { FenceToken, StateStore } from '@slipway/state';
import type { Logger } from 'pino';

/** What a leader-only loop is given for one leadership term. */
export interface LeaderLoopContext {
  token: LeaderToken;
  /** Carry this on every leader-only write: the store refuses it once a newer term began. */
  fence: FenceToken;
  /** Aborted the moment this controller stops leading; the loop must return promptly. */
  signal: AbortSignal;
  store: StateStore;
  logger: Logger;
}

/**
 * A loop that only the leader runs (scheduler, rollout engine, edge sync). `run` works until the
 * signal aborts (or returns early when its work for the term is done); if it throws, the runner logs the error and runs it again after a pause, for as
 * long as the term lasts (level-triggered: the next run converges from whatever state it finds).
 */
export interface LeaderLoop {
  name: string;
  run(context: LeaderLoopContext): Promise<void>;
}
