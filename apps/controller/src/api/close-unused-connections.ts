import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Destroys, when the server closes, the connections that never carried a request. Node's
 * `server.close()` waits for them (they are not "idle" to it) until its 60 s headers timeout, and
 * HTTP clients open such spares — undici does after an aborted fetch, which is how every log
 * follower ends — so without this a replica with recent followers could take a minute to stop.
 */
export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  app.addHook('preClose', async () => {
    for (const socket of unused) socket.destroy();
    unused.clear();
  });
}
