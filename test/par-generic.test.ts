import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startMinimalProvider } from './fixtures/minimal-provider.js';
import { runGenericSuite } from './helpers.js';

/**
 * The generic suite, configured by variables only, runs the par checks where the provider's metadata offers pushed
 * authorization requests (RFC 9126), and reports them skipped, with the reason, where it does not.
 */
describe.concurrent('pushed authorization requests with the generic suite against an independent provider', () => {
  const secret = randomBytes(24).toString('base64url');

  async function parResults(par: 'off' | 'on' | 'required') {
    const provider = await startMinimalProvider(secret, { par });
    try {
      const results = await runGenericSuite(provider, secret);
      const outcomes = Object.fromEntries(results.map((r) => [`${r.id}${r.subject ? ` [${r.subject}]` : ''}`, r.outcome]));
      return { results, outcomes, show: results.map((r) => `${r.id} [${r.subject}]: ${r.outcome.status} ${r.outcome.message}`).join('\n') };
    } finally {
      await provider.close();
    }
  }

  it('offered: the push, single use and client authentication pass; the requirement is not declared, expiry waits for --long', async () => {
    const { outcomes, show } = await parResults('on');
    for (const id of ['par.push-response', 'par.request-uri-single-use', 'par.client-authentication'])
      expect(outcomes[`${id} [user]`]?.status, `${id}\n${show}`).toBe('pass');
    expect(outcomes['par.required-honoured [user]']).toMatchObject({
      status: 'skipped',
      message: 'the metadata does not declare require_pushed_authorization_requests: true',
    });
    expect(outcomes['par.request-uri-expiry [user]']).toMatchObject({ status: 'skipped', message: 'waits out a lifetime: run with --long' });
  });

  it('required: every authorization of the suite is pushed, and a request not pushed is refused', async () => {
    const { results, outcomes, show } = await parResults('required');
    expect(outcomes['par.required-honoured [user]']?.status, show).toBe('pass');
    expect(outcomes['token-response.id-token-nonce [user]']?.status, show).toBe('pass');
    // The one finding of this provider (oidc-provider's invalid_request for a grant type not allowed, cli.test.ts), and no other.
    expect(results.filter((r) => ['fail', 'blocked'].includes(r.outcome.status)).map((r) => r.id)).toEqual(['error-response.code-for-case']);
  });

  it('not offered: every par check is skipped, saying the metadata has no PAR endpoint', async () => {
    const { results } = await parResults('off');
    const par = results.filter((r) => r.id.startsWith('par.'));
    expect(par.length).toBe(5);
    for (const r of par.filter((r) => r.id !== 'par.request-uri-expiry'))
      expect(r.outcome, r.id).toMatchObject({ status: 'skipped', message: 'the discovery document has no pushed_authorization_request_endpoint' });
  });
});
