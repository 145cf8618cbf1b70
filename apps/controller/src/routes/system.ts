// Brings in @fastify/swagger's `app.swagger()` type, for whoever imports this file alone.
import type {} from '@fastify/swagger';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { defineRoute } from '../api/route.js';
import { type LeaderRecord, leaderRecordKey } from '../leadership/leader-record.js';

/** A follower's read of the lease must not hang the API when DynamoDB does not answer. */
const readTimeoutMs = 500;

const leaderViewSchema = z
  .object({
    self: z.object({ id: z.string(), leading: z.boolean() }),
    leader: z.object({ id: z.string(), epoch: z.int(), since: z.number().nullable() }).nullable(),
    unavailable: z
      .string()
      .optional()
      .describe('Why `leader` is unknown, when the lease backend did not answer'),
  })
  .meta({ id: 'LeaderView' });
export type LeaderView = z.infer<typeof leaderViewSchema>;

export const systemRoutes = [
  defineRoute({
    id: 'system.health',
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness of this replica',
    tags: ['system'],
    auth: auth.public,
    response: z.object({ status: z.literal('ok'), controller: z.string() }),
    handler: async ({ services }) => ({ status: 'ok' as const, controller: services.replica.id }),
  }),
  defineRoute({
    id: 'system.metrics',
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics of this replica',
    tags: ['system'],
    auth: auth.public,
    response: z.string(),
    handler: async ({ services, reply }) => {
      reply.header('content-type', services.replica.metrics.registry.contentType);
      return services.replica.metrics.registry.metrics();
    },
  }),
  defineRoute({
    id: 'system.openapi',
    method: 'GET',
    url: '/v1/openapi.json',
    summary: 'This OpenAPI document',
    tags: ['system'],
    auth: auth.public,
    response: z.record(z.string(), z.unknown()),
    handler: async ({ request }) => request.server.swagger() as unknown as Record<string, unknown>,
  }),
  defineRoute({
    id: 'system.leader',
    method: 'GET',
    url: '/v1/leader',
    summary: 'Which replica leads: the leader answers from its own term, a follower from the lease',
    tags: ['system'],
    auth: auth.public,
    response: leaderViewSchema,
    handler: async ({ services }): Promise<LeaderView> => {
      const { replica, store } = services;
      const self = { id: replica.id, leading: replica.elector.isLeader() };
      const mine = replica.elector.current();
      if (self.leading && mine)
        return { self, leader: { id: mine.owner, epoch: mine.epoch, since: mine.since } };
      let lease: Awaited<ReturnType<typeof replica.lease.read>>;
      try {
        lease = await replica.lease.read(replica.leaseName, { signal: AbortSignal.timeout(readTimeoutMs) });
      } catch (error) {
        return {
          self,
          leader: null,
          unavailable: `the lease could not be read: ${(error as Error).message}`,
        };
      }
      if (!lease || lease.expiresAt <= services.now()) return { self, leader: null };
      const record = await Promise.race([
        store.get(leaderRecordKey).then((doc) => doc?.value as LeaderRecord | undefined),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), readTimeoutMs).unref()),
      ]).catch(() => undefined);
      const since = record?.epoch === lease.epoch ? record.since : null;
      return { self, leader: { id: lease.owner, epoch: lease.epoch, since } };
    },
  }),
];
