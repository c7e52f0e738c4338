import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { defaultBrowserOptions, type BrowserOptions } from '../browser/chromium.js';
import { defaultHttpOptions, Recorder, recordOutside, send, type HttpOptions, type HttpRequest, type HttpResult } from '../http/client.js';
import { branch, reach } from '../http/chain.js';
import { codeSaid, isObject, type Exchange } from '../http/exchange.js';
import { notJson, parseJsonBody } from '../http/json.js';
import type { LoadedSuite } from '../suite/load.js';
import type { AuthorizationCodeGrant, Client, Grant, Resource } from '../suite/suite.types.js';
import { authorizationCode, randomValue, type Authorization } from './authorization-code.js';
import { Blocked, NotApplicable } from './blocked.js';
import { clientCredentials } from './client-credentials.js';
import type { Endpoint, FlowContext } from './context.js';
import { abandonIfBusy, labelInAttempt, startingOver } from './start-over.js';
import { tamper, type Tampering } from './tampered-jwt.js';
import type { TokenResult } from './token.js';

/**
 * How a resource is called: RFC 6750 §2.1 header, lower-case scheme, a garbage token, a narrower token, §2.3 query,
 * none, or the grant's JWT tampered with (RFC 9068 §4).
 */
export type ResourceProbe = 'bearer' | 'lowercase' | 'invalid' | 'insufficient' | 'query' | 'none' | Tampering;

export interface FlowOptions {
  http: HttpOptions;
  browser?: BrowserOptions;
  /** Wait out lifetimes (--long). */
  long: boolean;
}

/** Private and symmetric JWK members: dropped before verifying, so a leaky JWKS is judged by its own check only. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Everything a suite's checks read, fetched at most once: the first check that asks starts the request, every
 * later one shares its promise. Ten checks on one token response cost one token request.
 */
export class SuiteFlows implements FlowContext {
  readonly recorder = new Recorder();
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Where each memoised flow's chain of requests ended, for the critical path (http/chain.ts). */
  private readonly depths = new Map<string, { depth: number }>();

  constructor(
    readonly suite: LoadedSuite,
    readonly options: FlowOptions = { http: defaultHttpOptions, long: false },
  ) {}

  async send(request: HttpRequest): Promise<HttpResult> {
    const result = await send({ ...request, label: labelInAttempt(request.label) }, this.recorder, this.options.http);
    abandonIfBusy(request, result);
    return result;
  }

  record(entry: Omit<Exchange, 'id'>): Exchange {
    return recordOutside(this.recorder, entry);
  }

  get browser(): BrowserOptions {
    // One switch for plain http, whether a request or a login form carries the secret.
    return { ...(this.options.browser ?? defaultBrowserOptions), allowInsecureHttp: this.options.http.allowInsecureHttp };
  }

