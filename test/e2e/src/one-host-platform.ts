import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentProcess } from './agent-process.js';
import { startJoinedAgent } from './joined-agent.js';
import { type PushPlatform, type StartPushPlatformOptions, startPushPlatform } from './push-platform.js';
import { HTTPD_CMD } from './web-image.js';

/** A Dockerfile serving the repository's `index.html` on 8080, stopping at once on SIGTERM. */
export const HTTPD_DOCKERFILE = [
  'FROM slipway/busybox:local',
  'COPY index.html /www/index.html',
  HTTPD_CMD,
  '',
].join('\n');

/** The push platform with its tenant created through the API and one joined host, `h-1`. */
export interface OneHostPlatform {
  platform: PushPlatform;
  agent: AgentProcess;
  /** Stops the agent, then the platform, and removes the agent's folder. */
  close(): Promise<void>;
}

/**
 * {@link startPushPlatform} (with its API) plus what most end-to-end tests do next: create the
 * tenant and join one agent process as host `h-1`.
 *
 * @example
 * const { platform, close } = await startOneHostPlatform({ files: { 'slipway.yaml': yaml, … } });
 */
export async function startOneHostPlatform(options: StartPushPlatformOptions): Promise<OneHostPlatform> {
  const platform = await startPushPlatform({ api: true, ...options });
  const agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-host-'));
  const cleanUp = async (agent?: AgentProcess) => {
    await agent?.stop('SIGTERM');
    await platform.close();
    await rm(agentsDir, { recursive: true, force: true });
  };
  try {
    const tenant = await platform.api!.request('POST', '/v1/tenants', { id: platform.tenant, name: 'Acme' });
    if (tenant.status !== 201 && tenant.status !== 409)
      throw new Error(`creating the tenant failed: ${tenant.status} ${JSON.stringify(tenant.body)}`);
    const agent = await startJoinedAgent(platform, { host: 'h-1', stateDir: join(agentsDir, 'h-1') });
    return { platform, agent, close: () => cleanUp(agent) };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
