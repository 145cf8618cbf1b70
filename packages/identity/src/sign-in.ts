import { z } from 'zod';
import {
  emailAddressSchema,
  identityProviderSchema,
  subjectSchema,
  type User,
  type UserEmail,
  type UserIdentity,
} from './user.js';

/** What an identity provider told us about the person signing in. */
export interface SignInInput {
  provider: 'github' | 'google' | 'local';
  /** The provider's stable id of the person (GitHub's numeric id, Google's `sub`). */
  subject: string;
  /** The provider's handle (GitHub login), display only. */
  login?: string;
  /** Display name; when blank, the login, e-mail or subject stands in. */
  name: string;
  email?: string;
  /** True only when the provider vouches for the address; only verified addresses link accounts. */
  emailVerified: boolean;
  /** Wall-clock time in ms; default the directory's clock. */
  now?: number;
}

export const signInSchema = z.object({
  provider: identityProviderSchema,
  subject: subjectSchema,
  login: z.string().min(1).max(100).optional(),
  name: z.string().max(200),
  email: emailAddressSchema.optional(),
  emailVerified: z.boolean(),
  now: z.number().optional(),
});

/** The parts of a sign-in that end up in the user document. */
export interface SignInFacts {
  userId: string;
  name: string;
  identity: UserIdentity;
  email: UserEmail | undefined;
  createdAt: string;
}

/** The user a first sign-in creates. */
export function newUserFrom(facts: SignInFacts): User {
  return {
    id: facts.userId,
    name: facts.name,
    emails: facts.email ? [facts.email] : [],
    admin: false,
    identities: [facts.identity],
    createdAt: facts.createdAt,
  };
}

/**
 * `user` with this sign-in's identity and e-mail merged in (a new identity appended, a changed login
 * refreshed, a new address added, an address newly verified marked so), or undefined when nothing
 * changed. The name is the user's and is left alone.
 */
export function mergeSignIn(user: User, facts: SignInFacts): User | undefined {
  let changed = false;
  const identities = [...user.identities];
  const at = identities.findIndex(
    (identity) =>
      identity.provider === facts.identity.provider && identity.subject === facts.identity.subject,
  );
  if (at < 0) {
    identities.push(facts.identity);
    changed = true;
  } else if (facts.identity.login !== undefined && identities[at]!.login !== facts.identity.login) {
    identities[at] = facts.identity;
    changed = true;
  }
  const emails = [...user.emails];
  if (facts.email) {
    const known = emails.findIndex((email) => email.address === facts.email!.address);
    if (known < 0) {
      emails.push(facts.email);
      changed = true;
    } else if (facts.email.verified && !emails[known]!.verified) {
      emails[known] = facts.email;
      changed = true;
    }
  }
  return changed ? { ...user, identities, emails } : undefined;
}
