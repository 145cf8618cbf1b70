import type { Tenant } from '@slipway/core';
import type { StoredDocument } from '@slipway/state';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AuthRule } from './auth-rule.js';
import type { Caller } from './caller.js';
import type { EmptyResponse } from './empty-response.js';
import type { ApiServices } from './services.js';
import type { StreamResponse } from './stream-response.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler gets: the parsed request, who called, and — for tenant routes — the tenant. */
export interface RouteContext<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  caller: Caller;
  /** Loaded while authorizing a `tenant` rule; handlers reuse it instead of reading it again. */
  tenant: StoredDocument<Tenant> | undefined;
  services: ApiServices;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Adds small, secret-free facts to this call's audit entry (e.g. the created token's id). */
  auditDetails(details: Record<string, string | number | boolean | null>): void;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One API route, declared as data: URL, schemas, who may call it, what it audits, and a handler
 * that parses nothing and authorizes nothing itself (that is done before it runs).
 */
export interface RouteDefinition<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema | undefined = Schema | undefined,
> {
  /** Stable id, `area.verb` (e.g. `tenants.create`): the audit action and the matrix test's key. */
  id: string;
  method: HttpMethod;
  url: string;
  summary: string;
  tags: string[];
  auth: AuthRule;
  params?: P;
  query?: Q;
  body?: B;
  /** The success response (omit for 204). */
  response?: R;
  status?: 200 | 201 | 202 | 204;
  /** What the audit entry's target is. Mutating routes (not GET) are always audited. */
  auditTarget?: (context: { params: Out<P>; body: Out<B> }) => { type: string; id: string };
  /**
   * `always` (default): every mutating call is audited. `refusals`: only refused or failed calls —
   * for calls made every few seconds by machines (heartbeats), whose successes would make the
   * durable audit log cost what rule 8 forbids.
   */
  audit?: 'always' | 'refusals';
  /**
   * Returns the response body, a {@link StreamResponse} (event streams) that skips the schema, or an
   * {@link EmptyResponse} (e.g. 304).
   */
  handler(
    context: RouteContext<Out<P>, Out<Q>, Out<B>>,
  ): Promise<(R extends z.ZodType ? z.input<R> : undefined) | StreamResponse | EmptyResponse>;
}

// biome-ignore lint/suspicious/noExplicitAny: a route table holds routes of every schema type.
export type AnyRoute = RouteDefinition<any, any, any, any>;

/** Declares a route with its types inferred from its schemas. */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
>(route: RouteDefinition<P, Q, B, R>): AnyRoute {
  return route;
}
