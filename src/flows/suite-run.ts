import { defaultBrowserOptions, type BrowserOptions } from '../browser/chromium.js';
import { Recorder, recordOutside, send } from '../http/client.js';
import { exchangeLine } from '../http/exchange-line.js';
import type { HttpRequest, HttpResult } from '../http/request.js';
import type { Exchange } from '../http/exchange.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';
import type { SuiteClient } from './client-auth.js';
import type { Endpoint, RunContext } from './context.js';
import { declared, endpoint, tokenEndpoint } from './discovery.js';
import { dpopKey } from './dpop.js';
import type { DpopKey } from './dpop-proof.js';
import { FlowMemo } from './memo.js';
import { abandonIfBusy, labelInAttempt } from './start-over.js';
import { SuiteView, type FlowOptions } from './suite-view.js';

/**
 * One suite's run as its checks gather through it: the suite's view, the memo of its flows, and every request sent
 * and recorded through one recorder.
 */
export class SuiteRun implements RunContext {
  readonly recorder: Recorder;
  readonly suite: SuiteView;
  readonly memo: FlowMemo;

  constructor(loaded: LoadedSuite, options: FlowOptions) {
    this.recorder = new Recorder(options.verbose ? (exchange) => console.log(exchangeLine(loaded.name, exchange)) : undefined);
    // What the suite's embedded server presents is trusted for every request, besides --ca (an https sandbox's CA).
    const trusted = [...(options.http.trustedCertificates ?? []), ...(loaded.trustedCertificates ?? [])];
    const http = trusted.length > 0 ? { ...options.http, trustedCertificates: trusted } : options.http;
    this.suite = new SuiteView(loaded, { ...options, http });
    this.memo = new FlowMemo(http);
  }

  async send(request: HttpRequest): Promise<HttpResult> {
    const result = await send({ ...request, label: labelInAttempt(request.label) }, this.recorder, this.suite.options.http);
    abandonIfBusy(request, result);
    return result;
  }

  record(entry: Omit<Exchange, 'id'>): Exchange {
    return recordOutside(this.recorder, entry);
  }

  get browser(): BrowserOptions {
    // One switch for plain http, whether a request or a login form carries the secret.
    return { ...(this.suite.options.browser ?? defaultBrowserOptions), allowInsecureHttp: this.suite.options.http.allowInsecureHttp };
  }

  endpoint(name: Endpoint): Promise<string> {
    return endpoint(this, name);
  }

  declared(member: string): Promise<unknown> {
    return declared(this, member);
  }

  tokenEndpoint(grantName: string): Promise<string> {
    return tokenEndpoint(this, grantName);
  }

  client(name: string): SuiteClient {
    return this.suite.client(name);
  }

  dpopKey(grantName: string): Promise<DpopKey | undefined> {
    return dpopKey(this, grantName);
  }
}
