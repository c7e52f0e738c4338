import { defaultHttpOptions, Recorder, send, type HttpOptions, type HttpRequest, type HttpResult } from '../http/client.js';
import { isObject } from '../http/exchange.js';
import type { LoadedSuite } from '../suite/load.js';
import type { Client, Resource } from '../suite/suite.types.js';
import { authorizationCode } from './authorization-code.js';
import { Blocked } from './blocked.js';
import { clientCredentials } from './client-credentials.js';
import type { FlowContext } from './context.js';
import type { TokenResult } from './token.js';

export type ResourceProbe = 'bearer' | 'none';

/**
 * Everything a suite's checks read, fetched at most once: the first check that asks starts the request, every
 * later one shares its promise. Ten checks on one token response cost one token request.
 */
export class SuiteFlows implements FlowContext {
  readonly recorder = new Recorder();
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly suite: LoadedSuite,
    private readonly http: HttpOptions = defaultHttpOptions,
  ) {}

  send(request: HttpRequest): Promise<HttpResult> {
    return send(request, this.recorder, this.http);
  }

  client(name: string): Client {
    const client = this.suite.clients?.[name];
    if (!client) throw new Blocked(`unknown client ${name}`);
    return client;
  }

  discovery(): Promise<HttpResult> {
    return this.once('discovery', () =>
      this.send({ label: 'discovery', method: 'GET', url: this.suite.discoveryUrl, headers: { accept: 'application/json' } }),
    );
  }

  /** The metadata as a JSON object, or Blocked: checks that read members cannot judge without it. */
  async metadata(): Promise<{ result: HttpResult; document: Record<string, unknown> }> {
    const result = await this.discovery();
    const { response, exchange } = result;
    if (!response) throw new Blocked(`discovery failed: ${exchange.error}`, [exchange]);
    if (response.status !== 200) throw new Blocked(`discovery answered ${response.status}, not 200`, [exchange]);
    let document: unknown;
    try {
      document = JSON.parse(response.body);
    } catch {
      throw new Blocked('discovery did not answer JSON', [exchange]);
    }
    if (!isObject(document)) throw new Blocked('discovery did not answer a JSON object', [exchange]);
    return { result, document };
  }

  async endpoint(name: 'token_endpoint' | 'authorization_endpoint' | 'jwks_uri'): Promise<string> {
    const { document, result } = await this.metadata();
    const value = document[name];
    if (typeof value !== 'string' || !value) throw new Blocked(`the discovery document has no ${name}`, [result.exchange]);
    return value;
  }

  jwks(): Promise<HttpResult> {
    return this.once('jwks', async () =>
      this.send({ label: 'jwks', method: 'GET', url: await this.endpoint('jwks_uri'), headers: { accept: 'application/json' } }),
    );
  }

  token(grantName: string): Promise<TokenResult> {
    return this.once(`token:${grantName}`, () => {
      const grant = this.suite.grants?.[grantName];
      if (!grant) throw new Blocked(`unknown grant ${grantName}`);
      return grant.type === 'client_credentials'
        ? clientCredentials(this, grantName, grant)
        : authorizationCode(this, grantName, grant);
    });
  }

  /** Calls a protected resource with the grant's access token (RFC 6750 §2.1) or with none. */
  resource(resource: Resource, probe: ResourceProbe): Promise<HttpResult> {
    return this.once(`resource:${resource.name}:${probe}`, async () => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (probe === 'bearer') {
        const token = await this.token(resource.grant);
        if (!token.accessToken) {
          throw new Blocked(
            `grant ${resource.grant} issued no access token (${token.token.exchange.error ?? `token endpoint answered ${token.token.response?.status}`})`,
            token.exchanges,
          );
        }
        headers.authorization = `Bearer ${token.accessToken}`;
      }
      return this.send({ label: `resource ${resource.name} (${probe === 'bearer' ? 'Bearer token' : 'no token'})`, method: resource.method ?? 'GET', url: resource.url, headers });
    });
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let promise = this.memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = Promise.resolve().then(make);
      // Flows are started ahead of the checks that await them; a failure is reported by those checks.
      promise.catch(() => undefined);
      this.memo.set(key, promise);
    }
    return promise;
  }
}
