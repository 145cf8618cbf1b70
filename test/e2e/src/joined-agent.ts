import { type AgentProcess, startAgentProcess } from './agent-process.js';
import { eventually } from './eventually.js';
import type { PushPlatform } from './push-platform.js';

/**
 * One more host for the platform's tenant (which must exist): a one-use join token from the API, the
 * agent as a real process keeping its identity in `stateDir`, and a wait until its first heartbeat.
 *
 * @example
 * const agent = await startJoinedAgent(platform, { host: 'h-1', stateDir: join(agentsDir, 'h-1') });
 * await agent.stop('SIGTERM');
 */
export async function startJoinedAgent(
  platform: Pick<PushPlatform, 'api' | 'tenant'>,
  options: { host: string; stateDir: string; zone?: string },
): Promise<AgentProcess> {
  const api = platform.api;
  if (!api) throw new Error('start the platform with `api: true` (or `edge: true`) to join hosts');
  const hosts = `/v1/tenants/${platform.tenant}/hosts`;
  const token = await api.request('POST', `/v1/tenants/${platform.tenant}/join-tokens`, { uses: 1 });
  if (token.status !== 201) throw new Error(`no join token: ${token.status} ${JSON.stringify(token.body)}`);
  const agent = startAgentProcess({
    apiUrl: api.url,
    tenant: platform.tenant,
    ...options,
    joinToken: (token.body as { token: string }).token,
  });
  try {
    await eventually(
      `${options.host} reporting`,
      () => api.request('GET', `${hosts}/${options.host}`),
      (r) => r.status === 200 && Boolean((r.body as { lastHeartbeat: string | null }).lastHeartbeat),
    );
  } catch (error) {
    await agent.stop('SIGKILL');
    throw error;
  }
  return agent;
}
