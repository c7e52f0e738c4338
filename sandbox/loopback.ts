import { createServer, type Server } from 'node:http';
import { createServer as createSecureServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

export const HOST = '127.0.0.1';

/** An HTTP server listening on HOST (HTTPS with `tls`); port 0 picks a free one. Request handlers are attached later. */
export async function listenOnLoopback(port: number, tls?: ServerOptions): Promise<{ server: Server; origin: string }> {
  const server: Server = tls ? createSecureServer(tls) : createServer();
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