  /**
   * Memoises a flow by key; flows are started ahead of the checks that await them. A flow starts over when a
   * one-time credential it spent met a busy server (start-over.ts); `attempt` counts its starts from 0.
   */
  once<T>(key: string, make: (attempt: number) => Promise<T>): Promise<T> {
    let promise = this.memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = branch((chain) => {
        this.depths.set(key, chain);
        return startingOver((attempt) => Promise.resolve(attempt).then(make), this.options.http);
      });
      // A failure is reported by the checks that await it, not as an unhandled rejection.
      promise.catch(() => undefined);
      this.memo.set(key, promise);
    }
    // Whoever awaits the flow depends on its last request.
    const chain = this.depths.get(key)!;
    return promise.finally(() => reach(chain.depth));
  }

  /** A flow the run already started, without starting it: what a snapshot may read at no extra request. */
  started<T>(key: string): Promise<T> | undefined {
    return this.memo.get(key) as Promise<T> | undefined;
  }

  startedKeys(): string[] {
    return [...this.memo.keys()];
  }

  client(name: string): Client {
    const client = this.suite.clients?.[name];
    if (!client) throw new Blocked(`unknown client ${name}`);
    return client;
  }

  grant(name: string): Grant {
    const grant = this.suite.grants?.[name];
    if (!grant) throw new Blocked(`unknown grant ${name}`);
    return grant;
  }

  codeGrant(name: string): AuthorizationCodeGrant {
    const grant = this.grant(name);
    if (grant.type !== 'authorization_code') throw new NotApplicable(`grant ${name} is not an authorization_code grant`);
    return grant;
  }

  discovery(): Promise<HttpResult> {
    const url = this.suite.discoveryUrl;
    if (!url) return Promise.reject(new NotApplicable('the suite has no discovery document; its endpoints are given directly'));
    return this.once('discovery', () => this.send({ label: 'discovery', method: 'GET', url, headers: { accept: 'application/json' } }));
  }

  /** The issuer identifier tokens must name: the discovery's, or the one the suite gives with its endpoints. */
  issuer(): string {
    const issuer = this.suite.discovery?.issuer ?? this.suite.endpoints?.issuer;
    if (!issuer) throw new NotApplicable('the suite names no issuer (discovery.issuer or endpoints.issuer)');
    return issuer;
  }

  /** The metadata as a JSON object, or Blocked: checks that read members cannot judge without it. */
  async metadata(): Promise<{ result: HttpResult; document: Record<string, unknown> }> {
    const result = await this.discovery();
    const { response, exchange } = result;
    if (!response) throw new Blocked(`discovery failed: ${exchange.error}`, [exchange]);
    if (response.status !== 200) throw new Blocked(`discovery answered ${response.status}, not 200`, [exchange]);
    let document: unknown;
    try {
      document = parseJsonBody(response.body);
    } catch (error) {
      throw new Blocked(`discovery answered ${notJson(error)}`, [exchange]);
    }
    if (!isObject(document)) throw new Blocked('discovery did not answer a JSON object', [exchange]);
    return { result, document };
  }

  async endpoint(name: Endpoint): Promise<string> {
    const given = this.suite.endpoints?.[name];
    if (given) return given;
    // Optional endpoints make their checks not applicable; the ones every flow needs block them.
    const optional = name === 'revocation_endpoint' || name === 'introspection_endpoint' || name === 'authorization_endpoint' || name === 'jwks_uri' || name === 'userinfo_endpoint';
    if (!this.suite.discoveryUrl) {
      if (optional) throw new NotApplicable(`the suite gives no ${name}`);
      throw new Blocked(`the suite gives no ${name} and has no discovery document`);
    }
    const { document, result } = await this.metadata();
    const value = document[name];
    if (typeof value === 'string' && value) return value;
    if (optional && name !== 'jwks_uri') throw new NotApplicable(`the discovery document has no ${name}`);
    throw new Blocked(`the discovery document has no ${name}`, [result.exchange]);
  }

  /** The token endpoint a grant uses: its own, or the suite's. */
  tokenEndpoint(grantName: string): Promise<string> {
    const own = this.suite.grants?.[grantName]?.token_endpoint;
    return own ? Promise.resolve(own) : this.endpoint('token_endpoint');
  }

  jwks(): Promise<HttpResult> {
    return this.once('jwks', async () =>
      this.send({ label: 'jwks', method: 'GET', url: await this.endpoint('jwks_uri'), headers: { accept: 'application/json' } }),
    );
  }

  /** The JWKS's public members as a jose key set, for verifying signatures. */
  keySet(): Promise<JWTVerifyGetKey> {
    return this.once('keyset', async () => {
      const { exchange, response } = await this.jwks();
      if (response?.status !== 200) throw new Blocked(`the JWKS could not be fetched (${exchange.error ?? response?.status})`, [exchange]);
      let jwks: JSONWebKeySet;
      try {
        jwks = parseJsonBody(response.body) as JSONWebKeySet;
      } catch (error) {
        throw new Blocked(`the JWKS is ${notJson(error)} (see jwks.schema)`, [exchange]);
      }
      const keys = (Array.isArray(jwks.keys) ? jwks.keys : []).map((key) => Object.fromEntries(Object.entries(key).filter(([k]) => !PRIVATE_MEMBERS.includes(k))));
      return createLocalJWKSet({ keys } as JSONWebKeySet);
    });
  }

  smart(): Promise<HttpResult> {
    const url = this.suite.discovery?.smart;
    if (!url) return Promise.reject(new NotApplicable('the suite declares no SMART configuration (discovery.smart)'));
    return this.once('smart', () => this.send({ label: 'smart-configuration', method: 'GET', url, headers: { accept: 'application/json' } }));
  }

  /** The grant as the suite declares it: the token every other check on this grant reads. */
  token(grantName: string): Promise<TokenResult & { authorization?: Authorization }> {
    return this.once(`token:${grantName}`, () => {
      const grant = this.grant(grantName);
      return grant.type === 'client_credentials' ? clientCredentials(this, grantName, grant) : authorizationCode(this, grantName, grant);
    });
  }

  /** The grant's access token, or Blocked saying why there is none. */
  async accessToken(grantName: string | undefined): Promise<string> {
    if (!grantName) throw new NotApplicable('this resource is called with vendor headers, not a grant\'s token');
    const token = await this.token(grantName);
    if (!token.accessToken) {
      throw new Blocked(
        `grant ${grantName} issued no access token (${token.token.exchange.error ?? `token endpoint answered ${token.token.response?.status}${codeSaid(token.token.exchange)}`})`,
        token.exchanges,
      );
    }
    return token.accessToken;
  }

  /** Calls a protected resource one way (memoised per resource and probe). */
  resource(resource: Resource, probe: ResourceProbe): Promise<HttpResult> {
    if (resource.auth) return Promise.reject(new NotApplicable(`resource ${resource.name} is called with vendor headers, not Bearer tokens`));
    return this.once(`resource:${resource.name}:${probe}`, async () => {
      const label = `resource ${resource.name} (${probe})`;
      switch (probe) {
        case 'none':
          return this.callResource(resource, label);
        case 'invalid':
          return this.callResource(resource, label, `conformance-invalid-${randomValue()}`);
        case 'insufficient':
          if (!resource.insufficient_grant) throw new NotApplicable(`resource ${resource.name} names no insufficient_grant`);
          return this.callResource(resource, label, await this.accessToken(resource.insufficient_grant));
        case 'lowercase':
        case 'query':
          return this.callResource(resource, label, await this.accessToken(resource.grant), probe);
        case 'tampered-signature':
        case 'tampered-claims':
        case 'alg-none':
          return this.callResource(resource, label, tamper(await this.accessToken(resource.grant), probe));
        default:
          return this.callResource(resource, label, await this.accessToken(resource.grant));
      }
    });
  }

  /** Where a resource is: its url, or the metadata endpoint it names (not applicable when the metadata lacks it). */
  resourceUrl(resource: Resource): Promise<string> {
    // The schema requires one of the two.
    return resource.endpoint ? this.endpoint(resource.endpoint) : Promise.resolve(resource.url!);
  }

  /** One call to a resource, presenting the token in the Authorization header (or as the probe says). */
  async callResource(resource: Resource, label: string, token?: string, how: 'header' | 'lowercase' | 'query' = 'header'): Promise<HttpResult> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const url = new URL(await this.resourceUrl(resource));
    if (token && how === 'query') url.searchParams.set('access_token', token);
    else if (token) headers.authorization = `${how === 'lowercase' ? 'bearer' : 'Bearer'} ${token}`;
    return this.send({ label, method: resource.method ?? 'GET', url: url.href, headers, secrets: [token] });
  }

  /** Calls a resource with its vendor authentication headers: a read (GET) or a write (POST of an empty JSON object). */
  headerCall(resource: Resource, method: 'GET' | 'POST'): Promise<HttpResult> {
    const auth = resource.auth;
    if (!auth) return Promise.reject(new NotApplicable(`resource ${resource.name} declares no vendor header authentication`));
    return this.once(`resource:${resource.name}:headers:${method}`, async () =>
      this.send({
        label: `resource ${resource.name} (vendor headers, ${method})`,
        method,
        url: await this.resourceUrl(resource),
        headers: { accept: 'application/json', ...auth.headers, ...(method === 'POST' && { 'content-type': 'application/json' }) },
        ...(method === 'POST' && { body: '{}' }),
      }),
    );
  }

  /** The first resource called with this grant's tokens, for probes that test a token after something happened to it. */
  resourceFor(grantName: string): Resource {
    const resource = this.suite.resources?.find((r, i) => r.grant === grantName && !this.suite.disabled[`resources[${i}]`]);
    if (!resource) throw new NotApplicable(`no resource of the suite uses grant ${grantName}`);
    return resource;
  }
}
