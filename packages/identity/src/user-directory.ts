import {
  ConflictError,
  CorruptDocumentError,
  KEEP_DOCUMENT,
  listAll,
  Repository,
  type StateStore,
} from '@slipway/state';
import { z } from 'zod';
import { IdentityError } from './identity-error.js';
import { emailKey, identityKey, USERS_PREFIX, userKey } from './identity-keys.js';
import { isoTime, parseInput } from './parse-input.js';
import { mergeSignIn, newUserFrom, type SignInFacts, type SignInInput, signInSchema } from './sign-in.js';
import {
  emailAddressSchema,
  identityProviderSchema,
  subjectSchema,
  type User,
  userIdSchema,
  userSchema,
} from './user.js';

export interface UserDirectoryOptions {
  store: StateStore;
  /** Wall clock in ms, used when a call passes no `now`. Default `Date.now`. */
  clock?: () => number;
}

/** One page of users, in key order. */
export interface UserPage {
  items: User[];
  /** Present when more users follow; pass it back as `cursor`. */
  cursor?: string;
  /** User documents on this page that could not be read; fix or delete them. */
  corrupt: CorruptDocumentError[];
}

const identityLinkSchema = z.object({
  provider: identityProviderSchema,
  subject: subjectSchema,
  user: userIdSchema,
});
type IdentityLink = z.infer<typeof identityLinkSchema>;
const emailLinkSchema = z.object({ address: emailAddressSchema, user: userIdSchema });
type EmailLink = z.infer<typeof emailLinkSchema>;

/** Rounds of "claim the identity, lose the race, follow the winner's link" before giving up. */
const SIGN_IN_ATTEMPTS = 5;
/** How many user documents a page reads at once. */
const READ_CONCURRENCY = 8;

/**
 * The people who can sign in, in the state store. Sign-in is race-free: an identity belongs to the
 * user its `identities/…` document names, and that document is only ever created with
 * `ifNoneMatch`, so two concurrent first sign-ins agree on one user. A process may die between any
 * two writes; the next sign-in finishes the job.
 *
 * @example
 * const users = new UserDirectory({ store });
 * const user = await users.signIn({ provider: 'github', subject: '12345', login: 'octocat', name: 'The Octocat', email: 'octo@example.com', emailVerified: true });
 */
export class UserDirectory {
  /** The store the users live in (the bootstrap marker lives there too). */
  readonly store: StateStore;
  readonly #clock: () => number;
  readonly #users: Repository<User>;
  readonly #identities: Repository<IdentityLink>;
  readonly #emails: Repository<EmailLink>;

