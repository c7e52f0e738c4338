import { randomBytes, randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { MedplumFacts } from './medplum-facts.js';
import type { Client, Tenant } from './medplum-tenant.js';
import { now, type Signer } from './toolkit.js';

/**
 * Medplum's Login resources: each sign-in (or client_credentials grant) is one Login, which its code, its tokens
 * and its refresh secret belong to. Revoking a Login ends all of them at once.
 */
export interface Login {
  id: string;
  /** "password" for a user's sign-in (/auth/login), "client" for client_credentials. */
  authMethod: 'password' | 'client';
  client: Client;
  /** The user's id, or the client's for client_credentials. */
  subject: string;
  /** The profile resource: "Practitioner/…", or "ClientApplication/…" for client_credentials. */
  profile: string;
  scope: string;
  nonce?: string;
  code?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** Tokens were issued: the code is spent. */
  granted: boolean;
  revoked: boolean;
  /** Present when the login issues refresh tokens; replaced at every refresh. */
  refreshSecret?: string;
  previousRefreshSecret?: string;
  rotatedAt?: number;
}

export type NewLogin = Pick<Login, 'authMethod' | 'client' | 'subject' | 'profile' | 'scope'> &
  Partial<Pick<Login, 'nonce' | 'code' | 'codeChallenge' | 'codeChallengeMethod' | 'granted'>>;

/** How a presented refresh secret stands: the login's current one, the one just rotated out (within the grace), or spent. */
export type RefreshStanding = 'current' | 'grace' | 'spent';

const secret = (): string => randomBytes(32).toString('hex');

export class Logins {
  private readonly logins = new Map<string, Login>();
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(
    private readonly facts: MedplumFacts,
    private readonly tenant: Tenant,
    private readonly signer: Signer,
  ) {
    this.keys = createLocalJWKSet(signer.jwks);
  }

  create(fields: NewLogin): Login {
    const login: Login = { id: randomUUID(), granted: false, revoked: false, ...fields };
    // A user's login gets a refresh secret with the scope the facts name; client_credentials never does.
    if (fields.authMethod === 'password' && this.offline(fields.scope)) login.refreshSecret = secret();
    this.logins.set(login.id, login);
    return login;
  }

  private offline(scope: string): boolean {
    const scopes = this.facts.refreshTokenScopes;
    return scopes === 'any' || scope.split(' ').some((s) => scopes.includes(s));
  }

  find(id: unknown): Login | undefined {
    return typeof id === 'string' ? this.logins.get(id) : undefined;
  }

  withCode(code: string): Login | undefined {
    return [...this.logins.values()].find((login) => login.code === code);
  }

  /** The claims of a JWT this server signed and that has not expired. */
  async claims(token: string): Promise<JWTPayload | undefined> {
    try {
      return (await jwtVerify(token, this.keys, { issuer: this.tenant.issuer, algorithms: [this.signer.alg] })).payload;
    } catch {
      return undefined;
    }
  }

  /** The live login an access token stands for; ID tokens (audienced to the client) and refresh tokens open nothing. */
  async forAccessToken(token: string): Promise<Login | undefined> {
    const claims = await this.claims(token);
    if (!claims || claims.aud !== this.tenant.issuer || claims.refresh_secret !== undefined) return undefined;
    const login = this.find(claims.login_id);
    return login?.granted && !login.revoked ? login : undefined;
  }

  standing(login: Login, presented: unknown): RefreshStanding {
    if (presented === login.refreshSecret) return 'current';
    const withinGrace = login.rotatedAt !== undefined && Date.now() - login.rotatedAt < this.facts.refreshReplayGraceSeconds * 1000;
    return presented === login.previousRefreshSecret && withinGrace ? 'grace' : 'spent';
  }

  rotate(login: Login): void {
    login.previousRefreshSecret = login.refreshSecret;
    login.refreshSecret = secret();
    login.rotatedAt = Date.now();
  }

  /** Medplum's token response: JWT access, ID and (with a refresh secret) refresh tokens, and the login's project and profile. */
  async tokenResponse(login: Login): Promise<Record<string, unknown>> {
    const { issuer } = this.tenant;
    const { lifetimes, paths } = this.facts;
    const iat = now();
    // jti and nbf on every token since 5.1.10 (server oauth/keys.ts).
    const common = () => ({ iss: issuer, iat, nbf: iat, jti: randomUUID(), client_id: login.client.id, login_id: login.id });
    const [accessToken, idToken, refreshToken] = await Promise.all([
      this.signer.sign({
        ...common(),
        aud: issuer,
        sub: login.subject,
        username: login.subject,
        scope: login.scope,
        profile: login.profile,
        exp: iat + lifetimes.accessToken,
      }),
      this.signer.sign({ ...common(), aud: login.client.id, sub: login.subject, fhirUser: login.profile, nonce: login.nonce, exp: iat + lifetimes.idToken }),
      login.refreshSecret && this.signer.sign({ ...common(), aud: issuer, refresh_secret: login.refreshSecret, exp: iat + lifetimes.refreshToken }),
    ]);
    return {
      token_type: 'Bearer',
      expires_in: lifetimes.accessToken,
      scope: login.scope,
      id_token: idToken,
      access_token: accessToken,
      refresh_token: refreshToken || undefined,
      project: { reference: `Project/${this.tenant.project}` },
      profile: { reference: login.profile },
      smart_style_url: `${issuer}${paths.smartStyles}`,
      need_patient_banner: false,
    };
  }
}
