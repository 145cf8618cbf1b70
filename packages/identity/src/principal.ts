import type { MemberRole } from '@slipway/core';
import type { User } from './user.js';

/** Who made a request, as `authenticate` found it from the bearer token. */
export type Principal = UserPrincipal | HostPrincipal;

/** A person, through one of their API tokens. */
export interface UserPrincipal {
  kind: 'user';
  /** The user as stored now (enabled; `authenticate` refuses disabled users). */
  user: User;
  tokenId: string;
  /** An admin token of a (still) admin user: platform-wide admin. Never set by a tenant-scoped token. */
  admin: boolean;
  /** A tenant-scoped token: only this tenant, with at most this role. Absent: the user's memberships. */
  scope?: { tenant: string; role: MemberRole };
}

/** A host's agent, through its host token. */
export interface HostPrincipal {
  kind: 'host';
  tenant: string;
  host: string;
  tokenId: string;
}
