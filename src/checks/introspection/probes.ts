import { randomValue } from '../../flows/authorization-code.js';
import { NotApplicable } from '../../flows/blocked.js';
import { FLOWS, type Introspected, type IntrospectionProbe } from '../../flows/flow-keys.js';
import { freshAccessToken } from '../../flows/fresh-grants.js';
import { accessTokenOf, liveToken, token as grantToken } from '../../flows/grant-tokens.js';
import { confidentialClient, postToken, type Presentation } from '../../flows/revocation.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { wait } from '../../flows/wait.js';
import { errorCodeOf } from '../../http/exchange.js';
import { acceptedRevocation } from '../revocation/probes.js';

/** RFC 7662 §2.1: a token presented to the introspection endpoint by the grant's client. */
function introspect(run: SuiteRun, grantName: string, token: string, what: string, presentation: Presentation = 'authenticated') {
  return postToken(run, 'introspection_endpoint', grantName, { token }, { label: `introspect ${what} (${grantName})`, presentation });
}

/** A margin past expires_in, for clocks and rounding. */
const GRACE_SECONDS = 1;

const PROBES: Record<IntrospectionProbe, (run: SuiteRun, grant: string) => Promise<Introspected>> = {
  active: async (run, grant) => {
    const token = await liveToken(run, grant);
    return { token, introspection: await introspect(run, grant, accessTokenOf(token), "the grant's access token") };
  },
  unauthenticated: async (run, grant) => {
    confidentialClient(run, grant);
    const token = await grantToken(run, grant);
    return {
      token,
      introspection: await introspect(run, grant, accessTokenOf(token), "the grant's access token without client authentication", 'unauthenticated'),
    };
  },
  invalid: async (run, grant) => ({ introspection: await introspect(run, grant, `conformance-invalid-${randomValue()}`, 'a made-up token') }),
  revoked: async (run, grant) => {
    const { token } = await acceptedRevocation(run, grant);
    return { token, introspection: await introspect(run, grant, token.accessToken, 'a revoked access token') };
  },
  expired: async (run, grant) => {
    const token = await freshAccessToken(run, grant, 'introspection after expiry');
    const value = accessTokenOf(token);
    const expiresIn = token.issued?.expires_in;
    if (typeof expiresIn !== 'number') throw new NotApplicable('the token response states no numeric expires_in to wait out');
    const waited = expiresIn + GRACE_SECONDS;
    const before = await introspect(run, grant, value, 'an access token before it expires');
    await wait(run.suite.options.http, waited);
    return { token, before, waited, introspection: await introspect(run, grant, value, `an access token after expires_in (${waited} s)`) };
  },
};

/** An introspection probe of the grant (memoised); not applicable where the server does not introspect its tokens. */
export async function introspection(run: SuiteRun, grant: string, probe: IntrospectionProbe): Promise<Introspected> {
  // Before any token is asked for: without an introspection endpoint there is nothing to probe.
  await run.endpoint('introspection_endpoint');
  const result = await run.memo.once(FLOWS.introspection(grant, probe), () => PROBES[probe](run, grant));
  // Introspection has no such error; a server that answers it so (oidc-provider for JWTs) says it does not introspect them.
  if (errorCodeOf(result.introspection.exchange) === 'unsupported_token_type')
    throw new NotApplicable(`the authorization server does not introspect grant ${grant}'s access tokens (unsupported_token_type)`);
  return result;
}
