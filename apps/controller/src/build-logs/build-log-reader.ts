import { type Build, isFinishedBuild } from '@slipway/core';
import { type BuildLogRef, buildLogKey, followBuildLog, readBuildLog } from '@slipway/queue';
import { buildKey, buildLogArchiveKey, type Repositories } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BuildLogError } from './build-log-error.js';
import { archiveLineId, type LogPosition } from './log-position.js';
import { streamWasTrimmed } from './stream-was-trimmed.js';

/** One line, or how the log ended. `id` is what a client passes back to resume after it. */
export type BuildLogEvent =
  | { kind: 'line'; id: string; line: string }
  | { kind: 'end'; id?: string; status: string };

/** A build's log as far as it goes now. */
export interface BuildLogSnapshot {
  /** `stream`: the live Redis stream; `archive`: the state store's copy; `none`: neither exists (yet). */
  source: 'stream' | 'archive' | 'none';
  lines: { id: string; line: string }[];
  /** How the log ended (succeeded, failed, cancelled); null while the build has not finished. */
  status: string | null;
  /** The oldest lines were dropped (the live stream keeps about 10,000). */
  truncated: boolean;
  /** The stream id of the end entry, when the log ended in the stream. */
  endId?: string;
}

export interface BuildLogReaderOptions {
  repos: Pick<Repositories, 'builds' | 'buildLogs'>;
  /** Live logs; without it only finished builds' archived logs can be read. */
  redis?: Redis;
  /** Redis key prefix shared with the builders (`slipway`). */
  prefix: string;
  logger: Logger;
  /**
   * A follower that heard nothing for this long re-reads the build record, so a build that ended
   * without an end entry (a builder that died, a queued build that was cancelled) still ends its
   * followers. Default 10 s: reads of the state store cost money, so they happen only when idle.
   */
  idleCheckMs?: number;
  /** How long one blocking read of the stream waits before looking again. Default 5 s. */
  blockMs?: number;
  /** Followers this replica serves at once; each holds a Redis connection. Default 1000. */
  maxFollowers?: number;
  /** How often a follower's connection hears an SSE comment, so proxies keep it open. Default 15 s. */
  heartbeatMs?: number;
}

/**
 * Reads build logs wherever they are: the live Redis stream while it exists, else the archive the
 * builder copied into the state store, else nothing yet. Followers each block a Redis connection of
 * their own (see `followBuildLog`), released when they stop; `close()` stops them all.
 */
export class BuildLogReader {
  readonly heartbeatMs: number;
  readonly #repos: BuildLogReaderOptions['repos'];
  readonly #redis: Redis | undefined;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #idleCheckMs: number;
  readonly #blockMs: number;
  readonly #maxFollowers: number;
  readonly #followers = new Set<AbortController>();
  #closed = false;

