import { setTimeout as sleep } from 'node:timers/promises';
import {
  ControllerClient,
  ControllerRequestError,
  type DesiredDocument,
  type HeartbeatEntry,
} from '@slipway/agent';
import { imageRegistry } from '@slipway/core';

/** What all simulated agents did, by call (`heartbeat`, `desired`, `policy` …), shared between them. */
export interface AgentStats {
  calls: Record<string, number>;
  failures: Record<string, number>;
  /** Milliseconds each heartbeat took (the controllers' load shows here first). */
  heartbeatMs: number[];
  firstError?: string;
}

export function emptyAgentStats(): AgentStats {
  return { calls: {}, failures: {}, heartbeatMs: [] };
}

export interface SimulatedAgentOptions {
  apiUrl: string;
  tenant: string;
  joinToken: string;
  hostName: string;
  /** The address its (pretend) containers are published on. */
  address: string;
  stats: AgentStats;
  /** The real agent's defaults: heartbeat 5 s, reconcile 10 s, long-poll wait 25 s. */
  heartbeatMs?: number;
  reconcileMs?: number;
  pollWaitSeconds?: number;
}

type Allocation = DesiredDocument['allocations'][number];

/**
 * A host agent without Docker: it makes exactly the controller calls `startAgent` makes on an idle
 * host — join once; long-poll `desired` (ETag, 25 s); on each new document fetch the policy and the
 * registry credentials of its images; a heartbeat at the start, every 5 s and after each 10 s
 * reconcile pass once it has a document — and reports every desired allocation running and
 * passing its health check, as a healthy host would.
 */
export class SimulatedAgent {
  readonly host: string;
  readonly #options: SimulatedAgentOptions;
  readonly #client: ControllerClient;
  readonly #stop = new AbortController();
  #allocations: Allocation[] | undefined;
  #beats: Promise<void> = Promise.resolve();
  #loops: Promise<unknown>[] = [];

  private constructor(options: SimulatedAgentOptions, identity: { host: string; hostToken: string }) {
    this.#options = options;
    this.host = identity.host;
    this.#client = new ControllerClient({ apiUrl: options.apiUrl, tenant: options.tenant, identity });
  }

  /** Joins the tenant with the join token, as a new host does once. */
  static async join(options: SimulatedAgentOptions): Promise<SimulatedAgent> {
    // Not retried: a join that timed out may have succeeded, and the same name then answers 409.
    // Under load (1,000 joins, each several S3 writes) a join can take long, so the wait is long instead.
    const client = new ControllerClient({
      apiUrl: options.apiUrl,
      tenant: options.tenant,
      retries: 0,
      requestTimeoutMs: 120_000,
    });
    const request = {
      joinToken: options.joinToken,
      name: options.hostName,
      capacity: { cpuMillicores: 2000, memoryMiB: 4096 },
      labels: { zone: `z${options.hostName.length % 3}`, pool: 'default' },
    };
    for (let attempt = 1; ; attempt++) {
      count(options.stats.calls, 'join');
      try {
        return new SimulatedAgent(options, await client.join(request));
      } catch (error) {
        // Concurrent joins with one token collide on its use count (the controller answers 500
        // "…redeemed this join token at once; retry") before anything is written: join again.
        const contended = error instanceof ControllerRequestError && error.status >= 500;
        if (!contended || attempt >= 5) throw error;
        await sleep(100 * attempt + Math.random() * 200);
      }
    }
  }

  /** How many allocations its last desired document holds. */
  get allocations(): number {
    return this.#allocations?.length ?? 0;
  }

  start(): void {
    const { heartbeatMs = 5000, reconcileMs = 10_000 } = this.#options;
    this.#loops = [
      this.#pollLoop(),
      this.#every(reconcileMs, async () => {
        // The real agent heartbeats after every pass once it has a desired document.
        if (this.#allocations !== undefined) void this.#beat();
      }),
      this.#beat().then(() => this.#every(heartbeatMs, () => this.#beat())),
    ];
  }

  async close(): Promise<void> {
    this.#stop.abort(new Error('the simulated agent is closing'));
    await Promise.allSettled([...this.#loops, this.#beats]);
  }

  async #pollLoop(): Promise<void> {
    const { signal } = this.#stop;
    const wait = this.#options.pollWaitSeconds ?? 25;
    let etag: string | undefined;
    while (!signal.aborted) {
      const asked = Date.now();
      const answer = await this.#call('desired', () =>
        this.#client.desired({ ...(etag ? { etag } : {}), waitSeconds: wait, signal }),
      );
      if (answer === undefined) {
        await pause(1000, signal); // failed: the real agent backs off too
        continue;
      }
      if (!answer.changed) {
        if (Date.now() - asked < 1000) await pause(1000, signal);
        continue;
      }
      etag = answer.etag;
      this.#allocations = answer.document.allocations;
      await this.#refreshSupplies(answer.document.allocations);
      void this.#beat();
    }
  }

  /** What the reconciler fetches before acting on a new document. */
  async #refreshSupplies(allocations: readonly Allocation[]): Promise<void> {
    const { signal } = this.#stop;
    await this.#call('policy', () => this.#client.policy(signal));
    const byRegistry = new Map(allocations.map((a) => [imageRegistry(a.image), a.image]));
    for (const image of byRegistry.values())
      await this.#call('registry-credentials', () => this.#client.registryCredentials(image, signal));
  }

  #beat(): Promise<void> {
    this.#beats = this.#beats.then(async () => {
      if (this.#stop.signal.aborted) return;
      const started = performance.now();
      const sent = await this.#call('heartbeat', async () => {
        await this.#client.heartbeat(this.#report(), this.#stop.signal);
        return true;
      });
      if (sent) this.#options.stats.heartbeatMs.push(performance.now() - started);
    });
    return this.#beats;
  }

  #report(): HeartbeatEntry[] {
    const at = new Date().toISOString();
    return (this.#allocations ?? []).map((spec, i) => ({
      allocation: spec.allocation,
      state: 'running',
      containerId: `sim-${spec.allocation}`,
      message: null,
      at,
      endpoint: { address: this.#options.address, port: 32_000 + i },
      health: { status: 'passing', consecutiveFailures: 0, lastCheckAt: at, lastError: null },
    }));
  }

  async #every(ms: number, work: () => Promise<void>): Promise<void> {
    while (!this.#stop.signal.aborted) {
      await pause(ms, this.#stop.signal);
      if (!this.#stop.signal.aborted) await work();
    }
  }

  /** Counts the call; a failure is counted and kept (the first one) instead of thrown. */
  async #call<T>(name: string, call: () => Promise<T>): Promise<T | undefined> {
    const { stats } = this.#options;
    count(stats.calls, name);
    try {
      return await call();
    } catch (error) {
      if (this.#stop.signal.aborted) return undefined;
      count(stats.failures, name);
      stats.firstError ??= `${name} of ${this.host}: ${error instanceof Error ? error.message : String(error)}`;
      return undefined;
    }
  }
}

function count(counts: Record<string, number>, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: closing.
  }
}
