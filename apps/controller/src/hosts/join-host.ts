import { randomBytes } from 'node:crypto';
import type { Host } from '@slipway/core';
import { IdentityError, parseToken } from '@slipway/identity';
import { ConflictError, hostKey, tenantKey } from '@slipway/state';
import { ApiError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';

export interface JoinHostInput {
  tenant: string;
  joinToken: string;
  name: string | undefined;
  capacity: Host['capacity'];
  labels: Host['labels'];
}

const refusedToken = () =>
  new ApiError(
    401,
    'join_token_refused',
    'the join token is unknown, expired, revoked or used up; ask an owner of the tenant for a new one (POST /v1/tenants/:tenant/join-tokens)',
  );

/**
 * Redeems one use of a join token of `tenant` and records the host (status ready) with a new host
 * token. A token of another tenant answers 404, as that tenant would to anyone else; the tenant is
 * checked before the use is spent, and a taken host name before too.
 */
export async function joinHost(
  services: ApiServices,
  input: JoinHostInput,
): Promise<{ host: Host; hostToken: string; joinTokenId: string; hostTokenId: string }> {
  const now = services.now();
  const presented = parseToken(input.joinToken);
  if (presented?.kind !== 'join') throw refusedToken();
  const record = await services.tokens.getToken(presented.id);
  if (!record) throw refusedToken();
  if (record.kind !== 'join' || record.tenant !== input.tenant)
    throw ApiError.notFound(`tenant '${input.tenant}'`);
  if (!(await services.repos.tenants.get(tenantKey(input.tenant)))) {
    throw ApiError.notFound(`tenant '${input.tenant}'`);
  }
  const id = input.name ?? `h-${randomBytes(5).toString('hex')}`;
  const key = hostKey({ tenant: input.tenant, id });
  const taken = () =>
    ApiError.conflict(
      `a host named '${id}' already exists in tenant '${input.tenant}'; pick another name or remove it first`,
    );
  if (await services.repos.hosts.get(key)) throw taken();

  const redemption = await services.tokens
    .redeemJoinToken(input.joinToken, { now })
    .catch((error: unknown) => {
      // Many hosts racing for one token's uses: transient, so a 503 the agent retries, not a 500.
      if (error instanceof IdentityError && error.code === 'contention')
        throw new ApiError(503, 'busy', `${error.message} (the agent retries on its own)`);
      throw error;
    });
  if (!redemption) throw refusedToken();
  if (redemption.tenant !== input.tenant) throw ApiError.notFound(`tenant '${input.tenant}'`);

  const host: Host = {
    id,
    tenant: input.tenant,
    capacity: input.capacity,
    labels: input.labels,
    status: 'ready',
  };
  try {
    await services.repos.hosts.create(host);
  } catch (error) {
    if (error instanceof ConflictError) throw taken();
    throw error;
  }
  const created = await services.tokens.createHostToken({ tenant: input.tenant, host: id, now });
  // The host and its token exist now; losing the token to a Redis hiccup would strand the host.
  // The leader's periodic resync finds the host anyway, so a lost event is only reported.
  await services.hosts.status
    ?.publish({ tenant: input.tenant, host: id, event: 'joined' })
    .catch((error: unknown) => {
      services.logger.warn(
        { err: error, tenant: input.tenant, host: id },
        'could not publish the host joined event',
      );
    });
  return {
    host,
    hostToken: created.token,
    joinTokenId: redemption.joinTokenId,
    hostTokenId: created.record.id,
  };
}
