/** What {@link hostsLost} needs of a host: its id and when it registered (ms since the epoch). */
export interface HostRegistration {
  id: string;
  registeredAtMs: number;
}

/** A host silent for longer than this is lost (Kubernetes waits ~350 s before rescheduling). */
export const DEFAULT_HOST_GRACE_MS = 15_000;

/**
 * The ids (sorted) of the hosts silent for longer than `graceMs` at `nowMs`. A host's last
 * sign of life is its last heartbeat, or its registration when it never reported.
 *
 * @example hostsLost([{ id: 'h-1', registeredAtMs: 0 }], new Map([['h-1', 1_000]]), 20_000) // ['h-1']
 */
export function hostsLost(
  hosts: readonly HostRegistration[],
  heartbeats: ReadonlyMap<string, number>,
  nowMs: number,
  graceMs: number = DEFAULT_HOST_GRACE_MS,
): string[] {
  return hosts
    .filter(
      (host) =>
        nowMs - Math.max(heartbeats.get(host.id) ?? host.registeredAtMs, host.registeredAtMs) > graceMs,
    )
    .map((host) => host.id)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
