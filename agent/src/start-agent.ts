import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { type Logger, pino } from 'pino';
import type { JoinRequest } from './agent-api-schemas.js';
import { ControllerClient, type ControllerClientOptions } from './controller-client.js';
import { ControllerRequestError } from './controller-errors.js';
import { HealthProber } from './health/health-prober.js';
import { type HostIdentity, identityPath, loadHostIdentity, saveHostIdentity } from './host-identity.js';
import { HostReconciler } from './host-reconciler.js';

/** Health transitions this close together go in one heartbeat. */
const TRANSITION_COALESCE_MS = 100;

type BeatReason = 'start' | 'periodic' | 'reconcile' | 'health';

export interface StartAgentOptions {
  docker: Docker;
  /** The controller, e.g. `http://127.0.0.1:4000`. */
  apiUrl: string;
  tenant: string;
  /** Where the host identity is kept (`identity.json`, mode 0600). */
  stateDir: string;
  /** Needed only when `stateDir` holds no identity yet. */
  joinToken?: string;
  /** The host id to ask for when joining; the controller names it otherwise. */
  hostName?: string;
  capacity: JoinRequest['capacity'];
  labels: JoinRequest['labels'];
  /** Host address container ports are published on (default: every address). */
  publishAddress?: string;
  /** The platform's registries; learned from the registry-credentials route when omitted. */
  platformRegistries?: readonly string[];
  /** Reconcile this often even without a new document, so dead containers are noticed. Default 10 s. */
  reconcileMs?: number;
  /** Default 5 s. A health transition is reported at once besides. */
  heartbeatMs?: number;
  /** Failed health checks in a row that make a container that has passed `unhealthy`. Default 3. */
  healthFailureThreshold?: number;
  /** The long-poll's wait (≤ 30). Default 25 s. */
  pollWaitSeconds?: number;
  /** Extra labels on every container and network made (tests mark theirs). */
  containerLabels?: Readonly<Record<string, string>>;
  stopTimeoutSeconds?: number;
  logger?: Logger;
  /** Retry settings of the controller client (tests shorten them). */
  client?: Pick<
    ControllerClientOptions,
    'retries' | 'minRetryDelayMs' | 'maxRetryDelayMs' | 'requestTimeoutMs'
  >;
  now?: () => number;
}

