import { createHash, timingSafeEqual } from 'node:crypto';
import { type MemberRole, tenantIdSchema } from '@slipway/core';
import { effectiveRole, roleAtLeast } from '@slipway/identity';
import { tenantKey } from '@slipway/state';
import type { FastifyRequest } from 'fastify';
import type { AuthRule } from './auth-rule.js';
import { ApiError } from './errors.js';
import type { ApiServices } from './services.js';

const noTenant = 'tenant';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time comparison of the bearer with the dashboard's secret (unset: nobody matches). */
function isDashboard(request: FastifyRequest, secret: string | undefined): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  return secret !== undefined && bearer !== undefined && timingSafeEqual(digest(bearer), digest(secret));
}

/**
 * The tenant, from this replica's cache for agents and for reads (their members are what the
 * check needs, and every change of them is announced to all replicas). A user's writes read it
 * afresh: handlers write it back conditionally on the etag they are given.
 */
function loadTenant(request: FastifyRequest, rule: AuthRule, services: ApiServices, tenantId: string) {
  const read = () => services.repos.tenants.get(tenantKey(tenantId));
  const cached = rule.kind === 'host' || request.method === 'GET' || request.method === 'HEAD';
  return cached ? services.authCache.tenants.get(tenantId, read) : read();
}

function requireSignedIn(request: FastifyRequest) {
  const { principal, rejectedToken } = request.caller;
  if (principal) return principal;
  throw ApiError.unauthenticated(
    rejectedToken ? 'the bearer token is unknown, expired or revoked' : undefined,
  );
}

/**
 * Checks `rule` for this request and returns the tenant it loaded (for `tenant` rules), so the
 * handler does not read it again. Runs before the body is validated: an anonymous caller learns
 * nothing about a route's input, and another tenant's resources answer 404 whatever is sent.
 */
export async function authorize(request: FastifyRequest, rule: AuthRule, services: ApiServices) {
  if (rule.kind === 'public') return undefined;
  if (rule.kind === 'dashboard') {
    if (!isDashboard(request, services.dashboardSecret)) {
      throw ApiError.unauthenticated("this route takes the dashboard's service secret as its bearer token");
    }
    return undefined;
  }
  const principal = requireSignedIn(request);
  const forbidHosts = () => {
    if (principal.kind === 'host') throw ApiError.forbidden('host tokens may only call the agent routes');
  };
  switch (rule.kind) {
    case 'user':
      forbidHosts();
      return undefined;
    case 'admin':
      forbidHosts();
      if (principal.kind !== 'user' || !principal.admin)
        throw ApiError.forbidden('this needs a platform admin token');
      request.caller.role = 'admin';
      return undefined;
    case 'host':
    case 'tenant': {
      const tenantId = (request.params as Record<string, string | undefined>)[noTenant];
      const parsed = tenantIdSchema.safeParse(tenantId);
      if (!parsed.success) throw ApiError.notFound(`tenant '${tenantId}'`);
      const tenant = await loadTenant(request, rule, services, parsed.data);
      if (!tenant) throw ApiError.notFound(`tenant '${parsed.data}'`);
      if (principal.kind === 'host') {
        if (principal.tenant !== parsed.data) throw ApiError.notFound(`tenant '${parsed.data}'`);
        if (rule.kind === 'tenant') throw ApiError.forbidden('host tokens may only call the agent routes');
        return tenant;
      }
      if (rule.kind === 'host') {
        // Users may not act as an agent; whether they see the tenant at all still decides 404 or 403.
        if (!effectiveRole(principal, tenant.value)) throw ApiError.notFound(`tenant '${parsed.data}'`);
        throw ApiError.forbidden('this route is for host tokens (agents) only');
      }
      const role = effectiveRole(principal, tenant.value);
      if (!role) throw ApiError.notFound(`tenant '${parsed.data}'`);
      if (rule.role === 'admin' && role !== 'admin') {
        throw ApiError.forbidden(`this needs a platform admin token`);
      }
      if (role !== 'admin' && !roleAtLeast(role, rule.role as MemberRole)) {
        throw ApiError.forbidden(
          `this needs the ${rule.role} role in tenant '${parsed.data}'; your role is ${role}`,
        );
      }
      request.caller.role = role;
      return tenant;
    }
  }
}
