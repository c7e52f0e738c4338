import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The members of a token response that carry what was issued (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
const TOKEN_MEMBERS = ['access_token', 'refresh_token', 'id_token'] as const;
const MIN_LENGTH = 16;

/**
 * Every credential a sandbox handed out: tokens, authorization codes, session cookies, and what a hostile fault makes
 * up. Read from the provider's own answers before any fault rewrites them, so that a leak test knows what to look for
 * without relying on the tool's own recognition of credentials.
 */
export class IssuedCredentials {
  readonly #values = new Set<string>();

  readonly add = (value: string): void => {
    // Shorter values (a flag cookie, a cleared one) are no credentials, and would be found anywhere by chance.
    if (value.length >= MIN_LENGTH) this.#values.add(value);
  };

  values(): string[] {
    return [...this.#values];
  }

  /** The handler, with each answer it sends read for credentials. */
  tap(handler: Handler): Handler {
    return (req, res) => {
      const chunks: Buffer[] = [];
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        collect(chunks, chunk);
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as ServerResponse['write'];
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        collect(chunks, chunk);
        this.#read(res, Buffer.concat(chunks).toString());
        return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
      }) as ServerResponse['end'];
      handler(req, res);
    };
  }

  #read(res: ServerResponse, body: string): void {
    const location = res.getHeader('location');
    if (typeof location === 'string') new URL(location, 'http://sandbox.invalid').searchParams.getAll('code').forEach(this.add);
    for (const cookie of [res.getHeader('set-cookie') ?? []].flat()) {
      const pair = String(cookie).split(';', 1)[0]!;
      this.add(pair.slice(pair.indexOf('=') + 1));
    }
    if (!String(res.getHeader('content-type') ?? '').startsWith('application/json')) return;
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      for (const member of TOKEN_MEMBERS) if (typeof json[member] === 'string') this.add(json[member]);
    } catch {
      // Not a token response.
    }
  }
}

function collect(chunks: Buffer[], chunk: unknown): void {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
}
