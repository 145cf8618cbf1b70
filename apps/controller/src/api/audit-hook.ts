import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AnyRoute } from './route.js';
import type { ApiServices } from './services.js';

declare module 'fastify' {
  interface FastifyRequest {
    auditDetails: Record<string, string | number | boolean | null>;
  }
}

function outcomeOf(status: number): 'success' | 'denied' | 'failed' {
  if (status < 400) return 'success';
  return status === 401 || status === 403 || status === 404 ? 'denied' : 'failed';
}

/**
 * Appends the audit entry of a mutating call before its response leaves, so no acknowledged change
 * goes unrecorded. Anonymous calls that were turned away are only logged: writing them to the
 * durable log would let anyone make us pay for storage.
 */
export async function auditCall(
  route: AnyRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  services: ApiServices,
): Promise<void> {
  const { actor } = request.caller;
  const status = reply.statusCode;
  if (actor.kind === 'anonymous' && status >= 400) return;
  const params = (request.params ?? {}) as Record<string, string>;
  let target: { type: string; id: string } | undefined;
  try {
    target = route.auditTarget?.({ params, body: request.body as never });
  } catch {
    target = undefined; // an invalid body never reached the handler; record the call without a target
  }
  try {
    await services.audit.append({
      at: services.now(),
      tenant: params.tenant ?? null,
      actor,
      action: route.id,
      ...(target ? { target } : {}),
      outcome: outcomeOf(status),
      status,
      source: {
        ip: request.ip,
        ...(request.headers['user-agent']
          ? { userAgent: String(request.headers['user-agent']).slice(0, 200) }
          : {}),
        requestId: String(request.id),
      },
      ...(Object.keys(request.auditDetails).length > 0 ? { details: request.auditDetails } : {}),
    });
  } catch (error) {
    request.log.error({ err: error, action: route.id }, 'could not append the audit entry');
  }
}
