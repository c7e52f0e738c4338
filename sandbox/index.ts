import type { IncomingMessage, Server } from 'node:http';
import { createAccessTokenVerifier } from './access-token-verifier.js';
import { everIssued } from './issued-tokens.js';
import { revocableJwts } from './jwt-revocation.js';
import { createAuthorizationServer, defaultSettings, TEST_ACCOUNT } from './authorization-server.js';
import { createClients, newSecret } from './clients.js';
import { resourceDeviations, tlsListenerOf } from './faults.js';
import { frontDoor } from './front-door.js';
import { IssuedCredentials } from './issued-credentials.js';
import { closeServer, listenOnLoopback } from './loopback.js';
import type { FaultProfile } from './fault-profile.js';
import { profiles } from './profiles.js';
import { providerFaults } from './provider-faults.js';
import { createResourceHandler, RESOURCE_PATH } from './resource-server.js';
import { generateSigningKeys } from './signing-keys.js';
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

/** A request as the sandbox received it. */
export interface SandboxRequest {
  readonly method: string;
  /** Without the query, which may carry credentials. */
  readonly path: string;
  /** When its headers arrived, in milliseconds since the epoch. */
  readonly at: number;
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
export async function startSandbox({ profile = 'conformant', port = 0, resourcePort = 0, secrets, login = 'auto' }: SandboxOptions = {}): Promise<Sandbox> {
  const selected = findProfile('sandbox', profiles, profile);

  // Every listener started is closed by close(), also when a later step of the start fails, and logs its requests.
  const servers: Server[] = [];
  const log: SandboxRequest[] = [];
  const record = ({ method = 'GET', url = '/' }: IncomingMessage) => log.push({ method, path: url.split('?', 1)[0]!, at: Date.now() });
  const listening = async <T extends { server: Server; origin: string }>(started: Promise<T>) => {
    const host = await started;
    servers.push(host.server);
    // Attached before any handler, so that it logs a request before it is answered.
    host.server.on('request', record);
    return host;
  };
  // Idempotent, so that callers may close in several cleanup paths.
  let closing: Promise<void> | undefined;
  const close = async () => {
    closing ??= Promise.all(servers.map(closeServer)).then(() => undefined);
    return closing;
  };

  try {
    const authorization = await listening(listenOnLoopback(port, undefined, selected.latencyMs));
    const resourceHost = await listening(listenOnLoopback(resourcePort, undefined, selected.latencyMs));
    // Loaded only when needed: the certificate library takes about as long to import as the rest of the start.
    const tlsListener = tlsListenerOf(selected.faults);
    const tls = tlsListener && (await listening(import('./tls-listener.js').then((module) => module.listenWithOwnCertificate())));
    const keys = await generateSigningKeys();
    const settings = { ...defaultSettings, ...selected.settings };
    const issuer = authorization.origin;
    const resource = { url: `${resourceHost.origin}${RESOURCE_PATH}`, scope: RESOURCE_SCOPE };
    // Off the issuer's origin, so a client that follows same-origin redirects stops right there.
    const redirectUri = `${resourceHost.origin}/callback`;
    const clients = createClients(redirectUri, secrets);
    const account = login === 'interactive' ? { username: TEST_ACCOUNT.email, password: secrets?.password ?? newSecret(), loadingBanner: selected.loadingBanner, echoPassword: selected.echoPassword } : undefined;
    const provider = createAuthorizationServer({
      issuer,
      keys,
      clients: [clients.machine, clients.app],
      resource,
      faults: providerFaults(selected.faults, { keys, tlsOrigin: tls?.origin }),
      settings,
      ...(account && { login: account }),
    });
    const revokedJwt = revocableJwts(provider);
    const deviations = resourceDeviations(selected.faults);
    const issued = new IssuedCredentials();
    authorization.server.on('request', frontDoor(selected.requestFaults ?? [], issued.tap(provider.callback()), [clients.machine, clients.app], issued.add));
    resourceHost.server.on('request', createResourceHandler({
      verify: createAccessTokenVerifier({ provider, publicJwks: keys.publicJwks, audience: resource.url, deviations, revokedJwt }),
      scope: resource.scope,
      deviations,
      ...(deviations.has('accept-unissued-tokens') && { everIssued: everIssued(provider) }),
    }));

    return {
      profile,
      issuer,
      variables: {
        SANDBOX_ISSUER: issuer,
        SANDBOX_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration`,
        SANDBOX_CLIENT_ID: clients.machine.client_id,
        SANDBOX_CLIENT_SECRET: clients.machine.client_secret,
        SANDBOX_SCOPE: RESOURCE_SCOPE,
        SANDBOX_AUTH_CLIENT_ID: clients.app.client_id,
        SANDBOX_AUTH_CLIENT_SECRET: clients.app.client_secret,
        SANDBOX_REDIRECT_URI: redirectUri,
        SANDBOX_RESOURCE_URL: resource.url,
        SANDBOX_RESOURCE_SCOPE: resource.scope,
        SANDBOX_CODE_TTL: String(settings.documentedCodeTtl ?? settings.codeTtl),
        ...(account && {
          SANDBOX_USERNAME: account.username,
          // A profile may hand out a password the sign-in page refuses, as a mistyped or expired one would be.
          SANDBOX_PASSWORD: selected.wrongPassword ? `${account.password}-wrong` : account.password,
        }),
      },
      ...(tlsListener?.trusted && tls && { trustedCertificates: [tls.certificate] }),
      requests: () => [...log],
      issued: () => issued.values(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
