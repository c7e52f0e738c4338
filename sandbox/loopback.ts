import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOST = '127.0.0.1';

/** An HTTP server listening on HOST; port 0 picks a free one. Request handlers are attached later. */
export async function listenOnLoopback(port: number): Promise<{ server: Server; origin: string }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, origin: `http://${HOST}:${(server.address() as AddressInfo).port}` };
}

/** Stops listening and drops keep-alive connections, which would otherwise hold close() open. */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  return closed;
}
