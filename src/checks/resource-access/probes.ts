import type { HttpResult } from '../../http/request.js';
import type { Resource } from '../../suite/suite.types.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { liveAccessToken } from '../../flows/grant-tokens.js';
import { callResource } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';

/** The resource's grant's token, bound to its client's certificate, presented over a connection without it (RFC 8705 §3). */
export function resourceWithoutCertificate(run: SuiteRun, resource: Resource): Promise<HttpResult> {
  return run.memo.once(FLOWS.resourceWithoutCertificate(resource.name), async () =>
    callResource(
      run,
      resource,
      `resource ${resource.name} (without the client certificate)`,
      await liveAccessToken(run, resource.grant),
      'header',
      resource.grant,
      false,
    ),
  );
}
