import type { LeaderToken } from '@slipway/lease';
import type { FenceToken, StateStore } from '@slipway/state';
import type { Logger } from 'pino';

/** What a loop that runs on every replica is given, for the replica's lifetime. */
export interface ReplicaLoopContext {
  /** Aborted when the replica stops; the loop must return promptly. */
  signal: AbortSignal;
  store: StateStore;
  logger: Logger;
}

/**
 * A loop every replica runs, leader or not: work that reads the shared state and acts on this
 * replica only (its local edge's routing table). If it throws it is run again after a pause.
 */
export interface ReplicaLoop {
  name: string;
  run(context: ReplicaLoopContext): Promise<void>;
}

/** What a leader-only loop is given for one leadership term. */
export interface LeaderLoopContext extends ReplicaLoopContext {
  token: LeaderToken;
  /** Carry this on every leader-only write: the store refuses it once a newer term began. */
  fence: FenceToken;
  /** Aborted the moment this controller stops leading; the loop must return promptly. */
  signal: AbortSignal;
}

/**
 * A loop that only the leader runs (scheduler, rollout engine). `run` works until the signal
 * aborts (or returns early when its work for the term is done); if it throws, the runner logs the
 * error and runs it again after a pause, for as long as the term lasts (level-triggered: the next
 * run converges from whatever state it finds).
 */
export interface LeaderLoop {
  name: string;
  run(context: LeaderLoopContext): Promise<void>;
}
