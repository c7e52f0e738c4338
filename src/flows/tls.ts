import type { TLSSocket } from 'node:tls';
import { request } from 'undici';
import { handshakeAgent } from '../http/transport.js';

export interface Handshake {
  url: string;
  protocol?: string;
  authorized?: boolean;
  /** Why the certificate chain was not trusted, or why no handshake happened. */
  error?: string;
  /** No TCP connection, or no answer in time: the host said nothing about its TLS. */
  unreachable?: boolean;
}

// A proxy that refuses the tunnel (UND_ERR_ABORTED) or cannot be reached says nothing of the host's TLS either.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_ABORTED']);
const TIMED_OUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/**
 * A TLS handshake with the host of an https URL (RFC 9325 §3), made as the run's requests are (through HTTPS_PROXY
 * when it applies): the protocol version and whether the chain is trusted by the system's store
 * (NODE_EXTRA_CA_CERTS included) or one of `trusted`. No request is sent.
 */
export async function handshake(url: string, timeoutMs: number, trusted: readonly string[] = []): Promise<Handshake> {
  let socket: TLSSocket | undefined;
  const agent = handshakeAgent(trusted, timeoutMs, (taken) => (socket = taken));
  try {
    const failure = await request(url, { method: 'HEAD', dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (socket) return { url, protocol: socket.getProtocol() ?? undefined, authorized: socket.authorized, error: verifyError(socket.authorizationError) };
    return { url, ...notSecured(failure, timeoutMs) };
  } finally {
    socket?.destroy();
    void agent.destroy();
  }
}

function notSecured(failure: unknown, timeoutMs: number): Omit<Handshake, 'url'> {
  const error = failure as { code?: string; name?: string; message?: string; cause?: { code?: string } } | undefined;
  const code = error?.code ?? error?.cause?.code;
  if (error?.name === 'TimeoutError' || TIMED_OUT.has(code ?? '')) return { error: `no TLS handshake within ${timeoutMs / 1000} s`, unreachable: true };
  return { error: code ?? error?.message ?? 'no handshake', unreachable: UNREACHABLE.has(code ?? '') };
}

/** Node types authorizationError as an Error, but sets it to the verify error's code (a string), or leaves it null when the chain verifies. */
function verifyError(reason: Error | string | null): string | undefined {
  if (reason === null) return undefined;
  return typeof reason === 'string' ? reason : reason.message;
}
