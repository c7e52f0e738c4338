import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { ClientMetadata, Configuration, KoaContext } from 'oidc-provider';
import { writePrivately } from '../src/private-file.js';
import { newSecret } from './clients.js';

const CLIENT_ID = 'sandbox-mtls';
const SUBJECT = `CN=${CLIENT_ID}`;

/** How a profile breaks RFC 8705 at the authorization server (the resource's deviation is a resource fault). */
export interface MtlsFaults {
  /** tls_client_auth succeeds without a certificate: the token endpoint takes the client_id's word for it. */
  certificateOptional?: true;
  /** The client is not registered for bound tokens, so they carry no cnf, while the metadata says tokens are bound. */
  unboundTokens?: true;
}

type MtlsFeature = NonNullable<Configuration['features']['mTLS']>;

/** The sandbox's mutual TLS (RFC 8705): a test CA, its server certificate, and a client with a certificate from it. */
export interface Mtls {
  /** The listeners' TLS: the CA's server certificate, asking every client for a certificate the CA issued. */
  serverTls: ServerOptions;
  /** The CA's certificate, which the sandbox's users trust. */
  trustAnchor: string;
  /** Authenticated by its certificate (tls_client_auth), its tokens bound to it. */
  client: ClientMetadata;
  /** Authenticated by a secret, its tokens bound to the certificate it presents: RFC 8705 §3 needs no mTLS authentication. */
  secretClient: ClientMetadata & { client_secret: string };
  feature: MtlsFeature;
  /** The client's certificate and key files (0600), and the CA's (for --ca), until remove(). */
  files: { certificate: string; key: string; ca: string };
  remove: () => Promise<void>;
}

export async function setUpMtls(faults: MtlsFaults): Promise<Mtls> {
  // Loaded only when needed: the certificate library takes about as long to import as the rest of the start.
  const { createTestCa, serverCertificateFrom, clientCertificateFrom } = await import('./tls-listener.js');
  const ca = await createTestCa();
  const trustAnchor = ca.certificate.toString('pem');
  const [server, client] = await Promise.all([serverCertificateFrom(ca), clientCertificateFrom(ca, SUBJECT)]);
  // mkdtemp makes the folder 0700; the files in it are the owner's alone too, as any file holding a key.
  const folder = await mkdtemp(join(tmpdir(), 'sandbox-mtls-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  const files = { certificate: join(folder, 'client-certificate.pem'), key: join(folder, 'client-key.pem'), ca: join(folder, 'test-ca.pem') };
  try {
    await writePrivately(files.certificate, (path) => writeFile(path, client.cert));
    await writePrivately(files.key, (path) => writeFile(path, client.key));
    await writePrivately(files.ca, (path) => writeFile(path, trustAnchor));
  } catch (error) {
    await remove();
    throw error;
  }
  const machine = {
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    tls_client_certificate_bound_access_tokens: !faults.unboundTokens,
  };
  return {
    serverTls: { ...server, ca: trustAnchor, requestCert: true, rejectUnauthorized: false },
    trustAnchor,
    client: { ...machine, client_id: CLIENT_ID, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: SUBJECT },
    secretClient: { ...machine, client_id: `${CLIENT_ID}-secret`, client_secret: newSecret(), token_endpoint_auth_method: 'client_secret_basic' },
    feature: mtlsFeature(client.cert, faults),
    files,
    remove,
  };
}

/** The certificate the connection presented (PEM), if any. */
function presented(ctx: KoaContext): string | undefined {
  const peer = (ctx.req.socket as Partial<TLSSocket>).getPeerCertificate?.();
  return peer?.raw ? new X509Certificate(peer.raw).toString() : undefined;
}

/** oidc-provider's mTLS feature, reading the certificate off the TLS connection, as the profile breaks it. */
function mtlsFeature(clientCertificate: string, faults: MtlsFaults): MtlsFeature {
  const certificate = (ctx: KoaContext) => presented(ctx) ?? (faults.certificateOptional ? clientCertificate : undefined);
  return {
    enabled: true,
    certificateBoundAccessTokens: true,
    tlsClientAuth: true,
    getCertificate: certificate,
    // Verified against the test CA in the handshake (requestCert with rejectUnauthorized off leaves the verdict here).
    certificateAuthorized: (ctx) => Boolean((ctx.req.socket as Partial<TLSSocket>).authorized) || (faults.certificateOptional === true && !presented(ctx)),
    certificateSubjectMatches: (ctx, property, expected) => {
      const pem = certificate(ctx);
      return property === 'tls_client_auth_subject_dn' && pem !== undefined && new X509Certificate(pem).subject === expected;
    },
  };
}
