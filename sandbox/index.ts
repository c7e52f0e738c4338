import type { RequestListener } from 'node:http';
import type Provider from 'oidc-provider';
import { createAccessTokenVerifier, jwtReader } from './access-token-verifier.js';
import { createAuthorizationServer, defaultSettings, TEST_ACCOUNT, type ProtectedResource, type ProviderSettings } from './authorization-server.js';
import { writeClientKeyFile } from './client-key-file.js';
import { createClients, newSecret, type SandboxClients } from './clients.js';
import type { FaultProfile } from './fault-profile.js';
import { resourceDeviations, tlsListenerOf, type Fault, type ResourceDeviation } from './faults.js';
import { createDpopVerifier } from './dpop-verifier.js';
import { frontDoor } from './front-door.js';
import { IssuedCredentials } from './issued-credentials.js';
import { everIssued } from './issued-tokens.js';
import { revocableJwts } from './jwt-revocation.js';
import { Listeners, type SandboxRequest } from './listeners.js';
import { listenOnLoopback } from './loopback.js';
import { setUpMtls, type Mtls } from './mtls.js';
import { profiles } from './profiles.js';
import { providerFaults } from './provider-faults.js';
import { createResourceHandler, RESOURCE_PATH } from './resource-server.js';
import { generateSigningKeys, type SigningKeys } from './signing-keys.js';
import { SMART_SYSTEM_SCOPES } from './smart-configuration.js';
import { findProfile, type RunningTarget, type Target } from './target.js';

export { profiles } from './profiles.js';

export interface SandboxOptions {
  profile?: string;
  /** Authorization server port; 0 (the default) picks a free one. The host is always 127.0.0.1. */
  port?: number;
  /** Protected resource port; 0 (the default) picks a free one. */
  resourcePort?: number;
  /** Client secrets and the login password to use instead of fresh random ones (a leak test needs to know what to look for). */
  secrets?: { machine?: string; app?: string; password?: string };
  /** `interactive`: a sign-in page and a consent screen (for the browser code strategy); `auto` approves every request. */
  login?: 'auto' | 'interactive';
}

export interface Sandbox extends RunningTarget {
  issuer: string;
  /** Every request its servers received so far, oldest first: how often and when a client called, retried or waited. */
  requests(): SandboxRequest[];
  /** Every token, code and session cookie its authorization server issued so far: what a leak test looks for. */
  issued(): string[];
}

const RESOURCE_SCOPE = 'api:read';

/** The sandbox as the local suite's target, in each of its fault profiles. */
export const sandboxTarget: Target<FaultProfile, Sandbox> = {
  name: 'sandbox',
  suite: 'suites/local.yaml',
  profiles,
  start: (profile) => startSandbox({ profile }),
};

/** Starts the reference authorization server and protected resource, broken as the profile says. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const selected = findProfile('sandbox', profiles, options.profile ?? 'conformant');
  // Every listener started is closed by close(), also when a later step of the start fails.
  const listeners = new Listeners();
  try {
    return await serve(selected, options, listeners);
  } catch (error) {
    await listeners.close();
    throw error;
  }
}

async function serve(selected: FaultProfile, { port = 0, resourcePort = 0, secrets, login = 'auto' }: SandboxOptions, listeners: Listeners): Promise<Sandbox> {
  const mtls = selected.mtls && (await setUpMtls(selected.mtls));
  if (mtls) listeners.onClose(mtls.remove);
  const authorization = await listeners.add(listenOnLoopback(port, mtls?.serverTls, selected.latencyMs));
  const resourceHost = await listeners.add(listenOnLoopback(resourcePort, mtls?.serverTls, selected.latencyMs));
  const tls = await startTlsListener(selected.faults, listeners);
  const keys = await generateSigningKeys();
  const settings = { ...defaultSettings, ...selected.settings };
  const resource = { url: `${resourceHost.origin}${RESOURCE_PATH}`, scope: RESOURCE_SCOPE };
  // Off the issuer's origin, so a client that follows same-origin redirects stops right there.
  const redirectUri = `${resourceHost.origin}/callback`;
  const clients = createClients(redirectUri, secrets);
  const keyFile = await writeClientKeyFile(clients.key.privateKey);
  listeners.onClose(keyFile.remove);
  const account =
    login === 'interactive'
      ? { username: TEST_ACCOUNT.email, password: secrets?.password ?? newSecret(), loadingBanner: selected.loadingBanner, echoPassword: selected.echoPassword }
      : undefined;
  const provider = createAuthorizationServer({
    issuer: authorization.origin,
    keys,
    clients: [clients.machine, clients.app, clients.keyHolder, clients.secretSigner, ...(mtls ? [mtls.client, mtls.secretClient] : [])],
    resource,
    faults: providerFaults(selected.faults, { keys, tlsOrigin: tls?.origin }),
    settings,
    ...(account && { login: account }),
    ...(mtls && { mtls: mtls.feature }),
  });
  // Before callback(), which composes the provider's middleware as it is then: the resource adds some.
  resourceHost.server.on('request', protectedResource(provider, keys, resource, resourceDeviations(selected.faults)));
  const issued = new IssuedCredentials();
  const signers = new Map([
    [clients.keyHolder.client_id, { key: clients.key.privateKey, alg: clients.key.alg }],
    [clients.secretSigner.client_id, { key: new TextEncoder().encode(clients.secretSigner.client_secret), alg: 'HS256' }],
  ]);
  authorization.server.on(
    'request',
    frontDoor(selected.requestFaults ?? [], issued.tap(provider.callback()), [clients.machine, clients.app], issued.add, signers),
  );
  return {
    profile: selected.name,
    issuer: authorization.origin,
    variables: {
      ...sandboxVariables(authorization.origin, clients, redirectUri, resource, settings),
      SANDBOX_CLIENT_KEY_FILE: keyFile.path,
      ...(account && {
        SANDBOX_USERNAME: account.username,
        // A profile may hand out a password the sign-in page refuses, as a mistyped or expired one would be.
        SANDBOX_PASSWORD: selected.wrongPassword ? `${account.password}-wrong` : account.password,
      }),
      ...(mtls && mtlsVariables(mtls)),
    },
    ...trusting([...(tls?.trusted ? [tls.trustAnchor] : []), ...(mtls ? [mtls.trustAnchor] : [])]),
    requests: () => listeners.requests(),
    issued: () => issued.values(),
    close: listeners.close,
  };
}

/** The mTLS clients (by certificate, by secret), where the certificate and key are, and the CA to trust (--ca). */
function mtlsVariables(mtls: Mtls): Record<string, string> {
  return {
    SANDBOX_MTLS_CLIENT_ID: mtls.client.client_id,
    SANDBOX_CLIENT_CERT_FILE: mtls.files.certificate,
    SANDBOX_CLIENT_CERT_KEY_FILE: mtls.files.key,
    SANDBOX_MTLS_SECRET_CLIENT_ID: mtls.secretClient.client_id,
    SANDBOX_MTLS_SECRET_CLIENT_SECRET: mtls.secretClient.client_secret,
    SANDBOX_CA_FILE: mtls.files.ca,
  };
}

