// Where the time of one push-to-live round goes: moments read afterwards from the records the
// platform keeps (build, build log, Release, rollout), the agent's log, the Docker engine's event
// log and the routing tables handed to the edge. Printed to stderr by the push-to-live bench.
import type { EdgeRoute, LocalEdge } from '@slipway/cloud';
import type { AgentProcess, PushPlatform } from '@slipway/e2e';
import { buildsPrefix, rolloutsPrefix } from '@slipway/state';
import { percentile } from './bench.js';

/** The engine's events between two moments (ms since epoch), oldest first. */
async function engineEvents(
  docker: PushPlatform['docker'],
  from: number,
  to: number,
): Promise<EngineEvent[]> {
  const stream = (await docker.getEvents({
    since: Math.floor(from / 1000),
    until: Math.ceil(to / 1000) + 1,
  })) as unknown as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EngineEvent)
    .filter((event) => event.timeNano / 1e6 >= from);
}

interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  timeNano: number;
}

/** When the engine first did `action` on a `type` object matching `match`. */
function engineMark(events: EngineEvent[], type: string, action: string, match: (e: EngineEvent) => boolean) {
  const found = events.find((e) => e.Type === type && e.Action === action && match(e));
  return found ? found.timeNano / 1e6 : undefined;
}

/** One routing table handed to the edge: when, when it took effect, and its backends for the service. */
export interface EdgeUpdate {
  at: number;
  done: number;
  addresses: string[];
}

/**
 * Records every routing table the controller hands `edge` (the same object it drives), to find
 * when a new container joined the rotation.
 */
export function recordEdgeUpdates(edge: LocalEdge, service: string): EdgeUpdate[] {
  const updates: EdgeUpdate[] = [];
  const update = edge.update.bind(edge);
  edge.update = async (routes: readonly EdgeRoute[]) => {
    const at = Date.now();
    const addresses = routes
      .filter((r) => r.service === service)
      .flatMap((r) => r.backends.map((b) => b.address));
    const report = await update(routes);
    updates.push({ at, done: Date.now(), addresses });
    return report;
  };
  return updates;
}

/** Wall-clock moments (ms since epoch) of one Slipway round, to show where the time goes. */
export type Marks = Record<string, number | undefined>;

const since = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

/** The first agent log line at or after `from` with message `msg` (and `reason`, if given). */
function agentLine(agent: AgentProcess, from: number, msg: string, reason?: string): number | undefined {
  for (const line of agent.lines) {
    if (!line.includes(msg)) continue;
    const entry = JSON.parse(line) as { time: number; msg: string; reason?: string };
    if (entry.time >= from && entry.msg === msg && (reason === undefined || entry.reason === reason))
      return entry.time;
  }
  return undefined;
}

/** When the build log first had a line matching `pattern` (stream ids are arrival times in ms). */
function logLine(entries: [string, string[]][], pattern: RegExp, last = false): number | undefined {
  const matching = entries.filter(([, fields]) => fields[0] === 'line' && pattern.test(fields[1] ?? ''));
  const entry = last ? matching.at(-1) : matching[0];
  return entry ? Number(entry[0].split('-')[0]) : undefined;
}

/** Reads the records of the round's build, release, rollout and container after the fact. */
export async function roundMarks(options: {
  platform: PushPlatform;
  service: string;
  agent: AgentProcess;
  sha: string;
  pushed: number;
  accepted: number;
  updates: readonly EdgeUpdate[];
  answered: number;
}): Promise<Marks> {
  const { platform, agent, sha, pushed, service } = options;
  const { tenant, repos, docker } = platform;
  const builds = (await repos.builds.scan(buildsPrefix(tenant))).documents.map((d) => d.value);
  const build = builds.find((b) => b.commit === sha && b.service === service);
  const log = build
    ? await platform.redis.xrange(`${platform.prefix}:build-log:${tenant}:${build.id}`, '-', '+')
    : [];
  const release = await platform.waitForRelease(service, sha);
  const rollout = (await rolloutsOf(platform)).find((r) => r.toRelease === release.id);
  const rolloutAt = since(rollout?.createdAt);
  const [container] = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`io.slipway.tenant=${tenant}`, `io.slipway.release=${release.id}`] }),
  });
  const inspected = container ? await docker.getContainer(container.Id).inspect() : undefined;
  const started = since(inspected?.State.StartedAt);
  const port = inspected?.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
  const routed = options.updates.find(
    (u) => u.at >= pushed && u.addresses.some((a) => a.endsWith(`:${port}`)),
  );
  const events = await engineEvents(docker, pushed, options.answered);
  const ours = (e: EngineEvent) => e.Actor.Attributes['io.slipway.release'] === release.id;
  return {
    'webhook accepted': options.accepted,
    'build job started': since(build?.startedAt),
    'source fetched, docker build began': logLine(log, /^Step 1\//),
    'docker build done': logLine(log, /^Successfully (built|tagged)/, true),
    'image pushed (build finished)': since(build?.finishedAt),
    'release recorded': since(release.createdAt),
    'rollout started': rolloutAt,
    'agent got desired state': rolloutAt && agentLine(agent, rolloutAt, 'new desired state'),
    'engine: container created': engineMark(events, 'container', 'create', ours),
    'engine: network connected': engineMark(
      events,
      'network',
      'connect',
      (e) => e.Actor.Attributes.container === container?.Id,
    ),
    'engine: container started': engineMark(events, 'container', 'start', ours),
    'container running (inspect)': started,
    'healthy (agent reported)': started && agentLine(agent, started, 'heartbeat sent', 'health'),
    'edge route present': routed?.done,
    'first new answer at the edge': options.answered,
  };
}

export async function rolloutsOf(platform: PushPlatform) {
  return (await platform.repos.rollouts.scan(rolloutsPrefix(platform.tenant))).documents.map((d) => d.value);
}

/** The round's build, rollout and the agent's last lines, for an error message. */
export async function whatHappened(
  platform: PushPlatform,
  agent: AgentProcess,
  sha: string,
): Promise<string> {
  const builds = (await platform.repos.builds.scan(buildsPrefix(platform.tenant))).documents.map(
    (d) => d.value,
  );
  const build = builds.find((b) => b.commit === sha);
  const release = (await platform.releases()).find((r) => r.commit === sha);
  const rollout = release && (await rolloutsOf(platform)).find((r) => r.toRelease === release.id);
  return [
    `build ${build?.status ?? 'not found'} ${build?.error ?? ''}`,
    `release ${release?.id ?? 'not recorded'}`,
    `rollout ${rollout ? JSON.stringify(rollout) : 'not found'}`,
    `agent's last lines:\n${agent.lines.slice(-30).join('\n')}`,
  ].join('\n');
}

export function formatMarks(pushed: number, marks: Marks): string {
  return Object.entries(marks)
    .map(([name, at]) => `${name} +${at === undefined ? '?' : Math.round(at - pushed)}`)
    .join(', ');
}

/** The median time after the push of each mark, over the rounds. */
export function medianMarks(all: { pushed: number; marks: Marks }[]): string {
  const names = Object.keys(all[0]?.marks ?? {});
  return names
    .map((name) => {
      const offsets = all.flatMap(({ pushed, marks }) =>
        marks[name] === undefined ? [] : [marks[name] - pushed],
      );
      return `  ${name.padEnd(36)} +${Math.round(percentile(offsets, 50))} ms`;
    })
    .join('\n');
}
