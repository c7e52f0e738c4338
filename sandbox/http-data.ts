import { ServerResponse, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { deliver, type Delivery } from './delivery.js';

/**
 * HTTP as data: a request is read whole off the wire, handled (or rewritten, answered, replayed) as a value, and the
 * response sent as one. The front door, the protected resource and the vendor emulators all serve HTTP this way.
 */

export interface HttpRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The SHA-256 thumbprint (base64url) of the client certificate its TLS connection presented, if any (RFC 8705 §3.1). */
  certificate?: string;
}

export interface HttpResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** Sent some other way than at once, as a hostile fault says. */
  delivery?: Delivery;
}

export type Handler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;
export type Forward = (request: HttpRequest) => Promise<HttpResponse>;
/** A step in front of a handler: answers a request itself, or forwards it (or others) to `next`. */
export type Stage = (request: HttpRequest, next: Forward) => Promise<HttpResponse>;

/** Reads a request whole, its URL resolved against `origin`. */
export async function readRequest(req: IncomingMessage, origin: string): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const peer = (req.socket as Partial<TLSSocket>).getPeerCertificate?.();
  const certificate = peer?.raw ? createHash('sha256').update(peer.raw).digest('base64url') : undefined;
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', origin),
    headers: req.headers,
    body: Buffer.concat(chunks),
    ...(certificate && { certificate }),
  };
}

export function send(res: ServerResponse, { status, headers, body, delivery }: HttpResponse): void {
  res.statusCode = status;
  // Node computes Content-Length for the body as finally sent.
  for (const [name, value] of Object.entries(headers)) if (name !== 'content-length' && value !== undefined) res.setHeader(name, value);
  if (delivery) deliver(res, body, delivery);
  else res.end(body);
}

/** A Node request listener that serves `handler`, URLs resolved against `origin`; a handler that throws gets `failed`'s answer. */
export function serveWith(handler: Handler, origin: string, failed: (error: unknown) => HttpResponse): RequestListener {
  return (req, res) => {
    void readRequest(req, origin)
      .then(handler)
      .catch(failed)
      .then((response) => send(res, response));
  };
}

/**
 * Hands a request to a Node request listener as a fresh IncomingMessage on the original's connection, and records its
 * answer in a response that is never sent, so that it can be read and rewritten as data.
 */
export function dispatch(listener: RequestListener, original: IncomingMessage, { method, url, headers, body }: HttpRequest): Promise<HttpResponse> {
  const { socket, httpVersion, httpVersionMajor, httpVersionMinor } = original;
  const req = Object.assign(Readable.from(body.length ? [body] : [], { objectMode: false }), {
    method,
    url: `${url.pathname}${url.search}`,
    headers,
    socket,
    httpVersion,
    httpVersionMajor,
    httpVersionMinor,
  }) as unknown as IncomingMessage;
  const res = new ServerResponse(req);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown) => {
      collect(chunk);
      return true;
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown) => {
      collect(chunk);
      resolve({ status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) });
      return res;
    }) as ServerResponse['end'];
    listener(req, res);
  });
}

/** A JSON response; without a body, an empty one still labelled JSON. `headers` may name another content type. */
export function json(status: number, body?: object, headers: OutgoingHttpHeaders = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
  };
}

/** A plain text response; `headers` may name another content type (an HTML page, say). */
export function text(status: number, body: string, headers: OutgoingHttpHeaders = {}): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: Buffer.from(body) };
}

const FORM = 'application/x-www-form-urlencoded';

/** The parameters of a form-encoded body, of any method; undefined for any other body. */
export function formOf(request: HttpRequest): URLSearchParams | undefined {
  return (request.headers['content-type'] ?? '').startsWith(FORM) ? new URLSearchParams(request.body.toString()) : undefined;
}

/** A request with this form as its body, POSTed. */
export function withForm(request: HttpRequest, params: URLSearchParams): HttpRequest {
  const body = Buffer.from(params.toString());
  const { 'transfer-encoding': _chunked, ...headers } = request.headers;
  return { ...request, method: 'POST', headers: { ...headers, 'content-type': FORM, 'content-length': String(body.length) }, body };
}

/** The JSON object a request or response carries (JSON or FHIR JSON); undefined for any other body, a broken one included. */
export function jsonOf(message: HttpRequest | HttpResponse): Record<string, unknown> | undefined {
  const type = String(message.headers['content-type'] ?? '');
  if (!type.startsWith('application/json') && !type.startsWith('application/fhir+json')) return undefined;
  try {
    const parsed = JSON.parse(message.body.toString()) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
