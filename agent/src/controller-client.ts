import type { Policy } from '@slipway/core';
import pRetry from 'p-retry';
import type { z } from 'zod';
import {
  credentialsResponseSchema,
  type DesiredDocument,
  desiredDocumentSchema,
  type HeartbeatEntry,
  type JoinRequest,
  joinResponseSchema,
  policySchema,
  secretsResponseSchema,
} from './agent-api-schemas.js';
import {
  ControllerRequestError,
  ControllerResponseError,
  ControllerUnreachableError,
} from './controller-errors.js';
import type { RegistryAuth } from './registry-credentials.js';

export interface ControllerClientOptions {
  /** The controller's base URL, e.g. `http://127.0.0.1:4000`. */
  apiUrl: string;
  tenant: string;
  /** This host's id and token; only `join` works without them. */
  identity?: { host: string; hostToken: string };
  /** Retries of a request that met a network error or a 5xx. Default 4. */
  retries?: number;
  /** First retry delay; doubles, with jitter, up to `maxRetryDelayMs`. Default 250 ms. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Per attempt, besides the long-poll's own wait. Default 10 s. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** What `desired` returns: a new document and its ETag, or `unchanged` (304 after the wait). */
export type DesiredAnswer = { changed: true; document: DesiredDocument; etag: string } | { changed: false };

interface Call<S extends z.ZodType | undefined> {
  method: 'GET' | 'POST';
  path: string;
  /** What errors and logs call the request: never the query or a body. */
  name: string;
  body?: unknown;
  headers?: Record<string, string>;
  schema: S;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Retryable: a 5xx answer. */
class RetryableStatus extends Error {
  constructor(readonly error: ControllerRequestError) {
    super(error.message);
  }
}

/**
 * Retryable: fetch failed (refused, reset, timed out). Wrapped because fetch's TypeError may come
 * from another realm, which p-retry would neither recognise as an Error nor retry.
 */
class NetworkFailure extends Error {
  constructor(cause: unknown) {
    super(networkReason(cause), { cause });
  }
}

function networkReason(cause: unknown): string {
  const error = cause as { message?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  if (error?.name === 'TimeoutError') return 'timed out';
  const code = typeof error?.cause?.code === 'string' ? error.cause.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : String(cause);
  return code ? `${message}: ${code}` : message;
}

/**
 * The agent's typed client of the controller's agent routes (join, heartbeat, desired, policy,
 * registry-credentials, secrets). Network errors and 5xx are retried with exponential backoff and
 * jitter; what still fails is a {@link ControllerUnreachableError} or {@link ControllerRequestError}.
 * Secret values and credentials it returns are never put in an error message.
 *
 * @example
 * const client = new ControllerClient({ apiUrl, tenant: 'acme', identity: { host: 'h-1', hostToken } });
 * const answer = await client.desired({ etag, waitSeconds: 25, signal });
 */
export class ControllerClient {
  readonly #options: ControllerClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ControllerClientOptions) {
    this.#options = { ...options, apiUrl: options.apiUrl.replace(/\/+$/, '') };
    this.#fetch = options.fetch ?? fetch;
  }

  /** Joins the tenant with a join token; the answer's `hostToken` is shown only this once. */
  async join(request: JoinRequest, signal?: AbortSignal): Promise<{ host: string; hostToken: string }> {
    const answer = await this.#call({
      method: 'POST',
      path: `/v1/tenants/${this.#tenant()}/hosts/join`,
      name: 'POST hosts/join',
      body: request,
      schema: joinResponseSchema,
      ...(signal ? { signal } : {}),
    });
    return { host: answer.body.host.id, hostToken: answer.body.hostToken };
  }

