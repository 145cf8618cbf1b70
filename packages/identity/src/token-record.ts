import { memberRoleSchema, recordIdSchema, tenantIdSchema, timestampSchema } from '@slipway/core';
import { z } from 'zod';
import { TOKEN_ID_PATTERN } from './token-format.js';
import { userIdSchema } from './user.js';

export const tokenIdSchema = z.string().regex(TOKEN_ID_PATTERN);

const recordBase = {
  id: tokenIdSchema,
  /** `sha256:<hex>` or `hmac-sha256:<hex>` of the secret. Never the secret itself. */
  hash: z.string().regex(/^(?:sha256|hmac-sha256):[0-9a-f]{64}$/),
  createdAt: timestampSchema,
  revokedAt: timestampSchema.optional(),
  /** Who revoked it (a user id, or a system actor such as `bootstrap`). */
  revokedBy: z.string().min(1).max(200).optional(),
};

/**
 * A user's API token. Unscoped: acts with the user's memberships. Scoped (`tenant` + `role`): only
 * in that tenant, with at most that role. Admin: platform admin, no tenant.
 */
export const storedApiTokenSchema = z.object({
  ...recordBase,
  kind: z.literal('api'),
  name: z.string().min(1).max(100),
  user: userIdSchema,
  admin: z.boolean(),
  tenant: tenantIdSchema.optional(),
  role: memberRoleSchema.optional(),
  expiresAt: timestampSchema,
});

/** Lets a new host of `tenant` register; each redemption uses one of `uses`. */
export const storedJoinTokenSchema = z.object({
  ...recordBase,
  kind: z.literal('join'),
  tenant: tenantIdSchema,
  createdBy: z.string().min(1).max(200),
  uses: z.int().min(1),
  remainingUses: z.int().min(0),
  expiresAt: timestampSchema,
  lastRedeemedAt: timestampSchema.optional(),
});

/** A registered host's agent credential. No expiry; revoke it to cut the host off. */
export const storedHostTokenSchema = z.object({
  ...recordBase,
  kind: z.literal('host'),
  tenant: tenantIdSchema,
  host: recordIdSchema,
});

export const storedTokenSchema = z
  .discriminatedUnion('kind', [storedApiTokenSchema, storedJoinTokenSchema, storedHostTokenSchema])
  .superRefine((token, context) => {
    if (token.kind !== 'api') return;
    if ((token.tenant === undefined) !== (token.role === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['role'],
        message: 'a scoped token has both tenant and role',
      });
    }
    if (token.admin && token.tenant !== undefined) {
      context.addIssue({ code: 'custom', path: ['tenant'], message: 'an admin token has no tenant' });
    }
  });

export type StoredApiToken = z.infer<typeof storedApiTokenSchema>;
export type StoredJoinToken = z.infer<typeof storedJoinTokenSchema>;
export type StoredHostToken = z.infer<typeof storedHostTokenSchema>;
export type StoredToken = z.infer<typeof storedTokenSchema>;

/** What callers see of a token: the record without its hash. */
export type ApiTokenRecord = Omit<StoredApiToken, 'hash'>;
export type JoinTokenRecord = Omit<StoredJoinToken, 'hash'>;
export type HostTokenRecord = Omit<StoredHostToken, 'hash'>;
export type TokenRecord = ApiTokenRecord | JoinTokenRecord | HostTokenRecord;

/** `T` without its hash, kind by kind. */
export type WithoutHash<T> = T extends unknown ? Omit<T, 'hash'> : never;

/** `record` without its hash. */
export function publicRecord<T extends StoredToken>(record: T): WithoutHash<T> {
  const { hash: _, ...rest } = record;
  return rest as WithoutHash<T>;
}
