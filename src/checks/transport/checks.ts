import { NotApplicable } from '../../flows/blocked.js';
import { handshake } from '../../flows/tls.js';
import { defineCheck } from '../check.js';
import { urlMembers } from '../discovery/checks.js';
import { metadataEvidence } from '../discovery/evidence.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass } from '../types.js';

/** RFC 9325 (BCP 195): TLS 1.2 or newer, and a certificate chain a client trusts. */
const MODERN = new Set(['TLSv1.2', 'TLSv1.3']);

export const tls = defineCheck({
  id: 'transport.tls',
  area: 'transport',
  title: 'every https endpoint offers TLS 1.2+ with a trusted certificate',
  level: 'MUST',
  spec: [rfc(9325, '3.1.1'), rfc(9325, '7.1'), rfc(6749, '1.6')],
  scope: 'suite',
  gather: async (run) => {
    const suite = run.suite.loaded;
    // Without a discovery document, the endpoints the suite gives are all there is to reach.
    const { exchanges, document } = suite.discoveryUrl ? await metadataEvidence(run) : { exchanges: [], document: {} };
    const urls = [
      suite.discoveryUrl,
      ...urlMembers(document).map(([, url]) => url),
      ...Object.values<string | undefined>({ ...suite.endpoints }),
      ...Object.values(suite.grants ?? {}).map((g) => g.token_endpoint),
      ...(suite.resources ?? []).map((r) => r.url),
    ].filter((u): u is string => u?.startsWith('https:') === true);
    const origins = [...new Map(urls.map((u) => [new URL(u).origin, u])).values()];
    if (origins.length === 0) throw new NotApplicable('no https endpoint to judge (plain http is allowed on loopback only, see discovery.endpoints-https)');
    // The run's trust, which holds the suite's own (SuiteRun).
    const { timeoutMs, trustedCertificates = [] } = run.suite.options.http;
    const handshakes = await Promise.all(origins.map((u) => handshake(u, timeoutMs, trustedCertificates)));
    return { exchanges, handshakes, observed: { handshakes } };
  },
  judge: ({ handshakes }) => {
    const reached = handshakes.filter((h) => !h.unreachable);
    const unreachable = handshakes.filter((h) => h.unreachable).map((h) => `${new URL(h.url).host}: ${h.error}`);
    if (reached.length === 0) return couldNotRun(`no https endpoint could be reached: ${unreachable.join('; ')}`);
    const bad = reached.filter((h) => !h.authorized || !MODERN.has(h.protocol ?? ''));
    const untried = unreachable.length > 0 ? ` (not reached: ${unreachable.join('; ')})` : '';
    return bad.length === 0
      ? pass(reached.map((h) => `${new URL(h.url).host} ${h.protocol}`).join(', ') + untried)
      : fail({
          rule: 'TLS 1.2 or newer with a certificate chain the client can verify',
          expected: 'TLS 1.2+ and a trusted chain',
          actual: bad.map((h) => `${new URL(h.url).host}: ${h.error ?? h.protocol}`).join('; '),
        });
  },
});
