import type { AnyRoute } from '../api/route.js';
import { agentRoutes } from './agent.js';
import { agentSupplyRoutes } from './agent-supplies.js';
import { allocationRoutes } from './allocations.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { buildRoutes } from './builds.js';
import { hostRoutes } from './hosts.js';
import { installationRoutes } from './installations.js';
import { joinTokenRoutes } from './join-tokens.js';
import { meRoutes } from './me.js';
import { memberRoutes } from './members.js';
import { policyRoutes } from './policy.js';
import { releaseRoutes } from './releases.js';
import { secretRoutes } from './secrets.js';
import { serviceReleaseRoutes } from './service-releases.js';
import { serviceRoutes } from './services.js';
import { systemRoutes } from './system.js';
import { tenantSecretRoutes } from './tenant-secrets.js';
import { tenantRoutes } from './tenants.js';
import { tokenRoutes } from './tokens.js';

/** The controller's whole API. The authorization matrix test walks this table. */
export const routeTable: readonly AnyRoute[] = [
  ...systemRoutes,
  ...authRoutes,
  ...meRoutes,
  ...tenantRoutes,
  ...memberRoutes,
  ...tokenRoutes,
  ...joinTokenRoutes,
  ...agentRoutes,
  ...agentSupplyRoutes,
  ...hostRoutes,
  ...installationRoutes,
  ...policyRoutes,
  ...secretRoutes,
  ...tenantSecretRoutes,
  ...buildRoutes,
  ...releaseRoutes,
  ...serviceRoutes,
  ...serviceReleaseRoutes,
  ...allocationRoutes,
  ...auditRoutes,
];
