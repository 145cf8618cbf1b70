import type { FastifyRequest } from 'fastify';
import { actorOf } from './caller.js';
import type { ApiServices } from './services.js';

const bearer = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves the caller from `Authorization: Bearer <token>` before anything else runs (rate limits
 * are per token). It never rejects: whether a route needs a caller is the route's rule.
 */
export async function authenticate(request: FastifyRequest, services: ApiServices): Promise<void> {
  const header = request.headers.authorization;
  const token = header ? bearer.exec(header)?.[1] : undefined;
  const principal = token ? await services.tokens.authenticate(token, { now: services.now() }) : undefined;
  request.caller = {
    principal,
    rejectedToken: header !== undefined && principal === undefined,
    role: undefined,
    actor: actorOf(principal),
  };
}
