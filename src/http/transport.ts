import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { buildConnector, Client, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { addSecret } from '../secrets.js';

/**
 * A TLS context that trusts what Node trusts by default (the system's roots, and NODE_EXTRA_CA_CERTS, which Node
 * loads at start) and the `extra` certificates besides: a private CA adds to the roots instead of replacing them, as
 * a `ca` option would. A client `certificate` goes in the context too: given a context, a connection takes its `cert`
 * and `key` from it alone.
 */
export function trustStore(extra: readonly string[], certificate?: ClientTls): SecureContext {
  const context = createSecureContext(certificate && { cert: certificate.cert, key: certificate.key });
  for (const pem of extra) (context.context as { addCACert(pem: string): void }).addCACert(pem);
  return context;
}

/**
 * Loopback is never proxied, as in Go's net/http and Chrome: a proxy on another machine would connect to its own
 * loopback, never to the embedded sandbox on this one. curl and undici proxy it unless NO_PROXY lists it.
 */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** A proxy variable: the lower-case name wins, as in curl and undici; an empty value counts as unset. */
const variable = (env: NodeJS.ProcessEnv, name: string) => (env[name.toLowerCase()] || env[name] || '').trim();

/**
 * For a connection that failed: the proxy variable it may have gone through (unless NO_PROXY covered the host), so
 * the user checks the proxy too. Empty for loopback, which is never proxied.
 */
export function proxyHint(url: string, env = process.env): string {
  const target = URL.canParse(url) ? new URL(url) : undefined;
  if (!target || LOOPBACK.includes(target.hostname)) return '';
  const name = target.protocol === 'https:' && variable(env, 'HTTPS_PROXY') ? 'HTTPS_PROXY' : variable(env, 'HTTP_PROXY') ? 'HTTP_PROXY' : '';
  return name && noProxyList(env) !== '*' ? ` (through ${name} unless NO_PROXY lists the host: check the proxy too)` : '';
}

/** NO_PROXY with loopback added; `*` still means no proxy at all. */
export function noProxyList(env = process.env): string {
  const given = variable(env, 'NO_PROXY');
  return given === '*' ? given : [given, ...LOOPBACK].filter(Boolean).join(',');
}

/**
 * The dispatcher every request goes through: direct, or through the proxy HTTP_PROXY / HTTPS_PROXY name for the
 * target's scheme (lower-case names win), unless NO_PROXY lists the host. An https target is reached through a CONNECT
 * tunnel, so the proxy sees its host and port and nothing of the request; a plain http one is sent to the proxy as an
 * absolute-URL request, as curl does. `trusted` certificates are trusted for the targets and for an https proxy; a
 * `certificate` is the client's, presented in the targets' handshakes.
 */
export function transportAgent(connections: number, trusted: readonly string[], env = process.env, certificate?: ClientTls): Dispatcher {
  const tls = trusting(trusted);
  // A client certificate (RFC 8705) is presented to the targets, never to a proxy.
  const target = certificate ? { secureContext: trustStore(trusted, certificate) } : tls;
  return new EnvHttpProxyAgent({ ...proxies(env), keepAliveTimeout: 10_000, connections, connect: target, requestTls: target, proxyTls: tls });
}

/** A client certificate and its key (PEM). */
interface ClientTls {
  cert: string;
  key: string;
}

/** TLS options that add `trusted` to the roots; none when there is nothing to add. */
const trusting = (trusted: readonly string[]) => (trusted.length > 0 ? { secureContext: trustStore(trusted) } : {});

/** What every dispatcher shares: the proxies by scheme, and what bypasses them. */
function proxies(env: NodeJS.ProcessEnv) {
  const httpProxy = variable(env, 'HTTP_PROXY');
  // Without HTTPS_PROXY, https targets use HTTP_PROXY, as in undici (curl would go direct).
  const httpsProxy = variable(env, 'HTTPS_PROXY');
  // A proxy's password (sent as Proxy-Authorization) is redacted wherever an error might quote it.
  for (const proxy of [httpProxy, httpsProxy]) addSecret(URL.canParse(proxy) ? decodeURIComponent(new URL(proxy).password) : undefined);
  return { ...(httpProxy && { httpProxy }), ...(httpsProxy && { httpsProxy }), proxyTunnel: false, noProxy: noProxyList(env) };
}

/** Raised instead of sending a request once the connection's TLS handshake is done: only the handshake was wanted. */
class HandshakeTaken extends Error {}

/**
 * A dispatcher that connects as requests do (through the proxy when one applies, trusting `trusted` besides the
 * roots) and hands the TLS socket to `take` instead of sending anything, whether or not its chain verifies: a
 * handshake to judge. Every request through it fails with HandshakeTaken once the socket is taken.
 */
export function handshakeAgent(trusted: readonly string[], timeoutMs: number, take: (socket: TLSSocket) => void, env = process.env): Dispatcher {
  const tls = { secureContext: trustStore(trusted), rejectUnauthorized: false, timeout: timeoutMs };
  const factory = (origin: string | URL, options: Client.Options) => {
    const connect = typeof options.connect === 'function' ? options.connect : buildConnector({ ...options.connect });
    return new Client(origin, {
      ...options,
      connect: (params, done) => {
        connect(params, (...[error, socket]) => {
          if (!error) take(socket as TLSSocket);
          done(error ?? new HandshakeTaken('handshake taken'), null);
        });
      },
    });
  };
  return new EnvHttpProxyAgent({ ...proxies(env), connections: 1, connect: tls, requestTls: tls, proxyTls: trusting(trusted), factory });
}

/**
 * The proxy for browser logins, in Playwright's terms: Chromium takes one proxy for every scheme, so HTTPS_PROXY (a
 * login's pages are https), else HTTP_PROXY; NO_PROXY and loopback bypass it, as for every other request.
 */
export function browserProxy(env = process.env): { server: string; bypass: string } | undefined {
  const server = variable(env, 'HTTPS_PROXY') || variable(env, 'HTTP_PROXY');
  const bypass = noProxyList(env);
  return server && bypass !== '*' ? { server, bypass } : undefined;
}
