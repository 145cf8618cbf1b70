import type { MemberRole } from '@slipway/core';
import type { Principal } from '@slipway/identity';

export type Actor = { kind: 'user' | 'host' | 'anonymous'; id: string; tokenId?: string };

/** Who is calling, resolved once per request from its bearer token. */
export interface Caller {
  principal: Principal | undefined;
  /** A bearer token was sent but is unknown, wrong, expired or revoked. */
  rejectedToken: boolean;
  /** The caller's role in the URL's tenant, once a `tenant` rule has been checked. */
  role: MemberRole | 'admin' | undefined;
  actor: Actor;
}

export function actorOf(principal: Principal | undefined): Actor {
  if (!principal) return { kind: 'anonymous', id: 'anonymous' };
  if (principal.kind === 'host') return { kind: 'host', id: principal.host, tokenId: principal.tokenId };
  return { kind: 'user', id: principal.user.id, tokenId: principal.tokenId };
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}
