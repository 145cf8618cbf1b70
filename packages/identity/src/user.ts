import { timestampSchema } from '@slipway/core';
import { z } from 'zod';

export const IDENTITY_PROVIDERS = ['github', 'google', 'local'] as const;
/** Where a person proved who they are: GitHub or Google OAuth, or a local account (the bootstrap admin). */
export const identityProviderSchema = z.enum(IDENTITY_PROVIDERS);
export type IdentityProvider = z.infer<typeof identityProviderSchema>;

/** The provider's stable id of the person (GitHub's numeric id, Google's `sub`), never their login. */
export const subjectSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * A user id: `<provider>:<subject>` of the identity the user was created with, e.g. `github:12345`.
 * It is what `Tenant.members[].user` holds.
 */
export const userIdSchema = z
  .string()
  .min(3)
  .max(140)
  .regex(/^(?:github|google|local):[\x21-\x7e]+$/, 'must be "<provider>:<subject>", e.g. "github:12345"');
export type UserId = z.infer<typeof userIdSchema>;

/** Lower-cased, trimmed e-mail address. */
export const emailAddressSchema = z
  .string()
  .max(320)
  .transform((address) => address.trim().toLowerCase())
  .pipe(z.email());

export const userEmailSchema = z.object({
  address: emailAddressSchema,
  /** The provider vouched that the person controls this address; only verified addresses link accounts. */
  verified: z.boolean(),
});
export type UserEmail = z.infer<typeof userEmailSchema>;

/** One provider account linked to a user. */
export const userIdentitySchema = z.object({
  provider: identityProviderSchema,
  subject: subjectSchema,
  /** The provider's current handle (GitHub login), for display only: logins change hands. */
  login: z.string().min(1).max(100).optional(),
});
export type UserIdentity = z.infer<typeof userIdentitySchema>;

/** A person who can sign in. Stored at `users/<escaped id>.json`. */
export const userSchema = z.object({
  id: userIdSchema,
  name: z.string().min(1).max(200),
  emails: z.array(userEmailSchema),
  /** Platform administrator: may hold admin tokens. Only `setAdmin` and the bootstrap change it. */
  admin: z.boolean(),
  identities: z.array(userIdentitySchema).min(1),
  createdAt: timestampSchema,
  /** Set when the user was disabled: no sign-in, no new tokens, existing tokens stop working. */
  disabledAt: timestampSchema.optional(),
});
export type User = z.infer<typeof userSchema>;
