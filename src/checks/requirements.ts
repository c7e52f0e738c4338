import type { LoadedSuite } from '../suite/loaded-suite.js';
import type { Client, Grant } from '../suite/suite.types.js';
import { usesJwtAssertion } from '../flows/client-auth.js';
import { usesDpop } from '../flows/dpop.js';
import type { Check, Expectation, Requires } from './check.js';

/** Whether the suite declares an expectation: a path under `expect:` with a value other than false or empty. */
function declares(suite: LoadedSuite, path: Expectation): boolean {
  let value: unknown = suite.expect;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value !== undefined && value !== false && value !== '';
}

const GRANT_USES: Record<NonNullable<Requires['grantUses']>, { holds(grant: Grant): boolean; lacks: string }> = {
  pkce: { holds: (g) => g.type === 'authorization_code' && g.pkce !== 'none', lacks: 'does not use PKCE' },
  redirect: { holds: (g) => g.type === 'authorization_code' && g.code.strategy !== 'api', lacks: 'gets its code from an api, with no redirect to carry state' },
  openid: { holds: (g) => (g.scope ?? '').split(' ').includes('openid'), lacks: 'does not ask for openid' },
  par: {
    holds: (g) => g.type === 'authorization_code' && g.code.strategy === 'redirect' && g.par !== false,
    lacks: 'does not get its code by the redirect strategy, or sets par: false',
  },
  dpop: { holds: usesDpop, lacks: 'does not use DPoP (dpop: true)' },
  bearer: { holds: (g) => !usesDpop(g), lacks: 'uses DPoP: its tokens are DPoP tokens, judged by the dpop checks' },
  'smart-backend': { holds: (g) => g.type === 'client_credentials' && g.smart_backend === true, lacks: 'is not declared smart_backend' },
};

const CLIENT_HAS: Record<NonNullable<Requires['client']>, { holds(client: Client): boolean; lacks: string; describe: string }> = {
  jwt: {
    holds: usesJwtAssertion,
    lacks: 'does not authenticate with a JWT assertion',
    describe: 'a client authenticating with a JWT assertion (client_secret_jwt or private_key_jwt)',
  },
  tls_client_auth: {
    holds: (c) => c.auth === 'tls_client_auth',
    lacks: 'does not authenticate by its certificate (auth: tls_client_auth)',
    describe: 'a client with auth: tls_client_auth',
  },
  certificate: { holds: (c) => Boolean(c.certificate), lacks: 'has no certificate', describe: 'a client with a certificate' },
};

/** Why the client(s) a check runs with lack what it requires of them, if they do. */
function unmetClient(suite: LoadedSuite, check: Check, subject: string): string | undefined {
  const wanted = check.requires?.client;
  if (!wanted) return undefined;
  const enabled = Object.entries(suite.clients ?? {}).filter(([name]) => !suite.disabled[`clients.${name}`]);
  if (check.scope === 'suite')
    return enabled.some(([, c]) => CLIENT_HAS[wanted].holds(c)) ? undefined : `the suite has no ${CLIENT_HAS[wanted].describe.slice(2)}`;
  const grant = check.scope === 'grant' ? subject : suite.resources?.find((r) => r.name === subject)?.grant;
  const name = grant === undefined ? undefined : suite.grants?.[grant]?.client;
  const client = name === undefined ? undefined : suite.clients?.[name];
  return client && CLIENT_HAS[wanted].holds(client) ? undefined : `the client of ${check.scope} ${subject} ${CLIENT_HAS[wanted].lacks}`;
}

/** The grant a grant- or resource-scoped check runs on: the grant itself, or the one whose token the resource takes. */
function grantOf(check: Check, suite: LoadedSuite, subject: string): { name: string; grant?: Grant } | undefined {
  if (check.scope === 'grant') return { name: subject, grant: suite.grants?.[subject] };
  if (check.scope !== 'resource') return undefined;
  const name = suite.resources?.find((r) => r.name === subject)?.grant;
  return { name: `${name ?? '(none)'} of resource ${subject}`, grant: name ? suite.grants?.[name] : undefined };
}

/**
 * Why a check does not apply to one subject of a suite, from what it declares it requires; undefined when it applies
 * as far as the suite and the run's options tell. Its endpoint is looked up when it runs (evaluate.ts).
 */
export function unmetRequirement(check: Check, suite: LoadedSuite, subject: string, options: { long: boolean }): string | undefined {
  const requires = check.requires ?? {};
  const used = requires.grantUses ? grantOf(check, suite, subject) : undefined;
  if (check.scope === 'suite' && requires.grantTypes && !Object.values(suite.grants ?? {}).some((g) => requires.grantTypes!.includes(g.type))) {
    return `the suite uses no ${requires.grantTypes.join(' or ')} grant`;
  }
  if (used && requires.grantUses && !(used.grant && GRANT_USES[requires.grantUses].holds(used.grant))) {
    return `grant ${used.name} ${GRANT_USES[requires.grantUses].lacks}`;
  }
  if (check.scope === 'suite' && requires.grantUses && !Object.values(suite.grants ?? {}).some((g) => GRANT_USES[requires.grantUses!].holds(g))) {
    return `every grant of the suite ${GRANT_USES[requires.grantUses].lacks}`;
  }
  const client = unmetClient(suite, check, subject);
  if (client) return client;
  if (requires.expects && !declares(suite, requires.expects)) return `the suite does not declare expect.${requires.expects}`;
  if (requires.long && !options.long) return 'waits out a lifetime: run with --long';
  return undefined;
}

/** What a check requires, in words, for `conformance list`. */
export function describeRequirements(requires: Requires = {}): string[] {
  return [
    ...(requires.grantTypes ? [`grant type ${requires.grantTypes.join(' or ')}`] : []),
    ...(requires.grantUses
      ? [
          {
            pkce: 'a grant using PKCE',
            redirect: 'a grant whose code comes back by redirect',
            openid: 'a grant asking for openid',
            par: 'a grant of the redirect strategy that may push its requests',
            dpop: 'a grant using DPoP',
            bearer: 'a grant getting bearer tokens (not DPoP)',
            'smart-backend': 'a client_credentials grant declared smart_backend (SMART Backend Services)',
          }[requires.grantUses],
        ]
      : []),
    ...(requires.client ? [CLIENT_HAS[requires.client].describe] : []),
    ...(requires.endpoint ? [`the ${requires.endpoint}`] : []),
    ...(requires.expects ? [`expect.${requires.expects} declared`] : []),
    ...(requires.long ? ['--long'] : []),
    ...(requires.control ? [`control: ${requires.control}`] : []),
  ];
}
