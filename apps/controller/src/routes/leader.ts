import type { LeaderElector, LeaseBackend } from '@slipway/lease';
import type { StateStore } from '@slipway/state';
import type { FastifyInstance } from 'fastify';
import { type LeaderRecord, leaderRecordKey } from '../leadership/leader-record.js';

export interface LeaderView {
  self: { id: string; leading: boolean };
  /** The lease holder while its lease is live; null between leaders or when the lease cannot be read. */
  leader: { id: string; epoch: number; since: number | null } | null;
  /** Why `leader` is unknown, when the lease backend did not answer. */
  unavailable?: string;
}

/** A follower's read of the lease must not hang the API when DynamoDB does not answer. */
const readTimeoutMs = 500;

/**
 * `GET /v1/leader`. The leader answers from its own term; a follower reads the lease (strongly
 * consistent) and the leader's record for when its term began.
 */
export function leaderRoutes(
  app: FastifyInstance,
  options: {
    controllerId: string;
    elector: LeaderElector;
    lease: LeaseBackend;
    leaseName: string;
    store: StateStore;
  },
) {
  app.get('/v1/leader', async (): Promise<LeaderView> => {
    const self = { id: options.controllerId, leading: options.elector.isLeader() };
    const mine = options.elector.current();
    if (self.leading && mine)
      return { self, leader: { id: mine.owner, epoch: mine.epoch, since: mine.since } };
    let lease: Awaited<ReturnType<LeaseBackend['read']>>;
    try {
      lease = await options.lease.read(options.leaseName, { signal: AbortSignal.timeout(readTimeoutMs) });
    } catch (error) {
      return { self, leader: null, unavailable: `the lease could not be read: ${(error as Error).message}` };
    }
    if (!lease || lease.expiresAt <= Date.now()) return { self, leader: null };
    const record = await Promise.race([
      options.store.get(leaderRecordKey).then((doc) => doc?.value as LeaderRecord | undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), readTimeoutMs).unref()),
    ]).catch(() => undefined);
    const since = record?.epoch === lease.epoch ? record.since : null;
    return { self, leader: { id: lease.owner, epoch: lease.epoch, since } };
  });
}
