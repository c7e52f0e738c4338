import { listed } from '../../http/exchange.js';
import type { Client } from '../../suite/suite.types.js';
import { authorize, redeemCode } from '../../flows/authorization-code.js';
import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { SECRET_METHODS, type SecretMethod } from '../../flows/client-auth.js';
import { metadata } from '../../flows/discovery.js';
import { FLOWS, type ForeignRefresh, type Refreshed } from '../../flows/flow-keys.js';
import { freshTokens } from '../../flows/fresh-grants.js';
import { token } from '../../flows/grant-tokens.js';
import { claimsOf } from '../../flows/jwt.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { redeem, type TokenResult } from '../../flows/token.js';
import { wait } from '../../flows/wait.js';
import { WRONG_SECRET } from '../error-response/probes.js';

/** RFC 6749 §6: a refresh request, by the grant's client unless another is given. */
export function refresh(
  run: SuiteRun,
  grantName: string,
  refreshToken: string,
  label: string,
  options: { scope?: string; client?: Client } = {},
): Promise<TokenResult> {
  const client = options.client ?? run.suite.client(run.suite.grant(grantName).client);
  return redeem(
    run,
    grantName,
    client,
    { grant_type: 'refresh_token', refresh_token: refreshToken, scope: options.scope },
    [],
    `token (${grantName}, ${label})`,
  );
}

/** The refresh token of a token result, or why the refresh checks cannot run. */
export function refreshTokenOf(run: SuiteRun, result: TokenResult): string {
  if (result.refreshToken) return result.refreshToken;
  if (!result.accessToken) throw new Blocked(`grant ${result.grant} issued no token`, result.exchanges);
  if (run.suite.expect.refresh) throw new Blocked(`grant ${result.grant} issued no refresh_token, though the suite expects refresh`, result.exchanges);
  throw new NotApplicable(`grant ${result.grant} issued no refresh_token`);
}

/** The grant's own tokens refreshed once. */
export function mainRefresh(run: SuiteRun, grantName: string): Promise<Refreshed> {
  return run.memo.once(FLOWS.refresh(grantName), async (attempt) => {
    // Starting over, the grant's own refresh token may be spent: fresh tokens take its place.
    const original = attempt === 0 ? await token(run, grantName) : await freshTokens(run, grantName, 'refresh');
    return { original, refreshed: await refresh(run, grantName, refreshTokenOf(run, original), 'refresh') };
  });
}

/** Refresh, then the spent refresh token presented again (RFC 9700 §4.14.2). */
export function refreshReplay(run: SuiteRun, grantName: string): Promise<Refreshed & { replay: TokenResult }> {
  return run.memo.once(FLOWS.refreshReplay(grantName), async () => {
    // A vendor may honour the old token for a documented grace (a retry window); the replay comes after it.
    const grace = Number(run.suite.expect.refresh?.replay_grace ?? 0);
    if (grace > 0 && !run.suite.options.long)
      throw new NotApplicable(`the vendor honours a rotated-out refresh token for ${grace} s: run with --long to wait it out`);
    const original = await freshTokens(run, grantName, 'refresh replay');
    const old = refreshTokenOf(run, original);
    const refreshed = await refresh(run, grantName, old, 'refresh before the replay');
    if (grace > 0) await wait(run.suite.options.http, grace + 1);
    return { original, refreshed, replay: await refresh(run, grantName, old, 'refresh again with the spent token') };
  });
}

/** The grant's scope and what a wider or narrower refresh asks for (RFC 6749 §6). */
export function scopesFor(run: SuiteRun, grantName: string): { granted: string[]; wider: string; narrower?: string } {
  const granted = (run.suite.grant(grantName).scope ?? '').split(' ').filter(Boolean);
  // Narrower keeps the scopes a resource grants, dropping the OpenID ones that only shape the login.
  const kept = granted.filter((s) => s !== 'openid' && s !== 'offline_access');
  return {
    granted,
    wider: [...granted, 'conformance:wider'].join(' '),
    narrower: kept.length > 0 && kept.length < granted.length ? kept.join(' ') : undefined,
  };
}

export function refreshScope(run: SuiteRun, grantName: string, kind: 'wider' | 'narrower'): Promise<Refreshed & { requested: string }> {
  return run.memo.once(FLOWS.refreshScope(grantName, kind), async () => {
    const requested = scopesFor(run, grantName)[kind];
    if (!requested) throw new NotApplicable(`grant ${grantName}'s scope has nothing to leave out`);
    const original = await freshTokens(run, grantName, `${kind} scope`);
    return { requested, original, refreshed: await refresh(run, grantName, refreshTokenOf(run, original), `refresh with ${kind} scope`, { scope: requested }) };
  });
}

