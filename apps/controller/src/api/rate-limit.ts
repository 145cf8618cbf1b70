import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { ApiError } from './errors.js';

export interface RateLimitOptions {
  /** Requests per token (or per IP address for anonymous calls) per minute. */
  perMinute: number;
  /** Shared counters across controller replicas; without it each replica counts alone. */
  redis?: Redis;
  /** Redis key prefix. */
  keyPrefix: string;
}

/**
 * Per-token rate limits (429 with Retry-After). Runs after authentication, so the key is the
 * verified token id — a caller cannot spend someone else's budget by sending their token id with
 * a wrong secret — and other tokens are unaffected.
 */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: options.perMinute,
    timeWindow: 60_000,
    nameSpace: options.keyPrefix,
    ...(options.redis ? { redis: options.redis } : {}),
    keyGenerator: (request) => {
      const tokenId = request.caller?.actor.tokenId;
      return tokenId ? `token:${tokenId}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `too many requests: at most ${context.max} a minute for this token; retry in ${context.after}`,
      ),
  });
}
