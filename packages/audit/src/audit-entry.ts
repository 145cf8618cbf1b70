import { tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { checkAuditDetails } from './audit-details.js';
import { InvalidAuditEntryError } from './audit-errors.js';

/** Who did it: a signed-in user, a host (agent), the platform itself, or nobody identified. */
export const AUDIT_ACTOR_KINDS = ['user', 'host', 'system', 'anonymous'] as const;
/** `denied`: refused by authorization or policy; `failed`: authorized, but it did not work. */
export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;

/** A dotted lowercase verb: `login`, `tenant.create`, `member.add`, `token.revoke`, `host.join-token.create`. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)*$/;
/** `<13-digit ms>-<16 hex digits>`: ids sort by time as strings. */
export const AUDIT_ENTRY_ID_PATTERN = /^\d{13}-[0-9a-f]{16}$/;
/** The latest representable time (the key layout holds 100,000 days from 1970, i.e. until 2243). */
export const AUDIT_MAX_AT = 100_000 * 86_400_000 - 1;
/** Longer user agents are cut to this length by `append` rather than refused. */
export const AUDIT_USER_AGENT_MAX_LENGTH = 512;

const text = (max: number) => z.string().min(1).max(max);

export const auditActorSchema = z.strictObject({
  kind: z.enum(AUDIT_ACTOR_KINDS),
  /** User id, host id, system component (`scheduler`) or, for anonymous callers, e.g. the login name tried. */
  id: text(256),
  /** The API token the request carried (its id, never the token itself). */
  tokenId: text(128).optional(),
});

export const auditTargetSchema = z.strictObject({
  /** What kind of thing: `tenant`, `member`, `token`, `service`, `secret`, `policy`… */
  type: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9_-]*$/),
  id: text(256),
});

export const auditSourceSchema = z.strictObject({
  ip: text(64).optional(),
  userAgent: text(AUDIT_USER_AGENT_MAX_LENGTH).optional(),
  requestId: text(128).optional(),
});

export const auditDetailsSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .superRefine(checkAuditDetails);

export const auditTimeSchema = z.number().int().min(0).max(AUDIT_MAX_AT);

/** One audit record: who did what to which thing, in which tenant, when, from where, and how it ended. */
export const auditEntrySchema = z
  .strictObject({
    id: z.string().regex(AUDIT_ENTRY_ID_PATTERN),
    /** Milliseconds since the epoch. */
    at: auditTimeSchema,
    /** `null`: platform-level (logins, admin actions outside any tenant). */
    tenant: tenantIdSchema.nullable(),
    actor: auditActorSchema,
    action: z.string().max(64).regex(AUDIT_ACTION_PATTERN),
    target: auditTargetSchema.optional(),
    outcome: z.enum(AUDIT_OUTCOMES),
    /** The HTTP status answered, when the entry records an API call. */
    status: z.number().int().min(100).max(599).optional(),
    source: auditSourceSchema,
    /** A few small facts (names, ids, counts); never secrets, values or request bodies. */
    details: auditDetailsSchema.optional(),
  })
  .superRefine((entry, context) => {
    if (!entry.id.startsWith(`${formatAuditTime(entry.at)}-`)) {
      context.addIssue({
        code: 'custom',
        path: ['id'],
        message: 'the id must start with the entry time `at`',
      });
    }
  });

export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export type AuditActor = z.infer<typeof auditActorSchema>;
export type AuditTarget = z.infer<typeof auditTargetSchema>;
export type AuditSource = z.infer<typeof auditSourceSchema>;
export type AuditDetails = z.infer<typeof auditDetailsSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** What `append` takes: an entry without its id; `at` defaults to the log's clock. */
export type AuditEntryInput = Omit<AuditEntry, 'id' | 'at'> & { at?: number };

/** `at` as the 13 zero-padded digits that start an entry id. */
export function formatAuditTime(at: number): string {
  return String(at).padStart(13, '0');
}

/** The id of an entry recorded at `at`, e.g. `1718600000000-3f9a0c1b2d4e5f60`. */
export function auditEntryId(at: number, randomHex: string): string {
  return `${formatAuditTime(at)}-${randomHex}`;
}

/** Validates `value` as an audit entry, or throws `InvalidAuditEntryError` naming every bad field. */
export function parseAuditEntry(value: unknown): AuditEntry {
  const result = auditEntrySchema.safeParse(value);
  if (!result.success) {
    throw new InvalidAuditEntryError(
      result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    );
  }
  return result.data;
}
