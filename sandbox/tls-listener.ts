import { webcrypto } from 'node:crypto';
import type { Server } from 'node:http';
import * as x509 from '@peculiar/x509';
import { HOST, listenOnLoopback } from './loopback.js';

// ECDSA P-256: generated in milliseconds, where an RSA key would dominate the sandbox's start.
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * A loopback HTTPS listener with a certificate made at start: self-signed, which no client trusts; or issued by a test
 * CA made with it, a chain a client verifies once it trusts the CA, as a private CA's would be. `trustAnchor` is the
 * certificate that makes a client trust the listener (Sandbox.trustedCertificates). It answers every request 404:
 * only its TLS handshake matters.
 */
export async function listenWithCertificate(issuer: 'self' | 'test-ca'): Promise<{ server: Server; origin: string; trustAnchor: string }> {
  const { key, cert, trustAnchor } = await certificateFor(issuer);
  const listener = await listenOnLoopback(0, { key, cert });
  listener.server.on('request', (_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  return { ...listener, trustAnchor };
}

/**
 * A server certificate and its key for the loopback address and `dnsNames` (PEM), and the certificate that makes a
 * client trust it: itself when self-signed, or the test CA that issued it.
 */
export async function certificateFor(
  issuer: 'self' | 'test-ca',
  dnsNames: readonly string[] = [],
): Promise<{ key: string; cert: string; trustAnchor: string }> {
  const keys = await generateKeys();
  const leaf = leafFor(dnsNames);
  const { certificate, trustAnchor } = issuer === 'self' ? await selfSignedLeaf(keys, leaf) : await issuedByTestCa(keys, leaf);
  return { key: await pemKey(keys), cert: certificate.toString('pem'), trustAnchor: trustAnchor.toString('pem') };
}

/** What a server certificate is made of: its subject, and the names it is valid for. */
function leafFor(dnsNames: readonly string[]) {
  const names = [{ type: 'ip' as const, value: HOST }, ...dnsNames.map((value) => ({ type: 'dns' as const, value }))];
  return { name: `CN=${HOST}`, extensions: [new x509.SubjectAlternativeNameExtension(names)] };
}
interface Leaf {
  name: string;
  extensions: x509.Extension[];
}

/** A leaf certificate that vouches for itself: only a client that trusts it as it is trusts it. */
async function selfSignedLeaf(keys: webcrypto.CryptoKeyPair, leaf: Leaf) {
  const certificate = await selfSigned(keys, leaf);
  return { certificate, trustAnchor: certificate };
}

/** A leaf certificate signed by a CA made for it, whose basic constraints and key usage allow it to sign one. */
async function issuedByTestCa(keys: webcrypto.CryptoKeyPair, leaf: Leaf) {
  const ca = await createTestCa();
  return { certificate: await issue(ca, keys, leaf, x509.ExtendedKeyUsage.serverAuth, '02'), trustAnchor: ca.certificate };
}

/** A certificate authority made for a test: its certificate, which a client or server is told to trust, and its keys. */
export interface TestCa {
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

export async function createTestCa(): Promise<TestCa> {
  const keys = await generateKeys();
  const certificate = await selfSigned(keys, {
    name: 'CN=Conformance sandbox test CA',
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { certificate, keys };
}

/** An end-entity certificate for `keys`, issued by the CA, for a server's or a client's use (extended key usage). */
function issue(ca: TestCa, keys: webcrypto.CryptoKeyPair, leaf: Leaf, usage: string, serialNumber: string): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    ...validity(),
    serialNumber,
    subject: leaf.name,
    issuer: ca.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [...leaf.extensions, new x509.BasicConstraintsExtension(false, undefined, true), new x509.ExtendedKeyUsageExtension([usage])],
  });
}

/** A server certificate issued by the CA for the loopback address, with its key (PEM). */
export async function serverCertificateFrom(ca: TestCa): Promise<{ key: string; cert: string }> {
  const keys = await generateKeys();
  return { key: await pemKey(keys), cert: (await issue(ca, keys, leafFor([]), x509.ExtendedKeyUsage.serverAuth, '02')).toString('pem') };
}

/** A client certificate issued by the CA to the subject `name` (e.g. CN=client), with its key (PEM): RFC 8705 §2.1. */
export async function clientCertificateFrom(ca: TestCa, name: string): Promise<{ key: string; cert: string }> {
  const keys = await generateKeys();
  return { key: await pemKey(keys), cert: (await issue(ca, keys, { name, extensions: [] }, x509.ExtendedKeyUsage.clientAuth, '03')).toString('pem') };
}

async function pemKey(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

function selfSigned(keys: webcrypto.CryptoKeyPair, { name, extensions }: { name: string; extensions: x509.Extension[] }): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({ ...validity(), serialNumber: '01', name, keys, signingAlgorithm: ALGORITHM, extensions });
}

/** From a minute ago (a client's clock may lag) to a day ahead: longer than any run. */
function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 60_000), notAfter: new Date(now + 24 * 3600_000) };
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}
