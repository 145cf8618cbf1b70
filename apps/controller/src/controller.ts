import { StateAuditLog } from '@slipway/audit';
import type { Edge, TenantEdge } from '@slipway/cloud';
import { TokenService, UserDirectory } from '@slipway/identity';
import { LeaderElector } from '@slipway/lease';
import { LocalKeyCipher, loadSecretsKey, SecretsRepository } from '@slipway/secrets';
import { createRepositories, Installations, PolicyStore } from '@slipway/state';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiServices } from './api/services.js';
import { AuthCache } from './auth-cache/auth-cache.js';
import type { AwsEdgeSettings } from './aws-edge-config.js';
import type { Backends } from './backends.js';
import { BuildLogReader, type BuildLogReaderOptions } from './build-logs/build-log-reader.js';
import type { ControllerConfig } from './config.js';
import { awsEdgeSyncLoop } from './edge/aws-edge-sync-loop.js';
import { edgeStatusStore } from './edge/edge-status.js';
import { edgeSyncLoop } from './edge/edge-sync-loop.js';
import { GitHubUserClient } from './github/github-user-client.js';
import { createHostServices, type HostServicesOptions } from './hosts/host-services.js';
import { leaderRecordLoop } from './leadership/leader-record.js';
import type { LeaderLoop } from './loops/leader-loop.js';
import { LeaderLoops } from './loops/leader-loops.js';
import { ReplicaLoops } from './loops/replica-loops.js';
import { createControllerMetrics } from './metrics.js';
import type { SchedulerLoopOptions } from './scheduler/scheduler-loop.js';
import { SchedulerSignals } from './scheduler/scheduler-signals.js';
import { schedulingOf } from './scheduling.js';
import { createServer } from './server.js';

export interface Controller {
  app: FastifyInstance;
  elector: LeaderElector;
  services: ApiServices;
  /** Starts competing for leadership (the API answers as soon as `app.listen` is called). */
  start(): void;
  /** Releases the lease (so another replica takes over at once), stops the loops, closes the API. Idempotent. */
  stop(): Promise<void>;
}

export interface ControllerOptions {
  config: ControllerConfig;
  backends: Backends;
  logger: Logger;
  /** Leader-only loops; the leader record always runs first. */
  loops?: readonly LeaderLoop[];
  /** The clock for API timestamps and token expiry (tests move it). */
  now?: () => number;
  /** Timings and limits of build log followers (tests shorten them). */
  buildLogs?: Pick<BuildLogReaderOptions, 'heartbeatMs' | 'idleCheckMs' | 'blockMs' | 'maxFollowers'>;
  /** Host heartbeat TTL (tests shorten it). */
  hosts?: Pick<HostServicesOptions, 'heartbeatTtlMs'>;
  /** A local edge (`startLocalEdge`) this replica keeps in step with healthy allocations, leader or not. */
  edge?: Edge;
  /**
   * The AWS edge (ALB, Route53, ACM) the leader keeps in step with services and healthy
   * allocations (needs Redis); `zoneOf` and `resyncMs` as {@link awsEdgeSettings} gives them.
   */
  awsEdge?: { edge: TenantEdge } & Pick<AwsEdgeSettings, 'zoneOf'> &
    Partial<Pick<AwsEdgeSettings, 'resyncMs'>>;
  /** The scheduler's timings (tests shorten them). */
  scheduler?: Pick<
    SchedulerLoopOptions,
    'graceMs' | 'tickMs' | 'resyncMs' | 'drainMs' | 'progressDeadlineMs'
  >;
}

