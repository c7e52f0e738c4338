import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { addSecret } from '../secrets.js';
import type { Problem } from './errors.js';
import type { Client } from './suite.types.js';

/** A client's certificate and private key (PEM), presented in TLS handshakes (RFC 8705). The key is never reported. */
export interface ClientCertificate {
  cert: string;
  key: string;
  /** The certificate's SHA-256 thumbprint, base64url (RFC 8705 §3.1 x5t#S256): what a bound token names. */
  thumbprint: string;
}

const FIX = {
  certificate: 'name a PEM file of the client certificate (text starting -----BEGIN CERTIFICATE-----) readable by this user',
  certificate_key: 'name a PEM file of its unencrypted private key (-----BEGIN PRIVATE KEY-----, RSA or EC) readable by this user',
} as const;

// Read once per pair of files: every token and resource request of the client presents it.
const read = new Map<string, ClientCertificate>();

/** The client's certificate, when it has one; the suite's loading has checked both files (certificateProblem). */
export function clientCertificate(client: Client): ClientCertificate | undefined {
  if (!client.certificate || !client.certificate_key) return undefined;
  const id = JSON.stringify([client.certificate, client.certificate_key]);
  let found = read.get(id);
  if (!found) read.set(id, (found = readPair(client.certificate, client.certificate_key)));
  return found;
}

/** What is wrong with a client's certificate or key file, as a problem without its place; undefined when both are fine. */
export function certificateProblem(client: Client): (Pick<Problem, 'message' | 'fix'> & { field: 'certificate' | 'certificate_key' }) | undefined {
  if (client.auth === 'tls_client_auth' && !client.certificate) {
    return { field: 'certificate', message: 'tls_client_auth authenticates the client by its certificate, and it has none', fix: FIX.certificate };
  }
  // Both or neither: a variable left empty would otherwise drop the certificate without a word.
  if (Boolean(client.certificate) !== Boolean(client.certificate_key)) {
    const field = client.certificate ? 'certificate_key' : 'certificate';
    return { field, message: `the client has a ${client.certificate ? 'certificate but no key' : 'key but no certificate'}`, fix: FIX[field] };
  }
  try {
    clientCertificate(client);
    return undefined;
  } catch (error) {
    if (error instanceof PemError) return { field: error.field, message: error.message, fix: FIX[error.field] };
    throw error;
  }
}

class PemError extends Error {
  constructor(
    readonly field: 'certificate' | 'certificate_key',
    message: string,
  ) {
    super(message);
  }
}

function readPair(certFile: string, keyFile: string): ClientCertificate {
  const cert = readPem('certificate', certFile);
  const key = readPem('certificate_key', keyFile);
  // Registered before anything can fail with it in a message: a key file is a secret wherever it might be quoted.
  addSecret(key);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new PemError('certificate', `${certFile} is not a PEM X.509 certificate`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new PemError('certificate_key', `${keyFile} is not an unencrypted PEM private key`);
  }
  if (!matches) throw new PemError('certificate_key', `${keyFile} is not the private key of the certificate in ${certFile}`);
  return { cert, key, thumbprint: createHash('sha256').update(x509.raw).digest('base64url') };
}

function readPem(field: 'certificate' | 'certificate_key', file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new PemError(field, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
