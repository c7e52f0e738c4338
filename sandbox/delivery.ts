import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** How a response's body goes over the wire when not at once, as a hostile fault (hostile.ts) says. */
export type Delivery =
  /** The answer's headers go at once, then its body one byte per interval, then spaces, forever. */
  | { kind: 'drip'; intervalMs: number }
  /** The answer's body, padded with spaces to this many bytes, is streamed. */
  | { kind: 'pad-body'; bytes: number }
  /** The connection is reset once the answer's headers and half its body are sent. */
  | { kind: 'reset-connection' };

/** Sends a body as a delivery says, once status and headers (but no Content-Length) are set. */
export function deliver(res: ServerResponse, body: Buffer, delivery: Delivery): void {
  switch (delivery.kind) {
    case 'drip': {
      res.flushHeaders();
      let sent = 0;
      // Spaces after the body are JSON whitespace: the document never ends, yet never turns invalid either.
      const drip = () => res.write(sent < body.length ? body.subarray(sent, ++sent) : ' ');
      drip();
      const timer = setInterval(drip, delivery.intervalMs);
      res.once('close', () => clearInterval(timer));
      return;
    }
    case 'pad-body':
      res.setHeader('content-length', Math.max(body.length, delivery.bytes));
      // Rejects when the client gives up and its connection closes, which leaves nothing to do.
      pipeline(Readable.from(padded(body, delivery.bytes)), res).catch(() => undefined);
      return;
    case 'reset-connection':
      res.setHeader('content-length', body.length);
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.resetAndDestroy());
      return;
  }
}

// Large bodies go out in slices of this, so that none is ever held whole.
const SPACES = Buffer.alloc(64 * 1024, ' ');

export function* spaces(bytes: number): Generator<Buffer> {
  for (let left = bytes; left > 0; left -= SPACES.length) yield SPACES.subarray(0, Math.min(left, SPACES.length));
}

function* padded(body: Buffer, bytes: number): Generator<Buffer> {
  yield body;
  yield* spaces(bytes - body.length);
}
