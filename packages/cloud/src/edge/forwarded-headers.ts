import type { IncomingMessage } from 'node:http';

/**
 * Sets X-Forwarded-For/-Host/-Proto once per request, before the first attempt (the proxy
 * library's own `xfwd` would append again on every retry). The edge is the first hop: it
 * appends the client to X-Forwarded-For like an ALB does, and sets Host and Proto itself, since
 * a client's own values for those cannot be trusted.
 */
export function setForwardedHeaders(req: IncomingMessage, proto: 'http' | 'https' = 'http'): void {
  const client = req.socket.remoteAddress ?? '';
  const previous = req.headers['x-forwarded-for'];
  req.headers['x-forwarded-for'] = previous ? `${previous}, ${client}` : client;
  req.headers['x-forwarded-host'] = req.headers.host ?? '';
  req.headers['x-forwarded-proto'] = proto;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer'];

/**
 * Drops the client's hop-by-hop headers from a plain request (not an upgrade), so the client's
 * own `Connection: close` does not close the edge's kept-alive backend connection too.
 */
export function dropHopByHopHeaders(req: IncomingMessage): void {
  const named = (req.headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  for (const name of [...HOP_BY_HOP, ...named]) delete req.headers[name];
}