/** Wires one controller replica: API on every replica, leader loops only while it holds the lease. */
export async function createController(options: ControllerOptions): Promise<Controller> {
  const { config, backends, logger } = options;
  const metrics = createControllerMetrics(config.controllerId);
  const elector = new LeaderElector({
    backend: backends.lease,
    name: config.leaseName,
    owner: config.controllerId,
    ttlMs: config.leaseTtlMs,
    logger: logger.child({ component: 'lease' }),
  });
  elector.onElected(({ token }) => {
    metrics.leading.set(1);
    metrics.epoch.set(token.epoch);
    metrics.elections.inc();
  });
  // The elector itself logs elections and depositions with their reasons.
  elector.onDeposed((reason) => {
    metrics.leading.set(0);
    metrics.depositions.inc({ reason: reason.code });
  });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, {
        lazyConnect: false,
        maxRetriesPerRequest: 2,
        // Build log followers duplicate this connection; the name lets operators count them (CLIENT LIST).
        connectionName: `slipway-controller:${config.controllerId.replace(/\s/g, '_')}`,
      })
    : undefined;
  redis?.on('error', (error) => logger.warn({ err: error }, 'redis: connection problem'));

  // Token records and tenants are cached per replica; every write of one is announced to all.
  const authCache = new AuthCache({
    redis,
    prefix: config.redisPrefix,
    logger: logger.child({ component: 'auth-cache' }),
  });
  authCache.start();
  const store = authCache.announcingWrites(backends.store);
  const users = new UserDirectory({ store });
  const repos = createRepositories(store);
  const services: ApiServices = {
    store,
    repos,
    users,
    tokens: new TokenService({ store, users, recordCache: authCache.tokens }),
    authCache,
    audit: new StateAuditLog({ store }),
    policies: new PolicyStore({ store }),
    secrets: new SecretsRepository({
      store,
      cipher: new LocalKeyCipher({
        keys: { local: loadSecretsKey(secretsKeySource(config)) },
        activeKeyId: 'local',
      }),
    }),
    installations: new Installations({ store }),
    buildLogs: new BuildLogReader({
      ...options.buildLogs,
      repos,
      prefix: config.redisPrefix,
      logger: logger.child({ component: 'build-logs' }),
      ...(redis ? { redis } : {}),
    }),
    hosts: createHostServices({
      ...options.hosts,
      store,
      redis,
      prefix: config.redisPrefix,
      logger: logger.child({ component: 'hosts' }),
    }),
    scheduler: redis ? new SchedulerSignals({ redis, prefix: config.redisPrefix }) : undefined,
    edgeStatus: redis ? edgeStatusStore(redis, config.redisPrefix) : undefined,
    registry: backends.registry,
    github: new GitHubUserClient({ baseUrl: config.githubApiUrl }),
    logger,
    now: options.now ?? Date.now,
    dashboardSecret: config.dashboardSecret,
    replica: {
      id: config.controllerId,
      elector,
      lease: backends.lease,
      leaseName: config.leaseName,
      metrics,
    },
  };
  const scheduling = schedulingOf(services, redis, config.redisPrefix, logger, {
    drainMs: config.drainMs,
    progressDeadlineMs: config.rolloutDeadlineMs,
    ...options.scheduler,
    serviceUrlTemplate: config.serviceUrlTemplate,
  });
  const status = services.hosts.status;
  const replicaLoops = new ReplicaLoops(
    options.edge && redis && status
      ? [
          edgeSyncLoop({
            edge: options.edge,
            repos: services.repos,
            desired: services.hosts.desired,
            status,
            redis,
            prefix: config.redisPrefix,
          }),
        ]
      : [],
    { store: backends.store, logger, metrics },
  );
  const awsEdge =
    options.awsEdge && redis && status && services.edgeStatus
      ? awsEdgeSyncLoop({
          edge: options.awsEdge.edge,
          zoneOf: options.awsEdge.zoneOf,
          ...(options.awsEdge.resyncMs ? { resyncMs: options.awsEdge.resyncMs } : {}),
          repos: services.repos,
          desired: services.hosts.desired,
          status,
          policies: services.policies,
          drainMs: config.drainMs,
          statuses: services.edgeStatus,
          redis,
          prefix: config.redisPrefix,
        })
      : undefined;
  if (options.awsEdge && !awsEdge) throw new Error('the AWS edge needs Redis (REDIS_URL)');
  const loops = new LeaderLoops({
    loops: [leaderRecordLoop(), ...scheduling.loops, ...(awsEdge ? [awsEdge] : []), ...(options.loops ?? [])],
    store: backends.store,
    fenceFamily: config.leaseName,
    logger,
    metrics,
  });
  loops.attach(elector);

  const app = await createServer({
    services,
    rateLimit: {
      perMinute: config.rateLimitPerMinute,
      keyPrefix: `${config.redisPrefix}:ratelimit:`,
      ...(redis ? { redis } : {}),
    },
  });
  // Open log streams would hold the server open; ending them lets clients resume on another replica.
  app.addHook('preClose', async () => services.buildLogs.close());
  // Long-polls answer at once (the agent polls another replica) instead of holding the close.
  app.addHook('preClose', async () => services.hosts.watcher?.close());

  let stopping: Promise<void> | undefined;
  return {
    app,
    elector,
    services,
    start: () => {
      replicaLoops.start();
      elector.start();
    },
    stop: () => {
      stopping ??= (async () => {
        await elector.stop();
        await loops.settled();
        await replicaLoops.stop();
        await scheduling.close();
        await app.close();
        authCache.close();
        redis?.disconnect();
        await backends.close();
      })();
      return stopping;
    },
  };
}

/** Where the key that encrypts secret env vars comes from (AWS mode must be given it). */
function secretsKeySource(config: ControllerConfig) {
  return {
    secretsKey: config.secretsKey,
    mode: config.mode,
    dataDir: config.mode === 'local' ? config.dataDir : '',
  };
}
