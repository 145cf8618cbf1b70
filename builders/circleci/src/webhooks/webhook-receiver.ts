import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tenantIdSchema } from '@slipway/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CircleciSecrets } from '../circleci-secrets.js';
import { WORKFLOW_EVENTS_TTL_S, workflowEventsKey } from '../worker/circleci-keys.js';
import { verifyCircleciSignature } from './webhook-signature.js';

/** Where CircleCI posts a tenant's webhooks: `POST /circleci/webhooks/<tenant>`. */
export const WEBHOOK_PATH = /^\/circleci\/webhooks\/([^/]+)$/;
const MAX_BODY_BYTES = 1024 * 1024;

const workflowCompletedSchema = z.object({
  type: z.literal('workflow-completed'),
  workflow: z.object({ id: z.string().min(1), name: z.string(), status: z.string(), url: z.string() }),
  pipeline: z.object({ id: z.string().min(1), number: z.number().int() }),
});

export interface WebhookHandlerOptions {
  redis: Redis;
  /** The Redis key prefix of the builder (as given to createQueues). */
  prefix: string;
  secrets: Pick<CircleciSecrets, 'webhookSecret'>;
  logger: Logger;
}

type Answer = { status: number; body: unknown };
const error = (status: number, code: string, message: string): Answer => ({
  status,
  body: { error: { code, message } },
});

/**
 * The receiver of CircleCI's outbound webhooks: verifies `circleci-signature` against the
 * tenant's `CIRCLECI_WEBHOOK_SECRET` (a bad or missing signature, or no secret → 401 and nothing
 * recorded), then records a `workflow-completed` event in Redis under the tenant and pipeline,
 * where the build following that pipeline finds it. Other event types are answered 202 and dropped.
 * Recording is idempotent (a hash field per workflow), so CircleCI's redeliveries are harmless.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const { redis, prefix, secrets, logger } = options;

  const receive = async (tenant: string, request: IncomingMessage, raw: Buffer): Promise<Answer> => {
    const secret = await secrets.webhookSecret(tenant);
    const signature = request.headers['circleci-signature'];
    if (
      !secret ||
      !verifyCircleciSignature(raw, typeof signature === 'string' ? signature : undefined, secret.reveal())
    ) {
      logger.warn({ tenant }, 'CircleCI webhook refused: bad or missing signature');
      return error(
        401,
        'BAD_SIGNATURE',
        "The circleci-signature header does not sign this body with the tenant's webhook secret; check that the CircleCI webhook's secret matches the tenant's CIRCLECI_WEBHOOK_SECRET.",
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return error(400, 'INVALID_BODY', 'The body is not JSON.');
    }
    if ((payload as { type?: unknown } | null)?.type !== 'workflow-completed')
      return { status: 202, body: { ignored: true } };
    const event = workflowCompletedSchema.safeParse(payload);
    if (!event.success)
      return error(
        400,
        'INVALID_BODY',
        `Not a workflow-completed event: ${event.error.issues[0]?.message ?? ''}`,
      );
    const { workflow, pipeline } = event.data;
    const key = workflowEventsKey(prefix, tenant, pipeline.id);
    await redis
      .multi()
      .hset(key, workflow.id, JSON.stringify(workflow))
      .expire(key, WORKFLOW_EVENTS_TTL_S)
      .exec();
    logger.info(
      { tenant, pipelineId: pipeline.id, workflowId: workflow.id, status: workflow.status },
      'CircleCI workflow completed',
    );
    return { status: 200, body: { recorded: true } };
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let answer: Answer;
    try {
      const path = new URL(request.url ?? '/', 'http://receiver').pathname;
      const match = WEBHOOK_PATH.exec(path);
      const tenant = tenantIdSchema.safeParse(decodeURIComponent(match?.[1] ?? ''));
      if (path === '/healthz' && request.method === 'GET') answer = { status: 200, body: { ok: true } };
      else if (!match || !tenant.success)
        answer = error(404, 'NOT_FOUND', 'Post CircleCI webhooks to /circleci/webhooks/<tenant>.');
      else if (request.method !== 'POST') answer = error(405, 'METHOD_NOT_ALLOWED', 'Only POST.');
      else {
        const raw = await readBody(request);
        answer = raw
          ? await receive(tenant.data, request, raw)
          : error(413, 'TOO_LARGE', 'The body is over 1 MiB.');
      }
    } catch (caught) {
      logger.error({ err: caught }, 'CircleCI webhook could not be recorded');
      answer = error(
        500,
        'INTERNAL',
        'The webhook could not be recorded; polling by the build will still find the outcome.',
      );
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  };
}

/** The body, or undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A listening webhook receiver. */
export interface WebhookServer {
  /** `http://<host>:<port>`; CircleCI posts to `<url>/circleci/webhooks/<tenant>`. */
  readonly url: string;
  readonly server: Server;
  /** Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves {@link createWebhookHandler} on `host:port` (port 0: a free one).
 *
 * @example
 * const webhooks = await startWebhookServer({ port: 4100, redis, prefix, secrets, logger });
 */
export async function startWebhookServer(
  options: WebhookHandlerOptions & { port: number; host?: string },
): Promise<WebhookServer> {
  const server = createServer(createWebhookHandler(options));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((failure) => (failure ? reject(failure) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
