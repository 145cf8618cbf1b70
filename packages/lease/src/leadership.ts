/** The fencing token of one leadership term. Leader-only writes carry it; stores refuse older epochs. */
export interface LeaderToken {
  epoch: number;
  owner: string;
}

export interface Leadership {
  token: LeaderToken;
  /** Aborted the moment this process stops being leader; leader-only work must stop then. */
  signal: AbortSignal;
}

export type DeposedCode =
  | 'renew-refused'
  | 'renew-failed'
  | 'renew-timeout'
  | 'deadline-passed'
  | 'clock-jump'
  | 'handler-failed'
  | 'stopped';

export interface DeposedReason {
  code: DeposedCode;
  message: string;
  token: LeaderToken;
  cause?: unknown;
}

export type ElectedHandler = (leadership: Leadership) => void | Promise<void>;
export type DeposedHandler = (reason: DeposedReason) => void | Promise<void>;
