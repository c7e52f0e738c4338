import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Problem } from './errors.js';
import type { Client } from './suite.types.js';

/** The algorithms a private_key_jwt client may sign its assertions with. */
export const KEY_ALGORITHMS = ['RS256', 'RS384', 'ES256', 'ES384'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** A private_key_jwt client's signing key, read at load: held in memory only, never written to any output. */
export interface ClientKey {
  key: KeyObject;
  alg: KeyAlgorithm;
  kid?: string;
}

/** Where a problem is, for the client's member at `member`. */
type At = (member: string) => Pick<Problem, 'file' | 'line' | 'column' | 'path'>;

/** The key type and curve each algorithm needs (RFC 7518 §3.1). */
const NEEDS: Record<KeyAlgorithm, { type: string; curve?: string }> = {
  RS256: { type: 'rsa' },
  RS384: { type: 'rsa' },
  ES256: { type: 'ec', curve: 'prime256v1' },
  ES384: { type: 'ec', curve: 'secp384r1' },
};

/** The algorithm a key signs with when neither the suite nor the JWK names one. */
function defaultAlgorithm(key: KeyObject): KeyAlgorithm | undefined {
  return (Object.entries(NEEDS) as Array<[KeyAlgorithm, { type: string; curve?: string }]>).find(
    ([, need]) => need.type === key.asymmetricKeyType && (need.curve === undefined || need.curve === key.asymmetricKeyDetails?.namedCurve),
  )?.[0];
}

/** A private key from a PEM file, or from a JWK (or a JWK Set of one key) with its private members. */
function parseKey(text: string): { key: KeyObject; jwk?: JsonWebKey } {
  if (!text.trimStart().startsWith('{')) return { key: createPrivateKey(text) };
  let parsed: JsonWebKey & { keys?: JsonWebKey[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // JSON.parse quotes the text around the error: a part of the key.
    throw new Error('a JWK file that is not valid JSON');
  }
  const jwk = parsed.keys?.length === 1 ? parsed.keys[0]! : parsed;
  if (typeof jwk.d !== 'string') throw new Error('the JWK has no private member "d": it is a public key');
  return { key: createPrivateKey({ key: jwk, format: 'jwk' }), jwk };
}

/**
 * Reads a private_key_jwt client's key file. Every problem names the file and says what to do; none quotes the
 * file's content, which is a private key.
 */
export function readClientKey(name: string, client: Client, at: At, variable?: string): { key?: ClientKey; problems: Problem[] } {
  const problem = (member: string, message: string, fix: string) => ({ problems: [{ ...at(member), message, fix }] });
  const file = client.key_file;
  if (!file) {
    return problem(
      'key_file',
      `client ${name} authenticates with private_key_jwt but names no key_file`,
      variable
        ? `set ${variable} to the path of its private key (PEM or JWK)`
        : 'set key_file to the path of its private key (PEM or JWK), e.g. key_file: ${OIDC_CLIENT_KEY_FILE}',
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return problem(
      'key_file',
      `cannot read the private key file ${file} (${(error as { code?: string }).code ?? 'unreadable'})`,
      'check the path (relative to the working directory) and that the file is readable',
    );
  }
  let parsed: { key: KeyObject; jwk?: JsonWebKey };
  try {
    parsed = parseKey(text);
  } catch (error) {
    // The parser's message names the format that failed, never the content.
    return problem(
      'key_file',
      `${file} holds no private key this tool reads (${(error as Error).message.split('\n')[0]})`,
      'give a PEM private key (PKCS#8, PKCS#1 or SEC1) or a JWK with its private members, of type RSA or EC P-256/P-384',
    );
  }
  const alg = (client.alg ?? parsed.jwk?.alg ?? defaultAlgorithm(parsed.key)) as KeyAlgorithm | undefined;
  const need = alg && NEEDS[alg];
  if (!alg || !need)
    return problem(
      'alg',
      `no signing algorithm of ${KEY_ALGORITHMS.join(', ')} fits the key in ${file} (${parsed.key.asymmetricKeyType} ${alg ?? ''})`.trim(),
      'use an RSA key, or an EC key on P-256 or P-384; or set alg to one of those',
    );
  if (need.type !== parsed.key.asymmetricKeyType || (need.curve && need.curve !== parsed.key.asymmetricKeyDetails?.namedCurve)) {
    return problem(
      'alg',
      `alg ${alg} needs ${need.curve ? `an EC ${need.curve === 'prime256v1' ? 'P-256' : 'P-384'}` : 'an RSA'} key, but ${file} holds ${parsed.key.asymmetricKeyType === 'ec' ? `an EC key on ${parsed.key.asymmetricKeyDetails?.namedCurve}` : `a ${parsed.key.asymmetricKeyType} key`}`,
      'set alg to match the key, or point key_file at the key registered for that algorithm',
    );
  }
  const kid = client.kid || (typeof parsed.jwk?.kid === 'string' ? parsed.jwk.kid : undefined);
  return { key: { key: parsed.key, alg, ...(kid && { kid }) }, problems: [] };
}

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/**
 * What each client that runs authenticates with: the private_key_jwt clients' keys, read from their files, and a
 * problem for a client whose method lacks what it needs. An empty secret counts as none (a copied .env.example).
 */
export function clientCredentials(
  clients: Record<string, Client>,
  disabled: Record<string, string>,
  at: (client: string, member: string) => Pick<Problem, 'file' | 'line' | 'column' | 'path'>,
  variableOf: (client: string, member: string) => string | undefined,
): { keys: Record<string, ClientKey>; problems: Problem[] } {
  const keys: Record<string, ClientKey> = {};
  const problems: Problem[] = [];
  for (const [name, client] of Object.entries(clients)) {
    if (client.secret === '') delete client.secret;
    if (disabled[`clients.${name}`]) continue;
    const method = client.auth ?? 'client_secret_basic';
    if (method === 'private_key_jwt') {
      const read = readClientKey(name, client, (member) => at(name, member), variableOf(name, 'key_file'));
      if (read.key) keys[name] = read.key;
      problems.push(...read.problems);
    } else if (client.auth !== undefined && SECRET_METHODS.has(method) && !client.secret) {
      // Only a method chosen explicitly: a client with neither method nor secret keeps sending an empty one.
      const variable = variableOf(name, 'secret');
      problems.push({
        ...at(name, 'secret'),
        message: `client ${name} authenticates with ${method} but has no secret`,
        fix: `${variable ? `set ${variable}` : 'give its secret'}, or authenticate it with private_key_jwt and a key_file`,
      });
    }
  }
  return { keys, problems };
}
