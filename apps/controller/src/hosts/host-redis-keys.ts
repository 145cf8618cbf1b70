/**
 * Where a host's live state sits in Redis (never in the durable store: DESIGN.md §4 rule 8).
 * Every key carries the tenant and the host (rule 4):
 *
 * ```
 * <prefix>:host:<tenant>:<host>:heartbeat   {"at":"…"}                       expires after the TTL
 * <prefix>:host:<tenant>:<host>:observed    {"digest":"…","allocations":[…]}  expires after the TTL
 * <prefix>:host:<tenant>:<host>:desired-etag  the etag of its desired document  expires after a day
 * <prefix>:host-events                      channel: a host joined, came back, changed, left
 * <prefix>:desired-changed                  channel: a host's desired allocations were written
 * ```
 */
export function hostRedisKey(
  prefix: string,
  tenant: string,
  host: string,
  part: 'heartbeat' | 'observed' | 'desired-etag',
): string {
  return `${prefix}:host:${tenant}:${host}:${part}`;
}

/** The channel on which replicas and the leader hear of host changes ({@link HostEvent}). */
export const hostEventsChannel = (prefix: string) => `${prefix}:host-events`;

/** The channel on which long-polls hear that a host's desired allocations changed. */
export const desiredChangedChannel = (prefix: string) => `${prefix}:desired-changed`;

/** A message on {@link hostEventsChannel}. */
export interface HostEvent {
  tenant: string;
  host: string;
  /** joined: recorded; resumed: a heartbeat after none was live; observed: its containers changed; removed: deleted. */
  event: 'joined' | 'resumed' | 'observed' | 'removed';
}
