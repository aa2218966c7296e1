/** An HTTP server on 127.0.0.1 for the fakes of the outside world: start on a free port, stop at once (open sockets destroyed). */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class LoopbackServer {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly handler: http.RequestListener,
    private readonly opts: { keepAliveTimeoutMs?: number } = {},
  ) {}

  /** Listens on `port` (0: a free one) and answers the base URL. */
  async start(port = 0): Promise<string> {
    const server = http.createServer(this.handler);
    if (this.opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = this.opts.keepAliveTimeoutMs;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
