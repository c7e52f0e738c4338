import { clientAssertion, type AssertionEdit, type SuiteClient } from '../../flows/client-auth.js';
import { FLOWS, type AssertionProbe } from '../../flows/flow-keys.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { redeem, type TokenResult } from '../../flows/token.js';
import type { ClientCredentialsGrant } from '../../suite/suite.types.js';

/** A time long enough past that no clock skew a server allows covers it. */
const LONG_AGO = 3600;
/** An audience that names no authorization server of the suite. */
export const FOREIGN_AUDIENCE = 'https://audience.invalid/token';
/** An issuer that is not the client_id the assertion's sub names. */
export const FOREIGN_ISSUER = 'conformance-other-client';

/** What each probe does to an otherwise valid assertion. */
const EDITS: Record<AssertionProbe, (issuer: () => string) => AssertionEdit> = {
  'wrong-signature': () => ({ corruptSignature: true }),
  expired: () => {
    const now = Math.floor(Date.now() / 1000);
    return { claims: { iat: now - 2 * LONG_AGO, exp: now - LONG_AGO } };
  },
  'wrong-audience': () => ({ claims: { aud: FOREIGN_AUDIENCE } }),
  'issuer-not-subject': () => ({ claims: { iss: FOREIGN_ISSUER } }),
  'alg-none': () => ({ unsigned: true }),
  'issuer-audience': (issuer) => ({ claims: { aud: issuer() } }),
};

/** The grant's own request (client_credentials, its scope), its client sending the assertions this makes. */
function withAssertion(
  run: SuiteRun,
  grantName: string,
  label: string,
  assertion: (client: SuiteClient, audience: string) => Promise<string>,
): Promise<TokenResult> {
  const grant = run.suite.grant(grantName) as ClientCredentialsGrant;
  const client = run.client(grant.client);
  const made = { ...client, assertion: (audience: string) => assertion(client, audience) };
  return redeem(run, grantName, made, { grant_type: 'client_credentials', scope: grant.scope }, [], label);
}

/** The grant's token request with an assertion spoilt as the probe says; its control is the grant's own token. */
export function assertionProbe(run: SuiteRun, grantName: string, probe: AssertionProbe): Promise<TokenResult> {
  return run.memo.once(FLOWS.assertionProbe(grantName, probe), () =>
    withAssertion(run, grantName, `token (${grantName}: client assertion, ${probe})`, (client, audience) =>
      clientAssertion(
        client,
        audience,
        EDITS[probe](() => run.suite.issuer()),
      ),
    ),
  );
}

/**
 * One valid assertion sent twice: the first use is the replay's own control. The first use sent again (after a 5xx)
 * carries a new one, as any request would; the one used again is the one its answer came to.
 */
export function assertionReplay(run: SuiteRun, grantName: string): Promise<{ first: TokenResult; replay: TokenResult }> {
  return run.memo.once(FLOWS.assertionReplay(grantName), async () => {
    let sent = '';
    const fresh = async (client: SuiteClient, audience: string) => (sent = await clientAssertion(client, audience));
    const first = await withAssertion(run, grantName, `token (${grantName}: client assertion, first use)`, fresh);
    const replay = await withAssertion(run, grantName, `token (${grantName}: client assertion, used again)`, () => Promise.resolve(sent));
    return { first, replay };
  });
}

/** A grant type no server defines, and a client_assertion_type other than RFC 7523's. */
export const UNKNOWN_GRANT_TYPE = 'urn:conformance:not-a-grant-type';
export const UNKNOWN_ASSERTION_TYPE = 'urn:conformance:not-an-assertion-type';

/**
 * SMART Backend Services (§ Request): the grant's own request with a valid assertion, but grant_type, or
 * client_assertion_type, not the value the profile fixes (client_credentials, RFC 7523's jwt-bearer).
 */
export function smartProbe(run: SuiteRun, grantName: string, probe: 'grant-type' | 'assertion-type'): Promise<TokenResult> {
  return run.memo.once(FLOWS.smartProbe(grantName, probe), () => {
    const grant = run.suite.grant(grantName) as ClientCredentialsGrant;
    const client = run.client(grant.client);
    const params = { grant_type: probe === 'grant-type' ? UNKNOWN_GRANT_TYPE : 'client_credentials', scope: grant.scope };
    const sent = probe === 'assertion-type' ? { ...client, assertionType: UNKNOWN_ASSERTION_TYPE } : client;
    return redeem(run, grantName, sent, params, [], `token (${grantName}: unknown ${probe === 'grant-type' ? 'grant_type' : 'client_assertion_type'})`);
  });
}
