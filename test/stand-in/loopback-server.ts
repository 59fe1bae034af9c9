import * as http from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 for the stand-in services: a free port, and a close that also ends
 * the keep-alive connections the SDK holds open (otherwise jest waits on them).
 */
export class LoopbackServer {
  /** Starts listening on a free port. */
  public static async listen(handler: http.RequestListener): Promise<LoopbackServer> {
    const server = new LoopbackServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    if (address === null || typeof address === 'string') throw new Error('stand-in did not get a TCP port');
    server.url = `http://127.0.0.1:${address.port}`;
    return server;
  }

  /** Base URL for an SDK client's `endpoint`, e.g. `http://127.0.0.1:40123`. */
  public url = '';
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor(handler: http.RequestListener) {
    this.server = http.createServer(handler);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Closes the server and every open connection; safe to call twice. */
  public async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
