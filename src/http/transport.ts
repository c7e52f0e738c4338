import { createSecureContext, type SecureContext } from 'node:tls';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

/**
 * A TLS context that trusts what Node trusts by default (the system's roots, and NODE_EXTRA_CA_CERTS, which Node
 * loads at start) and the `extra` certificates besides: a private CA adds to the roots instead of replacing them, as
 * a `ca` option would.
 */
export function trustStore(extra: readonly string[]): SecureContext {
  const context = createSecureContext();
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

/** NO_PROXY with loopback added; `*` still means no proxy at all. */
export function noProxyList(env = process.env): string {
  const given = variable(env, 'NO_PROXY');
  return given === '*' ? given : [given, ...LOOPBACK].filter(Boolean).join(',');
}

/**
 * The dispatcher every request goes through: direct, or through the proxy HTTP_PROXY / HTTPS_PROXY name for the
 * target's scheme (lower-case names win), unless NO_PROXY lists the host. An https target is reached through a CONNECT
 * tunnel, so the proxy sees its host and port and nothing of the request; a plain http one is sent to the proxy as an
 * absolute-URL request, as curl does. `trusted` certificates are trusted for the targets and for an https proxy.
 */
export function transportAgent(connections: number, trusted: readonly string[], env = process.env): Dispatcher {
  const tls = trusted.length > 0 ? { secureContext: trustStore(trusted) } : {};
  const httpProxy = variable(env, 'HTTP_PROXY');
  // Without HTTPS_PROXY, https targets use HTTP_PROXY, as in undici (curl would go direct).
  const httpsProxy = variable(env, 'HTTPS_PROXY');
  return new EnvHttpProxyAgent({
    ...(httpProxy && { httpProxy }),
    ...(httpsProxy && { httpsProxy }),
    keepAliveTimeout: 10_000,
    connections,
    connect: tls,
    requestTls: tls,
    proxyTls: tls,
    proxyTunnel: false,
    noProxy: noProxyList(env),
  });
}
