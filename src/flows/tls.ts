import { connect } from 'node:tls';
import { trustStore } from '../http/transport.js';

export interface Handshake {
  url: string;
  protocol?: string;
  authorized?: boolean;
  /** Why the certificate chain was not trusted, or why no handshake happened. */
  error?: string;
  /** No TCP connection, or no answer in time: the host said nothing about its TLS. */
  unreachable?: boolean;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A TLS handshake with the host of an https URL (RFC 9325 §3): the protocol version and whether the chain is trusted
 * by the system's store (NODE_EXTRA_CA_CERTS included) or one of `trusted`.
 */
export function handshake(url: string, timeoutMs: number, trusted: readonly string[] = []): Promise<Handshake> {
  const { hostname, port } = new URL(url);
  const secureContext = trustStore(trusted);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname,
      port: Number(port || 443),
      servername: /^[\d.]+$|:/.test(hostname) ? undefined : hostname,
      rejectUnauthorized: false,
      secureContext,
    });
    const done = (result: Omit<Handshake, 'url'>) => {
      socket.destroy();
      resolve({ url, ...result });
    };
    socket.setTimeout(timeoutMs, () => done({ error: `no TLS handshake within ${timeoutMs / 1000} s`, unreachable: true }));
    socket.once('secureConnect', () =>
      done({ protocol: socket.getProtocol() ?? undefined, authorized: socket.authorized, error: verifyError(socket.authorizationError) }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message, unreachable: UNREACHABLE.has(error.code ?? '') }));
  });
}

/** Node types authorizationError as an Error, but sets it to the verify error's code (a string), or leaves it null when the chain verifies. */
function verifyError(reason: Error | string | null): string | undefined {
  if (reason === null) return undefined;
  return typeof reason === 'string' ? reason : reason.message;
}
