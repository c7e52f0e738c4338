import type { IncomingMessage, Server } from 'node:http';
import { closeServer } from './loopback.js';

/** A request as the sandbox received it. */
export interface SandboxRequest {
  readonly method: string;
  /** Without the query, which may carry credentials. */
  readonly path: string;
  /** When its headers arrived, in milliseconds since the epoch. */
  readonly at: number;
}

/** The sandbox's listeners: each logs the requests it receives, and close() closes every one started. */
export class Listeners {
  readonly #servers: Server[] = [];
  readonly #log: SandboxRequest[] = [];
  readonly #cleanups: Array<() => Promise<void>> = [];
  #closing: Promise<void> | undefined;

  /** A listener once it listens, logged and closed with the others. */
  async add<T extends { server: Server; origin: string }>(started: Promise<T>): Promise<T> {
    const host = await started;
    this.#servers.push(host.server);
    // Attached before any handler, so that it logs a request before it is answered.
    host.server.on('request', ({ method = 'GET', url = '/' }: IncomingMessage) => this.#log.push({ method, path: url.split('?', 1)[0]!, at: Date.now() }));
    return host;
  }

  /** Something else the sandbox made (a file) that close() removes too. */
  onClose(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  /** Every request received so far, oldest first. */
  requests(): SandboxRequest[] {
    return [...this.#log];
  }

  /** Idempotent, so that callers may close in several cleanup paths. */
  readonly close = (): Promise<void> => {
    this.#closing ??= Promise.all([...this.#servers.map(closeServer), ...this.#cleanups.map((cleanup) => cleanup())]).then(() => undefined);
    return this.#closing;
  };
}
