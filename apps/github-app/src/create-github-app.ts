import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Webhooks, createNodeMiddleware as webhooksMiddleware } from '@octokit/webhooks';
import type { Queues, WebhookEventName } from '@slipway/queue';
import type { Logger } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { GitHubAppConfig } from './config.js';
import { HANDLED_EVENTS } from './handled-events.js';
import { openInbox } from './open-inbox.js';
import { toWebhookEventJob } from './to-webhook-event-job.js';

export const WEBHOOK_PATH = '/api/github/webhooks';

export interface CreateGitHubAppOptions {
  config: Pick<GitHubAppConfig, 'appId' | 'privateKey' | 'webhookSecret' | 'baseUrl'>;
  /** Producers: deliveries go to the webhook inbox on their connection, under their prefix. */
  queues: Queues;
  logger: Logger;
  /** How long to wait for Redis before answering 500 (must stay under the middleware's 9 s). Default 5000. */
  enqueueTimeoutMs?: number;
  /** Injected clock for `receivedAt`. */
  now?: () => Date;
  /**
   * probot's request throttling (GitHub's advice: writes a second apart, comments three). Default
   * on; tests against the fake GitHub, which never rate-limits, turn it off.
   */
  throttle?: boolean;
}

// probot layers its own throttle options over the class's: this layer runs after them and wins.
const unthrottled = ProbotOctokit.defaults((instance: { throttle?: object }) => ({
  ...instance,
  throttle: { ...instance?.throttle, enabled: false },
}));

export interface GitHubApp {
  /** Installation clients for the workers: `probot.auth(installationId)`. */
  probot: Probot;
  /** The HTTP server (not listening yet): webhooks at {@link WEBHOOK_PATH}, `GET /healthz`, else 404. */
  server: Server;
  /** Listen on `port` (0: any free port) at `host`; resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Stops accepting requests and waits for those in flight (their appends to the inbox included).
   * Idempotent; leaves the queues open.
   */
  close(): Promise<void>;
}

/**
 * The front door of the push path: @octokit/webhooks (probot's verifier) checks the signature,
 * then the handler appends the event to the webhook inbox in Redis (durable) and the middleware
 * answers 200 — no GitHub API call before answering; repeats are dropped when the inbox pump moves
 * deliveries into the queue. A failure to enqueue answers 500, so GitHub shows the delivery as
 * failed and it can be redelivered; nothing is acknowledged that is not in Redis. The Probot
 * instance is the workers' way to GitHub (`probot.auth(installationId)`).
 *
 * @example
 * const app = await createGitHubApp({ config, queues, logger });
 * await app.listen(3000);
 */
export async function createGitHubApp(options: CreateGitHubAppOptions): Promise<GitHubApp> {
  const { config, queues, logger } = options;
  const now = options.now ?? (() => new Date());
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    log: logger.child({ name: 'probot' }),
    ...(options.throttle === false ? { Octokit: unthrottled } : {}),
  });

  const inbox = await openInbox(queues, options.enqueueTimeoutMs ?? 5000);
  // probot's own verifier (@octokit/webhooks) without probot's per-delivery GitHub client: the
  // acknowledgement path makes no GitHub call, and building an authenticated Octokit for every
  // delivery cost more than the durable append. GitHub calls happen later, in the workers.
  const webhooks = new Webhooks({ secret: config.webhookSecret });
  webhooks.on([...HANDLED_EVENTS], async (event) => {
    const ids = { deliveryId: event.id, event: event.name };
    const result = toWebhookEventJob(
      { id: event.id, name: event.name as WebhookEventName, payload: event.payload },
      now(),
    );
    if (!result.ok) {
      logger.warn({ ...ids, reason: result.reason }, 'delivery dropped: not something the app can act on');
      return;
    }
    const { job } = result;
    // One XADD to the webhook inbox, the cheapest durable write there is, sent in one round trip
    // with those of concurrent deliveries; the inbox pump moves it into the queue, where the
    // delivery id as job id drops repeats (kept three days).
    await inbox.append(job);
    logger.info(
      {
        ...ids,
        installationId: job.installationId,
        repository: job.repository?.fullName,
        action: job.action,
      },
      'delivery accepted',
    );
  });
  webhooks.onError((error) => {
    // Called for bad signatures (before any handler) and for handler failures; never log the payload.
    const { deliveryId, event, signatureMismatch } = describeWebhookError(error);
    if (signatureMismatch) {
      logger.warn(
        { deliveryId, event },
        'webhook rejected: bad signature (does WEBHOOK_SECRET match the secret in the GitHub App settings?)',
      );
    } else {
      logger.error({ deliveryId, event, err: error }, 'webhook handler failed; GitHub gets a 500');
    }
  });
  const middleware = webhooksMiddleware(webhooks, {
    path: WEBHOOK_PATH,
    log: logger.child({ name: 'webhooks' }),
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.url?.startsWith(WEBHOOK_PATH) && !req.headers['x-hub-signature-256']) {
      // The middleware answers 400 on its own, silently; we want the attempt on record.
      logger.warn(
        { deliveryId: req.headers['x-github-delivery'], event: req.headers['x-github-event'] },
        'webhook rejected: no X-Hub-Signature-256 header (is a webhook secret set in the GitHub App?)',
      );
    }
    await middleware(req, res, () => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}');
    });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    probot,
    server,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }).finally(() => inbox.close());
      return closing;
    },
  };
}

interface DeliveryLike {
  id?: string;
  name?: string;
}

/**
 * Where the delivery is on an @octokit/webhooks error: a signature failure wraps an Error whose
 * `event` is the delivery; a handler failure carries the delivery itself.
 */
function describeWebhookError(error: Error): {
  deliveryId: string | undefined;
  event: string | undefined;
  signatureMismatch: boolean;
} {
  const outer = (error as { event?: unknown }).event;
  const delivery = (outer instanceof Error ? (outer as { event?: DeliveryLike }).event : outer) as
    | DeliveryLike
    | undefined;
  return {
    deliveryId: delivery?.id,
    event: delivery?.name,
    signatureMismatch: outer instanceof Error && /signature does not match/.test(outer.message),
  };
}
