import { setTimeout as sleep } from 'node:timers/promises';
import { type ClockSample, clockJump } from './clock.js';
import { describeError } from './describe-error.js';
import {
  type LeaderElectorOptions,
  type ResolvedElectorOptions,
  resolveElectorOptions,
} from './elector-options.js';
import type {
  DeposedCode,
  DeposedHandler,
  DeposedReason,
  ElectedHandler,
  Leadership,
  LeaderToken,
} from './leadership.js';
import type { AcquireResult, LeaseRecord, RenewResult } from './lease-backend.js';
import { LeaseError } from './lease-error.js';
import { withDeadline } from './with-deadline.js';

interface Term {
  token: LeaderToken;
  since: number;
  controller: AbortController;
  /** Monotonic time after which we no longer trust that the lease is ours. */
  deadline: number;
  lastRenewStart: number;
  /** Last moment both clocks were read together, to spot a wall-clock jump. */
  sample: ClockSample;
  watchdog: NodeJS.Timeout | undefined;
}

/**
 * Keeps trying to hold one lease and tells the process when it leads and when it must stop.
 * One per process and lease name. It steps down at once on any doubt (renewal refused, failed,
 * late, or a clock jump) and regains leadership only through a fresh acquire, which yields a new
 * epoch. Backend errors never escape: they are logged and mean "not leader, retry later".
 *
 * @example
 * const elector = new LeaderElector({ backend, name: 'controller', owner: `${hostname()}:${process.pid}:${randomUUID()}` });
 * elector.onElected(({ token, signal }) => runLeaderLoops({ token, signal }));
 * elector.onDeposed((reason) => logger.warn(reason, 'no longer leader'));
 * elector.start();
 * // on shutdown:
 * await elector.stop();
 */