  constructor(options: BuildLogReaderOptions) {
    this.#repos = options.repos;
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.#logger = options.logger;
    this.#idleCheckMs = options.idleCheckMs ?? 10_000;
    this.#blockMs = options.blockMs ?? 5000;
    this.#maxFollowers = options.maxFollowers ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  /** Followers open now. */
  get followers(): number {
    return this.#followers.size;
  }

  /**
   * The log so far, after `after` when given. Throws `BuildLogError` (`live_log_unavailable`) for
   * a build that has not finished when there is no Redis to read its live log from.
   */
  async read(build: Build, options: { after?: LogPosition } = {}): Promise<BuildLogSnapshot> {
    const { after } = options;
    if (this.#redis) {
      const live = await this.#readStream(build, after?.kind === 'stream' ? after.id : undefined);
      // A finished build whose stream lacks an end entry (its builder died) still ends, as its record says.
      if (live)
        return isFinishedBuild(build.status) ? { ...live, status: live.status ?? build.status } : live;
    } else if (!isFinishedBuild(build.status)) {
      throw this.#unavailable();
    }
    return this.#readArchive(build, after?.kind === 'archive' ? after.line : 0);
  }

  /**
   * Follows the log: what is there, then each new line, then its end; it ends early when `signal`
   * aborts or the reader closes. A queued build whose stream does not exist yet is waited for.
   * Throws at once (before anything is sent) when the log cannot be followed.
   */
  follow(build: Build, options: { after?: LogPosition; signal: AbortSignal }): AsyncIterable<BuildLogEvent> {
    if (!this.#redis && !isFinishedBuild(build.status)) throw this.#unavailable();
    if (this.#followers.size >= this.#maxFollowers) {
      throw new BuildLogError(
        'too_many_followers',
        `this controller already streams ${this.#maxFollowers} build logs; retry in a few seconds (or read without follow)`,
      );
    }
    return this.#events(build, options.after, options.signal);
  }

  /** Ends every follower (their Redis connections close). Idempotent. */
  close(): void {
    this.#closed = true;
    for (const follower of this.#followers) follower.abort();
  }

  async *#events(build: Build, after: LogPosition | undefined, signal: AbortSignal) {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#followers.add(stop);
    try {
      if (this.#closed) return;
      if (isFinishedBuild(build.status) || !this.#redis) {
        yield* snapshotEvents(await this.read(build, after ? { after } : {}));
        return;
      }
      yield* this.#live(this.#redis, build, after, stop);
    } finally {
      this.#followers.delete(stop);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async *#live(redis: Redis, build: Build, after: LogPosition | undefined, stop: AbortController) {
    let last = after?.kind === 'stream' ? after.id : undefined;
    let sent = 0;
    const watchdog = this.#watchdog(build, stop);
    try {
      for await (const item of followBuildLog(redis, this.#ref(build), {
        ...(last ? { after: last } : {}),
        signal: stop.signal,
        blockMs: this.#blockMs,
      })) {
        watchdog.heard();
        if (item.kind === 'end') {
          yield { kind: 'end', id: item.id, status: item.status } satisfies BuildLogEvent;
          return;
        }
        last = item.id;
        sent += 1;
        yield { kind: 'line', id: item.id, line: item.line } satisfies BuildLogEvent;
      }
    } finally {
      watchdog.cancel();
    }
    const finished = watchdog.finished();
    if (!finished || this.#closed) return; // the client left, the build is gone, or the reader closed
    // The build ended without an end entry reaching us: serve the rest from wherever it is now. From
    // the archive, skip what this connection sent (a resumed client may see a few lines twice).
    const rest =
      (await this.#readStream(finished, last)) ??
      (await this.#readArchive(finished, after?.kind === 'archive' ? after.line : sent));
    yield* snapshotEvents({ ...rest, status: rest.status ?? finished.status });
  }

  /** Re-reads the build record whenever the follower has been idle for `idleCheckMs`. */
  #watchdog(build: Build, stop: AbortController) {
    let heardAt = Date.now();
    let finished: Build | undefined;
    let checking = false;
    const timer = setInterval(
      () => {
        if (checking || Date.now() - heardAt < this.#idleCheckMs) return;
        checking = true;
        this.#repos.builds
          .get(buildKey(build))
          .then((stored) => {
            if (!stored) {
              stop.abort(); // the build (or its tenant) was deleted: nothing more will come
            } else if (isFinishedBuild(stored.value.status)) {
              finished = stored.value;
              stop.abort();
            }
          })
          .catch((error: unknown) =>
            this.#logger.warn(
              { err: error, tenant: build.tenant, buildId: build.id },
              'build log follower: could not re-read the build record; will try again',
            ),
          )
          .finally(() => {
            checking = false;
            heardAt = Date.now();
          });
      },
      Math.max(50, Math.min(this.#idleCheckMs, 1000)),
    );
    return {
      heard: () => {
        heardAt = Date.now();
      },
      cancel: () => clearInterval(timer),
      finished: () => finished,
    };
  }

  async #readStream(build: Build, after: string | undefined): Promise<BuildLogSnapshot | undefined> {
    const redis = this.#redis;
    if (!redis) return undefined;
    const ref = this.#ref(build);
    if ((await redis.exists(buildLogKey(ref))) === 0) return undefined;
    const [log, truncated] = await Promise.all([
      readBuildLog(redis, ref, after ? { after } : {}),
      streamWasTrimmed(redis, buildLogKey(ref)),
    ]);
    return {
      source: 'stream',
      lines: log.lines,
      status: log.end?.status ?? null,
      truncated,
      ...(log.end ? { endId: log.end.id } : {}),
    };
  }

  async #readArchive(build: Build, skipLines: number): Promise<BuildLogSnapshot> {
    const stored = await this.#repos.buildLogs.get(buildLogArchiveKey(build));
    if (!stored) {
      const status = isFinishedBuild(build.status) ? build.status : null;
      return { source: 'none', lines: [], status, truncated: false };
    }
    const { lines, status, truncated } = stored.value;
    return {
      source: 'archive',
      lines: lines.slice(skipLines).map((line, i) => ({ id: archiveLineId(skipLines + i + 1), line })),
      status,
      truncated,
    };
  }

  #ref(build: Build): BuildLogRef {
    return { tenant: build.tenant, buildId: build.id, prefix: this.#prefix };
  }

  #unavailable(): BuildLogError {
    return new BuildLogError(
      'live_log_unavailable',
      'this build has not finished and the controller has no Redis to read its live log from: set REDIS_URL ' +
        '(the one the builders use), or read the log once the build has finished',
    );
  }
}

/** A snapshot as events: its lines, then its end when it has one. */
function* snapshotEvents(snapshot: BuildLogSnapshot): Generator<BuildLogEvent> {
  for (const line of snapshot.lines) yield { kind: 'line', ...line };
  if (snapshot.status !== null) {
    yield { kind: 'end', ...(snapshot.endId ? { id: snapshot.endId } : {}), status: snapshot.status };
  }
}