/** The certificates a client of the sandbox is to trust, if any. */
const trusting = (anchors: string[]) => (anchors.length > 0 ? { trustedCertificates: anchors } : {});

/** The HTTPS listener a profile's faults point to, if any. */
async function startTlsListener(faults: readonly Fault[], listeners: Listeners) {
  const wanted = tlsListenerOf(faults);
  if (!wanted) return undefined;
  // Loaded only when needed: the certificate library takes about as long to import as the rest of the start.
  const { listenWithCertificate } = await import('./tls-listener.js');
  return { ...(await listeners.add(listenWithCertificate(wanted.trusted ? 'test-ca' : 'self'))), trusted: wanted.trusted };
}

/** The protected resource, verifying tokens as the provider issued them and deviating as the profile says. */
function protectedResource(provider: Provider, keys: SigningKeys, resource: ProtectedResource, deviations: ReadonlySet<ResourceDeviation>): RequestListener {
  // Introspection reads a JWT as the resource does, in form (a profile that issues malformed tokens has both take
  // them), but knows when it expired or was revoked.
  const form = new Set([...deviations].filter((d) => d !== 'accept-expired' && d !== 'miss-revocations'));
  const revokedJwt = revocableJwts(provider, jwtReader({ publicJwks: keys.publicJwks, issuer: provider.issuer, deviations: form }));
  return createResourceHandler({
    verify: createAccessTokenVerifier({ provider, publicJwks: keys.publicJwks, audience: resource.url, deviations, revokedJwt }),
    scope: resource.scope,
    deviations,
    verifyProof: createDpopVerifier(resource.url),
    ...(deviations.has('accept-unissued-tokens') && { everIssued: everIssued(provider) }),
  });
}

function sandboxVariables(
  issuer: string,
  clients: SandboxClients,
  redirectUri: string,
  resource: ProtectedResource,
  settings: ProviderSettings,
): Record<string, string> {
  return {
    SANDBOX_ISSUER: issuer,
    SANDBOX_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration`,
    SANDBOX_CLIENT_ID: clients.machine.client_id,
    SANDBOX_CLIENT_SECRET: clients.machine.client_secret,
    SANDBOX_SCOPE: RESOURCE_SCOPE,
    SANDBOX_AUTH_CLIENT_ID: clients.app.client_id,
    SANDBOX_AUTH_CLIENT_SECRET: clients.app.client_secret,
    SANDBOX_KEY_CLIENT_ID: clients.keyHolder.client_id,
    SANDBOX_CLIENT_KEY_ID: clients.key.kid,
    SANDBOX_SMART_SCOPE: SMART_SYSTEM_SCOPES.join(' '),
    SANDBOX_JWT_CLIENT_ID: clients.secretSigner.client_id,
    SANDBOX_JWT_CLIENT_SECRET: clients.secretSigner.client_secret,
    SANDBOX_REDIRECT_URI: redirectUri,
    SANDBOX_RESOURCE_URL: resource.url,
    SANDBOX_RESOURCE_SCOPE: resource.scope,
    SANDBOX_CODE_TTL: String(settings.documentedCodeTtl ?? settings.codeTtl),
  };
}
