import { randomInt, randomUUID } from 'node:crypto';
import type { HttpResponse } from '../http-data.js';
import type { OneupSettings } from './oneup-settings.js';
import { rateLimit, TokenStore, type Issued } from './toolkit.js';

/** The state of one emulated 1upHealth tenant, shared by its hosts: applications, users, codes, tokens, FHIR data. */

export interface Credentials {
  id: string;
  secret: string;
}

export interface AppUser {
  /** The numeric id 1up assigns. */
  oneupUserId: number;
  /** The application's own name for the user. */
  appUserId: string;
  clientId: string;
  active: boolean;
}

/** What a code and the tokens issued for it carry: one authorization of one user for one application. */
export interface Authorization {
  /** Shared by a code and every token descending from it, so a replayed code can revoke them all. */
  id: string;
  clientId: string;
  oneupUserId: number;
  scope: string;
}

export class Tenant {
  /** 1up applications (Patient Access): client_id → client_secret. */
  readonly apps = new Map<string, string>();
  /** Dev Portal clients of the Keycloak realm (Provider Access): client_id → client_secret. */
  readonly providerClients = new Map<string, string>();
  readonly codes = new TokenStore<Authorization>();
  readonly accessTokens = new TokenStore<Authorization>();
  readonly refreshTokens = new TokenStore<Authorization>();
  /** Redeemed codes → their authorization, to recognise a replay. */
  readonly spentCodes = new Map<string, string>();
  /** One limit for the whole user-management API. */
  readonly userManagementLimit: () => HttpResponse | undefined;
  private readonly users = new Map<string, AppUser>();
  private nextUserId = 100_000 + randomInt(800_000);

  constructor(readonly settings: OneupSettings) {
    this.userManagementLimit = rateLimit(settings.userManagementLimit.requests, settings.userManagementLimit.windowSeconds);
  }

  registerApp(id: string, secret: string): Credentials {
    this.apps.set(id, secret);
    return { id, secret };
  }

  registerProviderClient(id: string, secret: string): Credentials {
    this.providerClients.set(id, secret);
    return { id, secret };
  }

  /** The app whose id and secret these are, if they are an app's. */
  app(id: unknown, secret: unknown): string | undefined {
    return typeof id === 'string' && typeof secret === 'string' && this.apps.get(id) === secret ? id : undefined;
  }

  createUser(clientId: string, appUserId: string): AppUser {
    const user = { oneupUserId: this.nextUserId++, appUserId, clientId, active: true };
    this.users.set(`${clientId}\n${appUserId}`, user);
    return user;
  }

  /** An app's user by its app_user_id or its numeric oneup_user_id. */
  user(clientId: string, by: { appUserId?: string; oneupUserId?: number }): AppUser | undefined {
    if (by.appUserId !== undefined) return this.users.get(`${clientId}\n${by.appUserId}`);
    return this.usersOf(clientId).find((u) => u.oneupUserId === by.oneupUserId);
  }

  usersOf(clientId: string): AppUser[] {
    return [...this.users.values()].filter((u) => u.clientId === clientId);
  }

  /** A fresh authorization code for a user, valid for the documented lifetime. */
  issueCode(user: AppUser): Issued<Authorization> {
    const authorization = { id: randomUUID(), clientId: user.clientId, oneupUserId: user.oneupUserId, scope: this.settings.grantedScope };
    return this.codes.issue(authorization, this.settings.lifetimes.code);
  }

  /** Everything issued under an authorization stops working (after a code replay, RFC 6749 §4.1.2). */
  revokeAuthorization(id: string): void {
    const ofIt = (item: Issued<Authorization>) => item.data.id === id;
    this.accessTokens.revoke(ofIt);
    this.refreshTokens.revoke(ofIt);
  }
}
