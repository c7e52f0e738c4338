import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../suite/errors.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;
const FIX = 'give --ca a PEM file of the CA certificate(s) to trust (text starting -----BEGIN CERTIFICATE-----, one or more)';

/**
 * The certificates of a --ca file, each checked to be one: a typo or a key file in its place stops the run at once,
 * instead of surfacing as TLS failures of every check.
 */
export function readCaFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError({ file, message: `--ca: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix: FIX });
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  const broken = certificates.findIndex((pem) => !parses(pem));
  if (certificates.length === 0 || broken >= 0) {
    const what = certificates.length === 0 ? 'holds no PEM certificate' : `certificate ${broken + 1} of the file is not a valid X.509 certificate`;
    throw new ConfigError({ file, message: `--ca: the file ${what}`, fix: FIX });
  }
  return certificates;
}

function parses(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