  async heartbeat(allocations: readonly HeartbeatEntry[], signal?: AbortSignal): Promise<void> {
    await this.#call({
      method: 'POST',
      path: this.#hostPath('heartbeat'),
      name: 'POST heartbeat',
      body: { allocations },
      schema: undefined,
      ...(signal ? { signal } : {}),
    });
  }

  /** The desired document when its ETag is not `etag`; else waits up to `waitSeconds` for a change. */
  async desired(options: {
    etag?: string;
    waitSeconds: number;
    signal?: AbortSignal;
  }): Promise<DesiredAnswer> {
    const answer = await this.#call({
      method: 'GET',
      path: `${this.#hostPath('desired')}?wait=${options.waitSeconds}`,
      name: 'GET desired',
      headers: options.etag ? { 'if-none-match': options.etag } : {},
      schema: desiredDocumentSchema,
      timeoutMs: this.#timeoutMs() + options.waitSeconds * 1000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (answer.status === 304) return { changed: false };
    const etag = answer.headers.get('etag');
    if (!etag) throw new ControllerResponseError('GET desired', 'no ETag header');
    return { changed: true, document: answer.body, etag };
  }

  async policy(signal?: AbortSignal): Promise<Policy> {
    const answer = await this.#call({
      method: 'GET',
      path: this.#hostPath('policy'),
      name: 'GET policy',
      schema: policySchema,
      ...(signal ? { signal } : {}),
    });
    return answer.body;
  }

  /** Credentials to pull `image`, or `undefined` to pull anonymously (not the platform's registry). */
  async registryCredentials(image: string, signal?: AbortSignal): Promise<RegistryAuth | undefined> {
    const answer = await this.#call({
      method: 'POST',
      path: this.#hostPath('registry-credentials'),
      name: 'POST registry-credentials',
      body: { image },
      schema: credentialsResponseSchema,
      ...(signal ? { signal } : {}),
    });
    const found = answer.body.credentials;
    if (!found) return undefined;
    return {
      serveraddress: found.serveraddress,
      ...(found.username === undefined ? {} : { username: found.username }),
      ...(found.password === undefined ? {} : { password: found.password }),
    };
  }

  /** The secret env values of one of this host's allocations. Never log the result. */
  async secrets(allocation: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const answer = await this.#call({
      method: 'POST',
      path: this.#hostPath('secrets'),
      name: 'POST secrets',
      body: { allocation },
      schema: secretsResponseSchema,
      ...(signal ? { signal } : {}),
    });
    return answer.body.values;
  }

  #tenant(): string {
    return encodeURIComponent(this.#options.tenant);
  }

  #hostPath(rest: string): string {
    const identity = this.#options.identity;
    if (!identity) throw new Error(`this client has no host identity; join first (needed for ${rest})`);
    return `/v1/tenants/${this.#tenant()}/hosts/${encodeURIComponent(identity.host)}/${rest}`;
  }

  #timeoutMs(): number {
    return this.#options.requestTimeoutMs ?? 10_000;
  }

  async #call<S extends z.ZodType | undefined>(
    call: Call<S>,
  ): Promise<{ status: number; headers: Headers; body: S extends z.ZodType ? z.output<S> : undefined }> {
    const { apiUrl, identity } = this.#options;
    const attempt = async () => {
      const timeout = AbortSignal.timeout(call.timeoutMs ?? this.#timeoutMs());
      let response: Response;
      try {
        response = await this.#fetch(`${apiUrl}${call.path}`, {
          method: call.method,
          headers: {
            accept: 'application/json',
            ...(identity ? { authorization: `Bearer ${identity.hostToken}` } : {}),
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...call.headers,
          },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout,
        });
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        throw new NetworkFailure(error);
      }
      if (response.status >= 400) {
        const error = await requestError(call.name, response);
        if (response.status >= 500) throw new RetryableStatus(error);
        throw error;
      }
      return response;
    };
    let response: Response;
    try {
      response = await pRetry(attempt, {
        retries: this.#options.retries ?? 4,
        minTimeout: this.#options.minRetryDelayMs ?? 250,
        maxTimeout: this.#options.maxRetryDelayMs ?? 5_000,
        factor: 2,
        randomize: true,
        ...(call.signal ? { signal: call.signal } : {}),
        shouldRetry: ({ error }) =>
          !call.signal?.aborted && (error instanceof RetryableStatus || error instanceof NetworkFailure),
      });
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason ?? error;
      if (error instanceof RetryableStatus) throw error.error;
      if (error instanceof ControllerRequestError) throw error;
      throw new ControllerUnreachableError(
        call.name,
        apiUrl,
        error instanceof NetworkFailure ? error : new NetworkFailure(error),
      );
    }
    if (response.status === 304 || response.status === 204 || call.schema === undefined) {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, body: undefined as never };
    }
    const parsed = call.schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new ControllerResponseError(
        call.name,
        parsed.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; '),
      );
    return { status: response.status, headers: response.headers, body: parsed.data as never };
  }
}

async function requestError(name: string, response: Response): Promise<ControllerRequestError> {
  let code = `http_${response.status}`;
  let message = response.statusText;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not the API's error body (a proxy's page): the status says enough.
  }
  return new ControllerRequestError(name, response.status, code, message);
}
