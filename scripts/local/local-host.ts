// Local mode's host: the machine's own Docker engine, joined to a local tenant by an agent running
// in this process — what an operator does on each EC2 host in AWS mode, done for them.

import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Agent, loadHostIdentity, startAgent } from '@slipway/agent';
import type { Controller } from '@slipway/controller';
import { ConflictError, tenantKey } from '@slipway/state';
import Docker from 'dockerode';
import type { Logger } from 'pino';

export interface LocalHostOptions {
  controller: Controller;
  apiUrl: string;
  /** SLIPWAY_LOCAL_TENANT (default `local`): the tenant whose host this machine is. */
  tenant: string;
  /** The host id (default `local-1`). */
  host: string;
  dataDir: string;
  dockerSocket: string;
  logger: Logger;
}

/**
 * Makes sure the local tenant exists (admins reach every tenant; bind a GitHub installation to it
 * to deploy pushes), then starts an agent for this machine. The first start joins with a one-use
 * join token made here; later starts reuse the identity kept under `<data dir>/agent/<host>`, so
 * the containers of the last run are adopted, not restarted.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<Agent> {
  const { controller, tenant, host } = options;
  const { repos, tokens } = controller.services;
  if (!(await repos.tenants.get(tenantKey(tenant)))) {
    await repos.tenants
      .create({
        id: tenant,
        name: tenant,
        members: [],
        githubInstallations: [],
        createdAt: new Date().toISOString(),
      })
      .catch((error: unknown) => {
        if (!(error instanceof ConflictError)) throw error; // made meanwhile: fine
      });
  }
  const stateDir = join(options.dataDir, 'agent', host);
  const joinToken = (await loadHostIdentity(stateDir))
    ? undefined
    : (await tokens.createJoinToken({ tenant, createdBy: 'npm-start', uses: 1 })).token;
  return startAgent({
    docker: new Docker({ socketPath: options.dockerSocket }),
    apiUrl: options.apiUrl,
    tenant,
    stateDir,
    hostName: host,
    ...(joinToken ? { joinToken } : {}),
    capacity: { cpuMillicores: cpus().length * 1000, memoryMiB: Math.floor(totalmem() / 1024 / 1024) },
    labels: { zone: 'local', pool: 'default' },
    publishAddress: '127.0.0.1',
    logger: options.logger.child({ app: 'agent' }),
  });
}
