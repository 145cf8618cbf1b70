import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { StreamResponse } from './stream-response.js';

/** One SSE message; `data` is sent as JSON (one line, whatever the text holds). */
export interface SseMessage {
  event: string;
  data: unknown;
  /** Becomes the client's `Last-Event-ID` when it reconnects. */
  id?: string;
}

export interface ServerSentEventsOptions {
  /** Aborted when the client goes away (or the stream fails), to stop whatever feeds `messages`. */
  abort: AbortController;
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /** How long a client waits before reconnecting after the stream closes. */
  retryMs?: number;
  logger: Pick<FastifyBaseLogger, 'error'>;
}

function format(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/**
 * Answers with `messages` as Server-Sent Events, with heartbeat comments in between, and ends the
 * response when they run out. Respects backpressure (a slow client slows the reader, it does not
 * fill our memory). When the client disconnects, fastify destroys the stream and `abort` fires.
 *
 * @example return serverSentEvents(messagesOf(follower), { abort, heartbeatMs: 15_000, logger });
 */
export function serverSentEvents(
  messages: AsyncIterable<SseMessage>,
  options: ServerSentEventsOptions,
): StreamResponse {
  const { abort, logger } = options;
  const body = new PassThrough();
  body.on('close', () => abort.abort());
  const write = (text: string) => (body.destroyed ? true : body.write(text));
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  write(`retry: ${options.retryMs ?? 3000}\n\n`);

  void (async () => {
    try {
      for await (const message of messages) {
        if (body.destroyed) break;
        if (!write(format(message))) await once(body, 'drain', { signal: abort.signal });
      }
    } catch (error) {
      // A client that left is not a fault. Anything else ends the stream without an `end` event:
      // the client reconnects with Last-Event-ID and carries on.
      if (!abort.signal.aborted) logger.error({ err: error }, 'event stream failed; the client may resume');
    } finally {
      clearInterval(heartbeat);
      body.end();
    }
  })();

  return new StreamResponse(body, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // nginx and friends buffer responses unless told not to.
    'x-accel-buffering': 'no',
    // One stream per connection: when it ends, so does the connection, so a shutdown never waits for it.
    connection: 'close',
  });
}
