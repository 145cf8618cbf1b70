import { type MemberRole, memberRoleSchema, recordIdSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import type { TokenRecord } from './token-record.js';
import type { User } from './user.js';

// What the TokenService's calls take and give back, and the schemas that check the inputs.

export interface CreateApiTokenInput {
  /** The owner (a user id or the user); must exist and be enabled. */
  user: string | User;
  /** What the token is for, shown in listings, e.g. `laptop CLI`. */
  name: string;
  /** Scope the token to this tenant (with `role`). */
  tenant?: string;
  role?: MemberRole;
  /** A platform admin token (no tenant); only for admin users. */
  admin?: boolean;
  /** Expiry in ms; default 90 days from now, at most a year. */
  expiresAt?: number;
  now?: number;
}

export interface CreateJoinTokenInput {
  tenant: string;
  /** Who created it (a user id). */
  createdBy: string;
  /** How many hosts may join with it; default 1. */
  uses?: number;
  /** Expiry in ms; default a day from now, at most a year. */
  expiresAt?: number;
  now?: number;
}

export interface CreateHostTokenInput {
  tenant: string;
  host: string;
  now?: number;
}

/** A new token: the plaintext, returned this once and stored nowhere, and its record. */
export interface CreatedToken<R = TokenRecord> {
  token: string;
  record: R;
}

/** A successful join-token redemption. */
export interface JoinRedemption {
  tenant: string;
  joinTokenId: string;
  /** Uses left after this one. */
  remainingUses: number;
}

const userRefSchema = z.union([
  z.string().min(1),
  z.object({ id: z.string().min(1) }).transform((user) => user.id),
]);
export const apiTokenInputSchema = z
  .object({
    user: userRefSchema,
    name: z.string().trim().min(1).max(100),
    tenant: tenantIdSchema.optional(),
    role: memberRoleSchema.optional(),
    admin: z.boolean().default(false),
    expiresAt: z.number().optional(),
    now: z.number().optional(),
  })
  .superRefine((input, context) => {
    if (input.admin && (input.tenant !== undefined || input.role !== undefined)) {
      context.addIssue({ code: 'custom', path: ['tenant'], message: 'an admin token has no tenant or role' });
    } else if ((input.tenant === undefined) !== (input.role === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['role'],
        message: 'a tenant-scoped token needs both tenant and role',
      });
    }
  });
export const joinTokenInputSchema = z.object({
  tenant: tenantIdSchema,
  createdBy: z.string().min(1).max(200),
  uses: z.int().min(1).max(10_000).default(1),
  expiresAt: z.number().optional(),
  now: z.number().optional(),
});
export const hostTokenInputSchema = z.object({
  tenant: tenantIdSchema,
  host: recordIdSchema,
  now: z.number().optional(),
});