export interface Agent {
  hostId: string;
  /** Stops the loops; the containers keep running. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts the host agent: joins the tenant unless `stateDir` already holds an identity (a restarted
 * agent keeps its host id and token), then runs three loops until `close()`:
 *
 * - long-polls its desired state (ETag, `pollWaitSeconds`); each new document → reconcile at once;
 * - reconciles every `reconcileMs` (observe → diffHost → executeActions);
 * - heartbeats every `heartbeatMs`, right after each reconcile, and at once (coalesced over
 *   ~100 ms) when a health check changes an allocation's state;
 * - checks the health of each running desired allocation (`health.path` every `health.intervalMs`).
 *
 * While the controller cannot be reached it keeps what runs and keeps retrying; before the first
 * desired document after a start it changes nothing (running containers are adopted, not restarted).
 *
 * @example
 * const agent = await startAgent({ docker, apiUrl, tenant: 'acme', stateDir, joinToken,
 *   capacity: { cpuMillicores: 2000, memoryMiB: 4096 }, labels: { zone: 'local', pool: 'default' } });
 * process.once('SIGTERM', () => void agent.close());
 */
export async function startAgent(options: StartAgentOptions): Promise<Agent> {
  const now = options.now ?? Date.now;
  const baseLogger = (options.logger ?? pino()).child({ tenant: options.tenant });
  const identity = await ensureIdentity(options, baseLogger);
  const logger = baseLogger.child({ host: identity.host });
  const client = new ControllerClient({
    ...options.client,
    apiUrl: options.apiUrl,
    tenant: options.tenant,
    identity: { host: identity.host, hostToken: identity.hostToken },
  });
  const stop = new AbortController();
  const { signal } = stop;
  let soon: NodeJS.Timeout | undefined;
  const prober = new HealthProber({
    logger,
    ...(options.healthFailureThreshold === undefined
      ? {}
      : { failureThreshold: options.healthFailureThreshold }),
    onTransition: () => {
      if (soon || signal.aborted) return;
      soon = setTimeout(() => {
        soon = undefined;
        void beat('health');
      }, TRANSITION_COALESCE_MS);
    },
  });
  const reconciler = new HostReconciler({
    docker: options.docker,
    tenant: options.tenant,
    hostId: identity.host,
    client,
    logger,
    ...(options.platformRegistries ? { platformRegistries: options.platformRegistries } : {}),
    ...(options.publishAddress === undefined ? {} : { publishAddress: options.publishAddress }),
    ...(options.containerLabels ? { labels: options.containerLabels } : {}),
    ...(options.stopTimeoutSeconds === undefined ? {} : { stopTimeoutSeconds: options.stopTimeoutSeconds }),
    prober,
  });

  // Heartbeats go one at a time, so an older view never lands after a newer one.
  let beats: Promise<void> = Promise.resolve();
  const beat = (reason: BeatReason) => {
    beats = beats.then(async () => {
      if (signal.aborted) return;
      try {
        await client.heartbeat(await reconciler.report(now()), signal);
        logger.debug({ reason }, 'heartbeat sent');
      } catch (error) {
        if (!signal.aborted)
          logger.warn({ error: describe(error) }, 'heartbeat failed; retrying at the next one');
      }
    });
    return beats;
  };

  // Passes run one at a time; a kick during a pass runs one more after it.
  let pass: Promise<void> | undefined;
  let again = false;
  const reconcile = (): Promise<void> => {
    if (pass) {
      again = true;
      return pass;
    }
    pass = (async () => {
      do {
        again = false;
        try {
          const outcomes = await reconciler.reconcile(signal);
          // Not awaited: a slow controller must not hold up the next pass.
          if (outcomes.length > 0 || reconciler.hasDesired) void beat('reconcile');
        } catch (error) {
          if (!signal.aborted)
            logger.warn({ error: describe(error) }, 'reconcile failed; what runs is left as it is');
        }
      } while (again && !signal.aborted);
    })().finally(() => {
      pass = undefined;
    });
    return pass;
  };

  const pollLoop = async () => {
    let etag: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const asked = Date.now();
        const answer = await client.desired({
          ...(etag ? { etag } : {}),
          waitSeconds: options.pollWaitSeconds ?? 25,
          signal,
        });
        failures = 0;
        if (!answer.changed) {
          // A controller without Redis answers 304 at once instead of waiting: do not spin.
          if (Date.now() - asked < 1000) await pause(1000, signal);
          continue;
        }
        etag = answer.etag;
        reconciler.setDesired(answer.document.allocations);
        logger.info({ etag, allocations: answer.document.allocations.length }, 'new desired state');
        void reconcile();
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        logger.warn(
          { error: describe(error), attempt: failures },
          `could not fetch the desired state; keeping what runs${hint(error, options.stateDir)}`,
        );
        await pause(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2), signal);
      }
    }
  };
  const every = async (ms: number, work: () => Promise<void>) => {
    while (!signal.aborted) {
      await pause(ms, signal);
      if (!signal.aborted) await work();
    }
  };

  logger.info({ apiUrl: options.apiUrl }, 'agent started');
  const loops = [
    pollLoop(),
    every(options.reconcileMs ?? 10_000, reconcile),
    beat('start').then(() => every(options.heartbeatMs ?? 5_000, () => beat('periodic'))),
  ];
  let closing: Promise<void> | undefined;
  return {
    hostId: identity.host,
    close: () => {
      closing ??= (async () => {
        stop.abort(new Error('the agent is closing'));
        clearTimeout(soon);
        await Promise.allSettled([...loops, pass, beats, prober.close()]);
        logger.info('agent stopped; its containers keep running');
      })();
      return closing;
    },
  };
}

async function ensureIdentity(options: StartAgentOptions, logger: Logger): Promise<HostIdentity> {
  const saved = await loadHostIdentity(options.stateDir);
  const path = identityPath(options.stateDir);
  if (saved) {
    if (saved.tenant !== options.tenant)
      throw new Error(
        `${path} belongs to tenant ${saved.tenant}, not ${options.tenant}; use another SLIPWAY_AGENT_DIR for this tenant`,
      );
    if (options.hostName !== undefined && saved.host !== options.hostName)
      throw new Error(
        `${path} is host ${saved.host}, not ${options.hostName}; unset SLIPWAY_HOST_ID or use another SLIPWAY_AGENT_DIR`,
      );
    logger.info({ host: saved.host }, 'reusing the saved host identity');
    return saved;
  }
  if (!options.joinToken)
    throw new Error(
      `${path} holds no host identity and no join token was given; create one (POST /v1/tenants/${options.tenant}/join-tokens) and set SLIPWAY_JOIN_TOKEN`,
    );
  const client = new ControllerClient({ ...options.client, apiUrl: options.apiUrl, tenant: options.tenant });
  const joined = await client.join({
    joinToken: options.joinToken,
    ...(options.hostName === undefined ? {} : { name: options.hostName }),
    capacity: options.capacity,
    labels: options.labels,
  });
  const identity = { apiUrl: options.apiUrl, tenant: options.tenant, ...joined };
  await saveHostIdentity(options.stateDir, identity);
  logger.info({ host: joined.host }, 'joined the tenant; host identity saved');
  return identity;
}

/** An error's words for a log line: messages of this package's errors hold no secrets. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hint(error: unknown, stateDir: string): string {
  if (error instanceof ControllerRequestError && error.status === 401)
    return `: the host token was refused (host removed?); remove ${identityPath(stateDir)} and join again with a new SLIPWAY_JOIN_TOKEN`;
  return ' and retrying';
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the agent is closing.
  }
}
