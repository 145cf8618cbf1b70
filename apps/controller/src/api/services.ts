import type { AuditLog } from '@slipway/audit';
import type { TokenService, UserDirectory } from '@slipway/identity';
import type { LeaderElector, LeaseBackend } from '@slipway/lease';
import type { SecretsRepository } from '@slipway/secrets';
import type { Repositories, StateStore } from '@slipway/state';
import type { Logger } from 'pino';
import type { ControllerMetrics } from '../metrics.js';
import type { PolicyStore } from '../policy/policy-store.js';

/** Everything route handlers may use; built once by the controller and passed in (no singletons). */
export interface ApiServices {
  store: StateStore;
  repos: Repositories;
  users: UserDirectory;
  tokens: TokenService;
  audit: AuditLog;
  policies: PolicyStore;
  secrets: SecretsRepository;
  logger: Logger;
  now(): number;
  /** This replica: its id, leadership and metrics. */
  replica: {
    id: string;
    elector: LeaderElector;
    lease: LeaseBackend;
    leaseName: string;
    metrics: ControllerMetrics;
  };
}
