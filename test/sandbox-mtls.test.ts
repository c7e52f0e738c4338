import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { mtlsProfiles } from '../sandbox/mtls-profiles.js';

/**
 * Each mtls profile of the sandbox breaks its rule of RFC 8705, shown by plain requests over TLS with and without the
 * client certificate: the profile does what the rule forbids, and the mtls baseline does not.
 */

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** A client of the sandbox's https listeners, trusting its test CA, presenting the client certificate or not. */
function client(s: Sandbox, withCertificate: boolean) {
  const ca = s.trustedCertificates!;
  const tls = withCertificate
    ? { ca, cert: readFileSync(s.variables.SANDBOX_CLIENT_CERT_FILE!, 'utf8'), key: readFileSync(s.variables.SANDBOX_CLIENT_CERT_KEY_FILE!, 'utf8') }
    : { ca };
  const dispatcher = new Agent({ connect: tls });
  return async (url: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> => {
    const res = await request(url, { ...init, dispatcher });
    const text = await res.body.text();
    return { status: res.statusCode, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** The tls_client_auth client's client_credentials request: client_id in the body, the certificate (or none) in the handshake. */
function tokenRequest(s: Sandbox, withCertificate: boolean): Promise<Reply> {
  return client(s, withCertificate)(`${s.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.variables.SANDBOX_MTLS_CLIENT_ID!, scope: 'api:read' }).toString(),
  });
}

async function boundToken(s: Sandbox): Promise<string> {
  const reply = await tokenRequest(s, true);
  expect(reply.status).toBe(200);
  return String(reply.json.access_token);
}

const thumbprint = (s: Sandbox) =>
  createHash('sha256')
    .update(new X509Certificate(readFileSync(s.variables.SANDBOX_CLIENT_CERT_FILE!)).raw)
    .digest('base64url');
const metadata = async (s: Sandbox) => (await client(s, false)(`${s.issuer}/.well-known/openid-configuration`)).json;
const resource = async (s: Sandbox, withCertificate: boolean) =>
  client(s, withCertificate)(s.variables.SANDBOX_RESOURCE_URL!, { headers: { authorization: `Bearer ${await boundToken(s)}` } });

/** What each profile does, and what the baseline does instead (the same request). */
const cases: Record<string, { faulty: (s: Sandbox) => Promise<void>; conformant: (s: Sandbox) => Promise<void> }> = {
  'mtls-certificate-optional': {
    faulty: async (s) => expect((await tokenRequest(s, false)).status).toBe(200),
    conformant: async (s) => expect(await tokenRequest(s, false)).toMatchObject({ status: 401, json: { error: 'invalid_client' } }),
  },
  'mtls-method-undeclared': {
    faulty: async (s) => expect((await metadata(s)).token_endpoint_auth_methods_supported).not.toContain('tls_client_auth'),
    conformant: async (s) => expect((await metadata(s)).token_endpoint_auth_methods_supported).toContain('tls_client_auth'),
  },
  'mtls-unbound-tokens': {
    faulty: async (s) => expect(decodeJwt(await boundToken(s)).cnf).toBeUndefined(),
    conformant: async (s) => expect(decodeJwt(await boundToken(s)).cnf).toEqual({ 'x5t#S256': thumbprint(s) }),
  },
  'mtls-binding-ignored': {
    faulty: async (s) => expect((await resource(s, false)).status).toBe(200),
    conformant: async (s) => {
      expect(await resource(s, false)).toMatchObject({ status: 401, json: { error: 'invalid_token' } });
      expect((await resource(s, true)).status).toBe(200);
    },
  },
  'mtls-binding-undeclared': {
    faulty: async (s) => expect((await metadata(s)).tls_client_certificate_bound_access_tokens).toBeUndefined(),
    conformant: async (s) => expect((await metadata(s)).tls_client_certificate_bound_access_tokens).toBe(true),
  },
};

describe.concurrent('sandbox mtls profiles', () => {
  it('has a case for every mtls profile but the baseline', () => {
    expect(Object.keys(cases).sort()).toEqual(
      mtlsProfiles
        .map((p) => p.name)
        .filter((n) => n !== 'mtls')
        .sort(),
    );
  });

  it.for(Object.entries(cases))('%s breaks its rule, and the baseline keeps it', async ([name, { faulty, conformant }]) => {
    const [broken, baseline] = await Promise.all([startSandbox({ profile: name }), startSandbox({ profile: 'mtls' })]);
    try {
      await faulty(broken);
      await conformant(baseline);
    } finally {
      await Promise.all([broken.close(), baseline.close()]);
    }
  });
});
