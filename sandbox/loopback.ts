import { createServer, type Server } from 'node:http';
import { createServer as createSecureServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

export const HOST = '127.0.0.1';

let latencyMs = 0;

/** Every loopback server of the process answers this much later: the benchmark's stand-in for a network round trip. */
export function setLatency(ms: number): void {
  latencyMs = ms;
}

/**
 * An HTTP server listening on HOST (HTTPS with `tls`); port 0 picks a free one. Request handlers are attached later.
 * It answers `ownLatencyMs` late, or the process's latency if that is longer.
 */
export async function listenOnLoopback(port: number, tls?: ServerOptions, ownLatencyMs = 0): Promise<{ server: Server; origin: string }> {
  const server: Server = tls ? createSecureServer(tls) : createServer();
  const emit = server.emit.bind(server);
  server.emit = ((event: string, ...args: unknown[]) => {
    const late = Math.max(latencyMs, ownLatencyMs);
    return event === 'request' && late > 0 ? (setTimeout(() => emit(event, ...args), late), true) : emit(event, ...args);
  }) as Server['emit'];
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, origin: `${tls ? 'https' : 'http'}://${HOST}:${(server.address() as AddressInfo).port}` };
}

/** Stops listening and drops keep-alive connections, which would otherwise hold close() open. */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  return closed;
}