  constructor(options: UserDirectoryOptions) {
    this.store = options.store;
    this.#clock = options.clock ?? Date.now;
    this.#users = new Repository({
      store: this.store,
      schema: userSchema,
      kind: 'user',
      keyOf: (user) => userKey(user.id),
    });
    this.#identities = new Repository({
      store: this.store,
      schema: identityLinkSchema,
      kind: 'identity link',
      keyOf: (link) => identityKey(link.provider, link.subject),
    });
    this.#emails = new Repository({
      store: this.store,
      schema: emailLinkSchema,
      kind: 'e-mail link',
      keyOf: (link) => emailKey(link.address),
    });
  }

  /**
   * The user of this identity: the one it is linked to; else the existing user who has this address
   * VERIFIED, when the provider verified it too (the identity is linked to them); else a new user
   * `<provider>:<subject>`. Refreshes the identity's login and adds the address to the user.
   * Throws `user_disabled` for a disabled user, `invalid_input` for bad input.
   */
  async signIn(input: SignInInput): Promise<User> {
    const request = parseInput(signInSchema, input, 'sign-in');
    const { provider, subject } = request;
    const email = request.email ? { address: request.email, verified: request.emailVerified } : undefined;
    const facts: Omit<SignInFacts, 'userId'> = {
      name: request.name.trim() || request.login || request.email || subject,
      identity: { provider, subject, ...(request.login !== undefined ? { login: request.login } : {}) },
      email,
      createdAt: isoTime(request.now ?? this.#clock()),
    };
    for (let attempt = 0; attempt < SIGN_IN_ATTEMPTS; attempt++) {
      const link = await this.#identities.get(identityKey(provider, subject));
      let userId = link?.value.user;
      if (userId === undefined) {
        userId = await this.#userForNewIdentity(`${provider}:${subject}`, email);
        try {
          await this.#identities.create({ provider, subject, user: userId });
        } catch (error) {
          if (error instanceof ConflictError) continue; // a concurrent sign-in linked it first: follow its link
          throw error;
        }
      }
      const user = await this.#upsertUser({ ...facts, userId });
      if (user.disabledAt !== undefined) {
        throw new IdentityError(
          'user_disabled',
          `User "${user.id}" is disabled; an admin can enable it again.`,
        );
      }
      if (email?.verified) await this.#claimEmail(email.address, user.id);
      return user;
    }
    throw new IdentityError(
      'contention',
      `Signing in ${provider}:${subject} kept racing other sign-ins; try again.`,
    );
  }

  /** The user with this id, or undefined. */
  async get(id: string): Promise<User | undefined> {
    if (!userIdSchema.safeParse(id).success) return undefined;
    return (await this.#users.get(userKey(id)))?.value;
  }

  /** Grants or withdraws platform admin; `user_not_found` for an unknown id. */
  async setAdmin(id: string, admin: boolean): Promise<User> {
    return this.#change(id, (user) => (user.admin === admin ? undefined : { ...user, admin }));
  }

  /**
   * Disables (no sign-in, no new tokens, existing tokens stop authenticating) or enables a user.
   * Disabling again keeps the first `disabledAt`.
   */
  async setDisabled(id: string, disabled: boolean, options: { now?: number } = {}): Promise<User> {
    const disabledAt = isoTime(options.now ?? this.#clock());
    return this.#change(id, (user) => {
      if (disabled) return user.disabledAt !== undefined ? undefined : { ...user, disabledAt };
      if (user.disabledAt === undefined) return undefined;
      const { disabledAt: _, ...enabled } = user;
      return enabled;
    });
  }

  /** One page of users in key order (`limit` 1–1000, default 100). */
  async list(options: { cursor?: string; limit?: number } = {}): Promise<UserPage> {
    const page = await this.store.list(USERS_PREFIX, {
      limit: options.limit ?? 100,
      ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    });
    const found: (User | undefined)[] = new Array(page.items.length);
    const corrupt: CorruptDocumentError[] = [];
    let next = 0;
    const worker = async () => {
      while (next < page.items.length) {
        const index = next++;
        try {
          found[index] = (await this.#users.get(page.items[index]!.key))?.value;
        } catch (error) {
          if (!(error instanceof CorruptDocumentError)) throw error;
          corrupt.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, page.items.length) }, worker));
    return {
      items: found.filter((user) => user !== undefined),
      ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
      corrupt,
    };
  }

  /** Some enabled admin user, or undefined when there is none. Reads users until it finds one. */
  async findAdmin(): Promise<User | undefined> {
    for await (const { key } of listAll(this.store, USERS_PREFIX)) {
      const user = (await this.#users.get(key))?.value;
      if (user?.admin && user.disabledAt === undefined) return user;
    }
    return undefined;
  }

  /**
   * The user a not-yet-linked identity belongs to: the owner of its address when the provider
   * verified it, else `newId` — in which case the address is claimed for `newId` first, so two
   * accounts signing in at once with one verified address still end up as one user.
   */
  async #userForNewIdentity(newId: string, email: { address: string; verified: boolean } | undefined) {
    if (!email?.verified) return newId;
    const key = emailKey(email.address);
    const owner = await this.#emails.get(key);
    if (owner) return owner.value.user;
    try {
      await this.#emails.create({ address: email.address, user: newId });
      return newId;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return (await this.#emails.require(key)).value.user;
    }
  }

  /** Records a verified address as `userId`'s unless another user holds it already (first one keeps it). */
  async #claimEmail(address: string, userId: string): Promise<void> {
    if (await this.#emails.get(emailKey(address))) return;
    try {
      await this.#emails.create({ address, user: userId });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error; // else: claimed concurrently; that owner keeps it
    }
  }

  /** Creates the user, or merges this sign-in into it (also repairs a link whose user was never written). */
  async #upsertUser(facts: SignInFacts): Promise<User> {
    const stored = await this.#users.update(userKey(facts.userId), (current) =>
      current ? (mergeSignIn(current, facts) ?? KEEP_DOCUMENT) : newUserFrom(facts),
    );
    return stored!.value;
  }

  async #change(id: string, change: (user: User) => User | undefined): Promise<User> {
    const notFound = () =>
      new IdentityError('user_not_found', `No user "${id}"; users are created by signing in.`);
    if (!userIdSchema.safeParse(id).success) throw notFound();
    const stored = await this.#users.update(userKey(id), (current) => {
      if (!current) throw notFound();
      return change(current) ?? KEEP_DOCUMENT;
    });
    return stored!.value;
  }
}
