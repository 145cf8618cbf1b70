import type { AuditLog } from '@slipway/audit';
import type { ImageRegistry } from '@slipway/cloud';
import type { TokenService, UserDirectory } from '@slipway/identity';
import type { LeaderElector, LeaseBackend } from '@slipway/lease';
import type { SecretsRepository } from '@slipway/secrets';
import type { Installations, PolicyStore, Repositories, StateStore } from '@slipway/state';
import type { Logger } from 'pino';
import type { AuthCache } from '../auth-cache/auth-cache.js';
import type { BuildLogReader } from '../build-logs/build-log-reader.js';
import type { ServiceEdgeStatus } from '../edge/edge-status.js';
import type { GitHubUserClient } from '../github/github-user-client.js';
import type { HostServices } from '../hosts/host-services.js';
import type { ControllerMetrics } from '../metrics.js';
import type { ServiceVerdicts } from '../redis/service-verdicts.js';
import type { SchedulerSignals } from '../scheduler/scheduler-signals.js';

/** Everything route handlers may use; built once by the controller and passed in (no singletons). */
export interface ApiServices {
  store: StateStore;
  repos: Repositories;
  users: UserDirectory;
  tokens: TokenService;
  /** This replica's token records and tenants, for authentication (see auth-cache/auth-cache.ts). */
  authCache: AuthCache;
  audit: AuditLog;
  policies: PolicyStore;
  secrets: SecretsRepository;
  installations: Installations;
  /** Build logs: the live Redis stream, else the state store's archive. */
  buildLogs: BuildLogReader;
  /** Hosts' desired allocations (state store) and live state (Redis). */
  hosts: HostServices;
  /** Wakes the leader's scheduler and reads its verdicts; undefined without `REDIS_URL`. */
  scheduler: SchedulerSignals | undefined;
  /** What the AWS edge made of each service at its last pass; undefined without `REDIS_URL`. */
  edgeStatus: ServiceVerdicts<ServiceEdgeStatus> | undefined;
  /** The platform's registry (local registry or ECR): digests of image services, pull credentials for agents. */
  registry: ImageRegistry | undefined;
  /** GitHub, asked with a user's own token (binding checks). */
  github: GitHubUserClient;
  logger: Logger;
  now(): number;
  /** The dashboard's service secret, when sign-in through the dashboard is configured. */
  dashboardSecret: string | undefined;
  /** This replica: its id, leadership and metrics. */
  replica: {
    id: string;
    elector: LeaderElector;
    lease: LeaseBackend;
    leaseName: string;
    metrics: ControllerMetrics;
  };
}