/**
 * The scope a token response granted: its `scope` member, else the access token's `scope` (RFC 9068 §2.2.3) or `scp`
 * claim, else the scope that was asked for (RFC 6749 §5.1: omitted means identical to the request).
 */
export function grantedScope(result: TokenResult, asked: string): string[] {
  const claims = result.accessToken ? claimsOf(result.accessToken) : undefined;
  const stated = result.issued?.scope ?? claims?.scope ?? claims?.scp;
  const scope = Array.isArray(stated) ? stated.join(' ') : typeof stated === 'string' ? stated : asked;
  return [...new Set(scope.split(' ').filter(Boolean))];
}

/** An authorization without the scope refresh tokens need (e.g. offline_access): no refresh token should come. */
export function withoutRefreshScope(run: SuiteRun, grantName: string): Promise<{ scope: string; token: TokenResult }> {
  return run.memo.once(FLOWS.withoutRefreshScope(grantName), async () => {
    const needed = run.suite.expect.refresh!.requires_scope!;
    const grant = run.suite.codeGrant(grantName);
    const scope = (grant.scope ?? '')
      .split(' ')
      .filter((s) => s && s !== needed)
      .join(' ');
    const narrowed = { ...grant, scope };
    const authorization = await authorize(run, grantName, narrowed, { label: `authorize (${grantName}, without ${needed})` });
    return { scope, token: await redeemCode(run, grantName, narrowed, authorization, { label: `token (${grantName}, without ${needed})` }) };
  });
}

/** The secret methods the server declares (RFC 8414 §2: client_secret_basic when it names none); without metadata, the client's own. */
async function declaredSecretMethods(run: SuiteRun, own: Client): Promise<SecretMethod[]> {
  const declared = run.suite.discoveryUrl
    ? listed((await metadata(run)).document, 'token_endpoint_auth_methods_supported', ['client_secret_basic'])
    : [own.auth ?? 'client_secret_basic'];
  return SECRET_METHODS.filter((method) => declared.includes(method));
}

interface Presenter {
  who: string;
  client: Client;
  wrongSecret: boolean;
}

/** Who may present the grant's refresh token without being its client: another client of the suite, and a wrong secret. */
function foreignPresenters(run: SuiteRun, ownName: string): Presenter[] {
  const own = run.suite.client(ownName);
  // A client whose grants all go to a token endpoint of their own is unknown here: its refusal would prove nothing.
  const grants = Object.values(run.suite.loaded.grants ?? {});
  const elsewhere = (name: string) => grants.some((g) => g.client === name) && grants.every((g) => g.client !== name || g.token_endpoint);
  const other = run.suite.clients().find(([name, c]) => name !== ownName && c.secret && !elsewhere(name));
  const presenters: Presenter[] = [];
  if (other) presenters.push({ who: `client ${other[0]}`, client: other[1], wrongSecret: false });
  // The wrong secret is kept out of reports like any client secret (redeem registers it).
  if (own.secret) presenters.push({ who: `client ${ownName}'s id with a wrong secret`, client: { ...own, secret: WRONG_SECRET }, wrongSecret: true });
  if (presenters.length === 0) throw new NotApplicable("the suite has no second client, and the grant's client has no secret to get wrong");
  return presenters;
}

/**
 * This grant's refresh token presented by another client of the suite and by its own client id with a wrong
 * secret, with every secret method the server declares, each on fresh tokens (a server may revoke a grant on
 * misuse). Their control is the grant's own refresh (mainRefresh).
 */
export function refreshByOtherClients(run: SuiteRun, grantName: string): Promise<ForeignRefresh[]> {
  return run.memo.once(FLOWS.refreshByOtherClients(grantName), async () => {
    const ownName = run.suite.grant(grantName).client;
    const presenters = foreignPresenters(run, ownName);
    const methods = await declaredSecretMethods(run, run.suite.client(ownName));
    if (methods.length === 0) throw new NotApplicable('the server declares no client authentication by secret (token_endpoint_auth_methods_supported)');
    // Each its own flow, so that its chain of requests is its own (http/chain.ts).
    const probe = ({ who, client, wrongSecret }: Presenter, method: SecretMethod): Promise<ForeignRefresh> => {
      const presenter = `${who}, ${method}`;
      return run.memo.once(FLOWS.refreshBy(grantName, presenter), async () => {
        const original = await freshTokens(run, grantName, `tokens for a refresh by ${presenter}`);
        return {
          presenter,
          wrongSecret,
          method,
          refreshed: await refresh(run, grantName, refreshTokenOf(run, original), `refresh by ${presenter}`, { client: { ...client, auth: method } }),
        };
      });
    };
    return Promise.all(presenters.flatMap((presenter) => methods.map((method) => probe(presenter, method))));
  });
}
