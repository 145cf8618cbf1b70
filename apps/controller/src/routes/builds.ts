import {
  buildSchema,
  buildStatusSchema,
  environmentNameSchema,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
} from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { pageQuerySchema, pageSchema, paginateNewestFirst } from '../api/pagination.js';
import { defineRoute } from '../api/route.js';
import { type SseMessage, serverSentEvents } from '../api/server-sent-events.js';
import type { ApiServices } from '../api/services.js';
import { BuildLogError } from '../build-logs/build-log-error.js';
import type { BuildLogEvent } from '../build-logs/build-log-reader.js';
import { type LogPosition, parseLogPosition } from '../build-logs/log-position.js';
import { findBuild, listBuilds } from '../history/tenant-history.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const buildParams = tenantParams.extend({ id: recordIdSchema });
const buildView = buildSchema.meta({ id: 'Build' });

const logLineId = z
  .string()
  .regex(
    /^(\d{1,20}-\d{1,20}|a-\d{1,9})$/,
    'a line id from this API: `<ms>-<n>` (live) or `a-<n>` (archived)',
  );

const buildLogView = z
  .object({
    buildId: z.string(),
    source: z
      .enum(['stream', 'archive', 'none'])
      .describe(
        'stream: the live log (Redis); archive: the copy kept once the build finished; none: no log yet',
      ),
    lines: z.array(
      z.object({ id: z.string().describe('Pass back as `after` to read what follows'), line: z.string() }),
    ),
    status: z
      .string()
      .nullable()
      .describe('How the log ended (succeeded, failed, cancelled); null while the build is still going'),
    truncated: z.boolean().describe('The oldest lines were dropped (a live log keeps about 10,000)'),
  })
  .meta({ id: 'BuildLog' });

async function requireBuild(services: ApiServices, params: { tenant: string; id: string }) {
  const build = await findBuild(services, params.tenant, params.id);
  if (!build) throw ApiError.notFound(`build '${params.id}'`);
  return build;
}

/** Where to resume: SSE's Last-Event-ID (sent by a reconnecting EventSource) wins over `?after=`. */
function resumePoint(after: string | undefined, lastEventId: string | string[] | undefined) {
  if (typeof lastEventId === 'string' && lastEventId !== '') {
    const position = parseLogPosition(lastEventId);
    if (!position) {
      throw ApiError.invalid('Last-Event-ID is not a line id of this log', [
        { path: 'headers.last-event-id', message: 'send back the id of the last event received, unchanged' },
      ]);
    }
    return position;
  }
  return after === undefined ? undefined : parseLogPosition(after);
}

/** A log that cannot be served right now is a 503 the caller can act on. */
function unavailable(error: unknown): never {
  if (error instanceof BuildLogError) throw new ApiError(503, error.code, error.message);
  throw error;
}

async function* messagesOf(events: AsyncIterable<BuildLogEvent>): AsyncGenerator<SseMessage> {
  for await (const event of events) {
    if (event.kind === 'line') yield { event: 'line', id: event.id, data: { line: event.line } };
    else yield { event: 'end', ...(event.id ? { id: event.id } : {}), data: { status: event.status } };
  }
}

const since = (after: LogPosition | undefined) => (after ? { after } : {});

export const buildRoutes = [
  defineRoute({
    id: 'builds.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/builds',
    summary: "The tenant's builds, newest first",
    tags: ['builds'],
    auth: auth.viewer,
    params: tenantParams,
    query: pageQuerySchema.extend({
      service: serviceNameSchema.optional(),
      environment: environmentNameSchema.optional(),
      status: buildStatusSchema.optional(),
    }),
    response: pageSchema(buildView),
    handler: async ({ params, query, services }) => {
      const { cursor, limit, ...filters } = query;
      const builds = await listBuilds(services, params.tenant, filters);
      return paginateNewestFirst(builds, (b) => ({ at: b.createdAt, id: b.id }), {
        limit,
        ...(cursor !== undefined ? { cursor } : {}),
      });
    },
  }),
  defineRoute({
    id: 'builds.get',
    method: 'GET',
    url: '/v1/tenants/:tenant/builds/:id',
    summary: 'One build',
    tags: ['builds'],
    auth: auth.viewer,
    params: buildParams,
    response: buildView,
    handler: async ({ params, services }) => requireBuild(services, params),
  }),
  defineRoute({
    id: 'builds.logs',
    method: 'GET',
    url: '/v1/tenants/:tenant/builds/:id/logs',
    summary:
      "A build's log: JSON as far as it goes, or with `follow=1` Server-Sent Events (`line` per line, " +
      '`end` with the status, then the stream closes; resume with Last-Event-ID)',
    tags: ['builds'],
    auth: auth.viewer,
    params: buildParams,
    query: z.object({
      follow: z.stringbool().default(false).describe('1: stream as text/event-stream until the build ends'),
      after: logLineId.optional().describe('Only lines after this line id'),
    }),
    response: buildLogView,
    handler: async ({ params, query, request, services }) => {
      const build = await requireBuild(services, params);
      const after = resumePoint(query.after, request.headers['last-event-id']);
      if (!query.follow) {
        const { endId: _, ...log } = await services.buildLogs.read(build, since(after)).catch(unavailable);
        return { buildId: build.id, ...log };
      }
      const abort = new AbortController();
      let events: AsyncIterable<BuildLogEvent>;
      try {
        events = services.buildLogs.follow(build, { ...since(after), signal: abort.signal });
      } catch (error) {
        unavailable(error);
      }
      return serverSentEvents(messagesOf(events), {
        abort,
        heartbeatMs: services.buildLogs.heartbeatMs,
        logger: request.log.child({ tenant: build.tenant, buildId: build.id }),
      });
    },
  }),
];
