import { containsSecret } from '../secrets.js';

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** The host a URL reaches over plain http off loopback, where anything sent travels in clear; undefined otherwise. */
export function clearHost(url: string): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return parsed && parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname) ? parsed.host : undefined;
}

export const insecureHttpAdvice = 'use its https URL, or pass --allow-insecure-http for a lab setup you control';

/**
 * Credentials cross the network only inside TLS (RFC 6749 §2.3.1, §10.3), loopback aside; a lab may opt out. A
 * request carries credentials when any part of it (URL, header values, body) holds a value the run knows as secret,
 * whoever built it, or when its sender says so (`credentialed`: an Authorization or Cookie header, say).
 */
export function plainHttpRefusal(url: string, parts: Array<string | undefined>, credentialed: boolean, allowInsecureHttp: boolean): string | undefined {
  const host = clearHost(url);
  if (!host || allowInsecureHttp) return undefined;
  const carries = credentialed || [url, ...parts].some((part) => part !== undefined && containsSecret(part));
  return carries ? `refused to send credentials over plain http to ${host}: ${insecureHttpAdvice}` : undefined;
}
