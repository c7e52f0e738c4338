import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';

/** A ClientApplication of the project (Project Admin > Secrets): its id, secret and registered redirect URI. */
export interface Client {
  id: string;
  secret: string;
  redirectUri: string;
  /** The public keys at the ClientApplication's JWKS URI, when it has one: its client assertions verify with them. */
  jwks?: JSONWebKeySet;
}

/** A user of the project who signs in with email and password, and the profile resource their membership names. */
export interface User {
  id: string;
  email: string;
  password: string;
  profile: string;
}

/** The emulated Medplum project: where its server lives, its two client applications and one practitioner. */
export interface Tenant {
  /** The base URL with its trailing slash: Medplum's issuer. */
  issuer: string;
  /** The Medplum App, whose sign-in page /oauth2/authorize redirects to. */
  appOrigin: string;
  project: string;
  clients: readonly [Client, Client];
  user: User;
  /** The first client's private key and its kid: the client's JWKS URI publishes the public half (private_key_jwt). */
  clientKey: { privateKey: KeyObject; kid: string };
}

/** Medplum's client secrets are 32 random bytes in hex (server keys.ts, generateSecret). */
const secret = (): string => randomBytes(32).toString('hex');

/** A fresh project on every start: random ids and secrets, so no run depends on another's values. */
export function createTenant(issuer: string, appOrigin: string): Tenant {
  // Redirect URIs of the client's own app: the suite compares them, never requests them.
  const client = (path: string): Client => ({ id: randomUUID(), secret: secret(), redirectUri: `http://127.0.0.1/${path}` });
  const practitioner = randomUUID();
  // ES384, one of the algorithms Medplum verifies client assertions with.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES384', use: 'sig' };
  return {
    issuer,
    appOrigin,
    project: randomUUID(),
    clients: [{ ...client('callback'), jwks: { keys: [publicJwk] } }, client('second/callback')],
    clientKey: { privateKey, kid },
    user: {
      id: randomUUID(),
      email: `practitioner-${randomBytes(4).toString('hex')}@example.com`,
      password: randomBytes(12).toString('base64url'),
      profile: `Practitioner/${practitioner}`,
    },
  };
}

/** The client with this id, when the project has one. */
export function clientOf(tenant: Tenant, id: unknown): Client | undefined {
  return tenant.clients.find((c) => c.id === id);
}