export class LeaderElector {
  readonly #o: ResolvedElectorOptions;
  readonly #elected = new Set<ElectedHandler>();
  readonly #deposed = new Set<DeposedHandler>();
  /** onElected promises of terms that may still be running; the next term waits for them. */
  readonly #draining = new Set<Promise<void>>();
  readonly #wake = new AbortController();
  #term: Term | undefined;
  /** The last epoch the backend may still hold for us (even after stepping down), to release on stop. */
  #mayHold: number | undefined;
  /** Monotonic time of the last step-down: the next acquire waits one retry interval after it. */
  #steppedDownAt = Number.NEGATIVE_INFINITY;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#o = resolveElectorOptions(options);
  }

  /** The timing in use after defaults, for logs and tests. */
  get timing(): Pick<
    ResolvedElectorOptions,
    'ttlMs' | 'renewEveryMs' | 'retryEveryMs' | 'maxClockSkewMs' | 'maxClockJumpMs'
  > {
    const { ttlMs, renewEveryMs, retryEveryMs, maxClockSkewMs, maxClockJumpMs } = this.#o;
    return { ttlMs, renewEveryMs, retryEveryMs, maxClockSkewMs, maxClockJumpMs };
  }

  /** Called each time this process becomes leader. Register before `start()`. Returns an unsubscribe function. */
  onElected(handler: ElectedHandler): () => void {
    this.#elected.add(handler);
    return () => this.#elected.delete(handler);
  }

  /** Called each time this process stops being leader, with why. Returns an unsubscribe function. */
  onDeposed(handler: DeposedHandler): () => void {
    this.#deposed.add(handler);
    return () => this.#deposed.delete(handler);
  }

  /** Starts competing for the lease. Idempotent while running; throws after `stop()`. */
  start(): void {
    if (this.#stopping) {
      throw new LeaseError(
        'LEASE_ELECTOR_STOPPED',
        'this LeaderElector was stopped; create a new one to compete again',
      );
    }
    this.#loop ??= this.#run();
  }

  /**
   * Stops competing: steps down (aborting the leadership signal), waits for onElected handlers to
   * settle, then releases the lease so a successor can take over at once. Idempotent; never throws.
   * An in-flight backend call is allowed to finish (each is bounded by the ttl), so against a backend
   * that does not answer this takes up to about two ttl.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /** True while this process holds the lease and its local deadline has not passed. */
  isLeader(): boolean {
    const term = this.#term;
    if (!term) return false;
    if (this.#o.clock.monotonic() >= term.deadline) {
      // The watchdog timer is late (busy event loop): the deadline still wins.
      this.#stepDown(term, 'deadline-passed', 'the lease deadline passed before a renewal confirmed it');
      return false;
    }
    return true;
  }

  /** The current term if this process leads, else undefined. `since` is wall-clock ms. */
  current(): { owner: string; epoch: number; since: number } | undefined {
    if (!this.isLeader() || !this.#term) return undefined;
    return { owner: this.#term.token.owner, epoch: this.#term.token.epoch, since: this.#term.since };
  }

  async #run(): Promise<void> {
    while (!this.#wake.signal.aborted) {
      try {
        const term = this.#term;
        if (term) {
          await this.#pause(term.lastRenewStart + this.#o.renewEveryMs - this.#o.clock.monotonic());
          if (this.#term === term && !this.#wake.signal.aborted) await this.#renew(term);
        } else {
          await this.#previousTermsSettled();
          // Give others a turn (and avoid churning epochs when a handler keeps failing at once).
          await this.#pause(this.#steppedDownAt + this.#o.retryEveryMs - this.#o.clock.monotonic());
          if (!this.#wake.signal.aborted && !(await this.#acquire())) await this.#pause(this.#o.retryEveryMs);
        }
      } catch (error) {
        // Only a bug lands here; keep the process alive and safe: not leader, try again later.
        this.#o.logger.error(
          { ...this.#fields(), err: error },
          'lease loop failed unexpectedly; stepping down and retrying',
        );
        if (this.#term)
          this.#stepDown(this.#term, 'renew-failed', 'the lease loop failed unexpectedly', error);
        await this.#pause(this.#o.retryEveryMs);
      }
    }
  }

  /** Tries once; true when this process became leader. */
  async #acquire(): Promise<boolean> {
    const { backend, clock, name, owner, ttlMs, maxClockSkewMs, logger } = this.#o;
    const start = { wall: clock.now(), mono: clock.monotonic() };
    const deadline = start.mono + ttlMs - maxClockSkewMs;
    let result: AcquireResult;
    try {
      result = await withDeadline(`lease "${name}" acquire`, deadline - start.mono, (signal) =>
        backend.tryAcquire({ name, owner, ttlMs, now: start.wall, signal }),
      );
    } catch (error) {
      logger.warn(
        { ...this.#fields(), err: error, retryInMs: this.#o.retryEveryMs },
        `lease acquire failed (${describeError(error)}); not leader, retrying`,
      );
      return false;
    }
    if (!result.acquired) {
      logger.debug({ ...this.#fields(), holder: result.holder }, 'lease is held by another replica');
      return false;
    }
    this.#mayHold = result.lease.epoch;
    const end = { wall: clock.now(), mono: clock.monotonic() };
    const doubt = this.#wake.signal.aborted
      ? 'the elector is stopping'
      : end.mono >= deadline
        ? 'the acquire answered after its deadline'
        : clockJump(start, end, this.#o.maxClockJumpMs);
    if (doubt) {
      // Not trusted: stay follower. Our next acquire (owner = us) takes it again with a new epoch.
      logger.warn(
        { ...this.#fields(), epoch: result.lease.epoch },
        `acquired the lease but not leading: ${doubt}`,
      );
      return false;
    }
    this.#begin(result.lease, start, end);
    return true;
  }

  async #renew(term: Term): Promise<void> {
    const { backend, clock, name, owner, ttlMs, maxClockSkewMs } = this.#o;
    const start = { wall: clock.now(), mono: clock.monotonic() };
    const jumpBefore = clockJump(term.sample, start, this.#o.maxClockJumpMs);
    if (jumpBefore) return this.#stepDown(term, 'clock-jump', jumpBefore);
    let result: RenewResult;
    try {
      result = await withDeadline(`lease "${name}" renew`, term.deadline - start.mono, (signal) =>
        backend.renew({ name, owner, epoch: term.token.epoch, ttlMs, now: start.wall, signal }),
      );
    } catch (error) {
      if (this.#term !== term) return;
      const timedOut = error instanceof LeaseError && error.code === 'LEASE_TIMEOUT';
      return this.#stepDown(
        term,
        timedOut ? 'renew-timeout' : 'renew-failed',
        `renewal ${timedOut ? 'did not answer before the lease deadline' : 'failed'} (${describeError(error)})`,
        error,
      );
    }
    if (this.#term !== term) return;
    if (!result.ok) {
      this.#mayHold = undefined;
      const by = result.holder ? ` (now ${result.holder.owner}, epoch ${result.holder.epoch})` : '';
      return this.#stepDown(term, 'renew-refused', `the lease was taken over or removed${by}`);
    }
    const end = { wall: clock.now(), mono: clock.monotonic() };
    const jumpDuring = clockJump(start, end, this.#o.maxClockJumpMs);
    if (jumpDuring) return this.#stepDown(term, 'clock-jump', jumpDuring);
    term.lastRenewStart = start.mono;
    term.sample = end;
    this.#arm(term, start.mono + ttlMs - maxClockSkewMs);
  }

  #begin(lease: LeaseRecord, start: ClockSample, sample: ClockSample): void {
    const { logger, ttlMs, maxClockSkewMs } = this.#o;
    const term: Term = {
      token: { epoch: lease.epoch, owner: lease.owner },
      since: start.wall,
      controller: new AbortController(),
      deadline: start.mono + ttlMs - maxClockSkewMs,
      lastRenewStart: start.mono,
      sample,
      watchdog: undefined,
    };
    this.#term = term;
    this.#arm(term, term.deadline);
    logger.info({ ...this.#fields(), epoch: lease.epoch, expiresAt: lease.expiresAt }, 'elected leader');
    const leadership: Leadership = { token: { ...term.token }, signal: term.controller.signal };
    for (const handler of this.#elected) {
      const settled: Promise<void> = Promise.resolve()
        .then(() => handler(leadership))
        .then(
          () => {},
          (error: unknown) => {
            if (term.controller.signal.aborted) {
              logger.debug(
                { ...this.#fields(), err: error },
                'onElected handler ended with an error after stepping down',
              );
              return;
            }
            logger.error({ ...this.#fields(), err: error }, 'onElected handler failed; stepping down');
            this.#stepDown(
              term,
              'handler-failed',
              `an onElected handler failed (${describeError(error)})`,
              error,
            );
          },
        )
        .finally(() => this.#draining.delete(settled));
      this.#draining.add(settled);
    }
  }

  /** (Re)sets the watchdog that deposes the term when its deadline passes without a renewal. */
  #arm(term: Term, deadline: number): void {
    clearTimeout(term.watchdog);
    term.deadline = deadline;
    term.watchdog = setTimeout(
      () => {
        if (this.#term === term) {
          this.#stepDown(term, 'deadline-passed', 'no renewal confirmed the lease before its local deadline');
        }
      },
      Math.max(0, deadline - this.#o.clock.monotonic()),
    );
  }

  #stepDown(term: Term, code: DeposedCode, message: string, cause?: unknown): void {
    if (this.#term !== term) return;
    this.#term = undefined;
    this.#steppedDownAt = this.#o.clock.monotonic();
    clearTimeout(term.watchdog);
    const reason: DeposedReason = { code, message, token: { ...term.token }, ...(cause ? { cause } : {}) };
    term.controller.abort(reason);
    const fields = { ...this.#fields(), epoch: term.token.epoch, code, err: cause };
    if (code === 'stopped') this.#o.logger.info(fields, `stepped down: ${message}`);
    else this.#o.logger.warn(fields, `stepped down: ${message}`);
    for (const handler of this.#deposed) {
      try {
        Promise.resolve(handler(reason)).catch((error: unknown) => this.#handlerFailed('onDeposed', error));
      } catch (error) {
        this.#handlerFailed('onDeposed', error);
      }
    }
  }

  async #shutdown(): Promise<void> {
    this.#wake.abort();
    await this.#loop;
    const term = this.#term;
    if (term) this.#stepDown(term, 'stopped', 'the elector was stopped');
    await this.#previousTermsSettled();
    const epoch = this.#mayHold;
    if (epoch === undefined) return;
    const { backend, name, owner, ttlMs, logger } = this.#o;
    try {
      const { released } = await withDeadline(`lease "${name}" release`, ttlMs, (signal) =>
        backend.release({ name, owner, epoch, signal }),
      );
      this.#mayHold = undefined;
      logger.info(
        { ...this.#fields(), epoch, released },
        released ? 'released the lease' : 'lease was no longer ours',
      );
    } catch (error) {
      logger.warn(
        { ...this.#fields(), epoch, err: error },
        `could not release the lease (${describeError(error)}); a successor takes over when it expires`,
      );
    }
  }

  async #previousTermsSettled(): Promise<void> {
    if (this.#draining.size === 0) return;
    // A handler that ignores its aborted signal would block the next term (and stop()) forever: say so.
    const nag = setInterval(() => {
      this.#o.logger.warn(
        { ...this.#fields(), pending: this.#draining.size },
        'still waiting for onElected handlers of the previous term; they must return once their signal aborts',
      );
    }, this.#o.ttlMs);
    try {
      await Promise.all(this.#draining);
    } finally {
      clearInterval(nag);
    }
  }

  /** Sleeps, waking early on stop(). */
  async #pause(ms: number): Promise<void> {
    if (this.#wake.signal.aborted) return;
    await sleep(Math.max(0, ms), undefined, { signal: this.#wake.signal }).catch(() => {
      // Aborted by stop(): waking early is the point.
    });
  }

  #handlerFailed(kind: string, error: unknown): void {
    this.#o.logger.error(
      { ...this.#fields(), err: error },
      `${kind} handler failed (${describeError(error)})`,
    );
  }

  #fields(): Record<string, unknown> {
    return { lease: this.#o.name, owner: this.#o.owner };
  }
}
