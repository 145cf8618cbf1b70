import type { Readable } from 'node:stream';

/**
 * What a handler returns to answer with a stream instead of its JSON response schema (Server-Sent
 * Events). Fastify pipes it and destroys it when the client goes away, so the stream's `destroy`
 * is where a handler stops whatever feeds it.
 */
export class StreamResponse {
  constructor(
    readonly body: Readable,
    readonly headers: Readonly<Record<string, string>>,
  ) {}
}
