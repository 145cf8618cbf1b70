import { setTimeout as sleep } from 'node:timers/promises';
import { type ControllerProcess, startControllerProcess } from './controller-process.js';

export interface ClusterOptions {
  /** Environment shared by every replica (mode, AWS endpoint, bucket, table, lease ttl …). */
  env: Record<string, string>;
  entry?: string;
  /** Replica ids are `<name>-1`, `<name>-2` …; restarts get a new suffix, never a reused id. */
  name: string;
  /** Every replica also runs a local edge (see `startControllerProcess`). */
  edge?: boolean;
}

/** A set of controller processes sharing one lease, with the probes that tests and benches need. */
export class ControllerCluster {
  readonly replicas: ControllerProcess[] = [];
  readonly #options: ClusterOptions;
  #started = 0;

  constructor(options: ClusterOptions) {
    this.#options = options;
  }

  /** Starts `count` more replicas, concurrently. */
  async add(count: number): Promise<ControllerProcess[]> {
    const started = await Promise.all(
      Array.from({ length: count }, () =>
        startControllerProcess({
          id: `${this.#options.name}-${++this.#started}`,
          env: this.#options.env,
          entry: this.#options.entry,
          edge: this.#options.edge,
        }),
      ),
    );
    this.replicas.push(...started);
    return started;
  }

  /** Replicas that have not exited. */
  live(): ControllerProcess[] {
    return this.replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  }

  /** Which live replicas say, right now, that they lead. */
  async leaders(among = this.live()): Promise<ControllerProcess[]> {
    const views = await Promise.all(among.map((r) => r.view()));
    return among.filter((_, i) => views[i]?.self.leading === true);
  }

  /** Polls every `everyMs` until exactly one of `among` leads; returns it and how long that took. */
  async waitForLeader(options: { among?: ControllerProcess[]; timeoutMs: number; everyMs?: number }) {
    const started = performance.now();
    for (;;) {
      const leaders = await this.leaders(options.among ?? this.live());
      const elapsedMs = performance.now() - started;
      if (leaders.length === 1) return { leader: leaders[0]!, elapsedMs };
      if (elapsedMs > options.timeoutMs) {
        throw new Error(
          `no single leader after ${Math.round(elapsedMs)} ms (leaders: ${leaders.map((l) => l.id).join(', ') || 'none'})`,
        );
      }
      await sleep(options.everyMs ?? 25);
    }
  }

  /** Kills every replica (SIGKILL) and waits for them to exit. Idempotent. */
  async stop(): Promise<void> {
    for (const replica of this.replicas) {
      replica.signal('SIGCONT'); // a stopped process cannot die until it runs again
      replica.signal('SIGKILL');
    }
    await Promise.all(this.replicas.map((r) => r.exited));
  }
}
