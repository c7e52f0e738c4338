import type { BrowserOptions } from '../browser/chromium.js';
import type { HttpOptions } from '../http/client.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';
import type { AuthorizationCodeGrant, Client, Grant, Resource } from '../suite/suite.types.js';
import type { SuiteClient } from './client-auth.js';
import { Blocked, NotApplicable } from './blocked.js';

export interface FlowOptions {
  http: HttpOptions;
  browser?: BrowserOptions;
  /** Wait out lifetimes (--long). */
  long: boolean;
  /** Print each request and its answer as it happens, redacted (--verbose). */
  verbose?: boolean;
}

type Expectations = NonNullable<LoadedSuite['expect']>;

/**
 * A suite as its flows and checks read it: its clients, grants and resources by name (only the parts whose variables
 * are set run), what it expects of the vendor, and the run's options. Read-only.
 */
export class SuiteView {
  constructor(
    readonly loaded: LoadedSuite,
    readonly options: FlowOptions,
  ) {}

  get vendor(): string {
    return this.loaded.vendor;
  }

  /** What the suite declares the vendor does (lifetimes, refresh, PKCE…); empty when it declares nothing. */
  get expect(): Expectations {
    return this.loaded.expect ?? {};
  }

  get discoveryUrl(): string | undefined {
    return this.loaded.discoveryUrl;
  }

  /** The issuer identifier tokens must name: the discovery's, or the one the suite gives with its endpoints. */
  issuer(): string {
    const issuer = this.loaded.discovery?.issuer ?? this.loaded.endpoints?.issuer;
    if (!issuer) throw new NotApplicable('the suite names no issuer (discovery.issuer or endpoints.issuer)');
    return issuer;
  }

  /** A client of the suite, with its private key when it signs assertions with one. */
  client(name: string): SuiteClient {
    const client = this.loaded.clients?.[name];
    if (!client) throw new Blocked(`unknown client ${name}`);
    const key = this.loaded.clientKeys[name];
    return key ? { ...client, key } : client;
  }

  /** The variable a client's secret came from, to name it when the secret is refused. */
  secretVariable(client: string): string {
    return this.loaded.secretVariables[client] ?? `client ${client}'s secret`;
  }

  grant(name: string): Grant {
    const grant = this.loaded.grants?.[name];
    if (!grant) throw new Blocked(`unknown grant ${name}`);
    return grant;
  }

  codeGrant(name: string): AuthorizationCodeGrant {
    const grant = this.grant(name);
    if (grant.type !== 'authorization_code') throw new NotApplicable(`grant ${name} is not an authorization_code grant`);
    return grant;
  }

  /** The grants that run, by name. */
  grants(): Array<[string, Grant]> {
    return Object.entries(this.loaded.grants ?? {}).filter(([name]) => !this.loaded.disabled[`grants.${name}`]);
  }

  /** The clients that run, by name. */
  clients(): Array<[string, Client]> {
    return Object.entries(this.loaded.clients ?? {}).filter(([name]) => !this.loaded.disabled[`clients.${name}`]);
  }

  resource(name: string): Resource {
    const resource = this.loaded.resources?.find((r) => r.name === name);
    if (!resource) throw new Blocked(`unknown resource ${name}`);
    return resource;
  }

  /** The resources that run and are called with this grant's tokens. */
  resourcesOf(grant: string): Resource[] {
    return (this.loaded.resources ?? []).filter((r, i) => r.grant === grant && !this.loaded.disabled[`resources[${i}]`]);
  }

  /** The first of them, for probes that test a token after something happened to it. */
  resourceFor(grant: string): Resource {
    const resource = this.resourcesOf(grant)[0];
    if (!resource) throw new NotApplicable(`no resource of the suite uses grant ${grant}`);
    return resource;
  }
}
