import { tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auditTimeSchema } from './audit-entry.js';
import { InvalidAuditQueryError } from './audit-errors.js';
import { AUDIT_QUERY_DEFAULT_LIMIT, AUDIT_QUERY_MAX_LIMIT, type AuditQuery } from './audit-log.js';

/** An exact action (`member.add`) or a prefix ending in "." (`member.`). */
const ACTION_FILTER_PATTERN = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)*\.?$/;

const auditQuerySchema = z
  .strictObject({
    tenant: tenantIdSchema.nullable().optional(),
    actor: z.string().min(1).max(256).optional(),
    action: z.string().max(64).regex(ACTION_FILTER_PATTERN).optional(),
    since: auditTimeSchema.optional(),
    until: auditTimeSchema.optional(),
    cursor: z.string().min(1).max(4096).optional(),
    limit: z.number().int().min(1).max(AUDIT_QUERY_MAX_LIMIT).default(AUDIT_QUERY_DEFAULT_LIMIT),
  })
  .superRefine((query, context) => {
    if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
      context.addIssue({ code: 'custom', path: ['since'], message: 'since must not be later than until' });
    }
  });

/** A validated query, with its default limit filled in. */
export type ParsedAuditQuery = z.infer<typeof auditQuerySchema>;

/** Validates a query, or throws `InvalidAuditQueryError` naming every bad field. */
export function parseAuditQuery(query: AuditQuery): ParsedAuditQuery {
  const result = auditQuerySchema.safeParse(query);
  if (!result.success) {
    throw new InvalidAuditQueryError(
      result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    );
  }
  return result.data;
}

/** True when `action` passes the query's action filter (exact, or a prefix ending in "."). */
export function actionMatches(action: string, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  return filter.endsWith('.') ? action.startsWith(filter) : action === filter;
}
