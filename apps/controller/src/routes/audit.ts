import { InvalidAuditQueryError } from '@slipway/audit';
import { tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';

const auditQuery = z.object({
  actor: z.string().max(200).optional().describe('Only entries by this user or host id'),
  action: z
    .string()
    .max(100)
    .optional()
    .describe("Exact action (`member.put`) or a prefix ending in '.' (`members.`)"),
  since: z.coerce.number().int().min(0).optional().describe('From this time (ms since the epoch)'),
  until: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Up to and including this time (ms since the epoch)'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const entryView = z
  .object({
    id: z.string(),
    at: z.number(),
    tenant: z.string().nullable(),
    actor: z.object({ kind: z.string(), id: z.string(), tokenId: z.string().optional() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }).optional(),
    outcome: z.enum(['success', 'denied', 'failed']),
    status: z.int().optional(),
    source: z.object({
      ip: z.string().optional(),
      userAgent: z.string().optional(),
      requestId: z.string().optional(),
    }),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .meta({ id: 'AuditEntry' });

const auditPage = z.object({ items: z.array(entryView), nextCursor: z.string().optional() });

type AuditQuery = z.infer<typeof auditQuery>;

/** Runs an audit query, answering 400 with field paths when the log refuses the filters. */
async function run<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (!(error instanceof InvalidAuditQueryError)) throw error;
    const fields = error.issues.map((i) => ({ path: `query.${i.path.join('.')}`, message: i.message }));
    throw ApiError.invalid(
      `invalid audit query: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
}

function filters(query: AuditQuery) {
  const { cursor, ...rest } = query;
  return { ...rest, ...(cursor ? { cursor } : {}) };
}

export const auditRoutes = [
  defineRoute({
    id: 'audit.tenant',
    method: 'GET',
    url: '/v1/tenants/:tenant/audit',
    summary: "The tenant's audit log, newest first",
    tags: ['audit'],
    auth: auth.owner,
    params: z.object({ tenant: tenantIdSchema }),
    query: auditQuery,
    response: auditPage,
    handler: async ({ params, query, services }) => {
      const page = await run(() => services.audit.query({ ...filters(query), tenant: params.tenant }));
      return { items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) };
    },
  }),
  defineRoute({
    id: 'audit.all',
    method: 'GET',
    url: '/v1/audit',
    summary: 'The whole audit log (every tenant and the platform), newest first',
    tags: ['audit'],
    auth: auth.admin,
    query: auditQuery.extend({
      tenant: z
        .string()
        .max(100)
        .optional()
        .describe("One tenant's entries; `_platform` for platform-level ones"),
    }),
    response: auditPage,
    handler: async ({ query, services }) => {
      const { tenant, ...rest } = query;
      const page = await run(() =>
        services.audit.query({
          ...filters(rest),
          ...(tenant !== undefined ? { tenant: tenant === '_platform' ? null : tenant } : {}),
        }),
      );
      return { items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) };
    },
  }),
];
