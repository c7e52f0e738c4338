import { webcrypto } from 'node:crypto';
import type { Server } from 'node:http';
import * as x509 from '@peculiar/x509';
import { HOST, listenOnLoopback } from './loopback.js';

// ECDSA P-256: generated in milliseconds, where an RSA key would dominate the sandbox's start.
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * A loopback HTTPS listener with a certificate made at start and signed by its own key: no client trusts it, unless
 * it is handed the certificate (Sandbox.trustedCertificates). It answers every request 404: only its TLS handshake
 * matters.
 */
export async function listenWithOwnCertificate(): Promise<{ server: Server; origin: string; certificate: string }> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${HOST}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 24 * 3600_000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: HOST }])],
  });
  const key = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  const pem = certificate.toString('pem');
  const listener = await listenOnLoopback(0, { key, cert: pem });
  listener.server.on('request', (_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  return { ...listener, certificate: pem };
}
