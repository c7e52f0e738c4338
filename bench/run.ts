// `npm run bench`: how close a run comes to the time the network alone imposes. Every loopback server answers after
// a fixed latency (BENCH_LATENCY_MS, default 100 ms); the critical path is the deepest chain of dependent requests
// (src/http/chain.ts) times that latency. Prints a table and one JSON line.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { emulators } from '../sandbox/emulators/index.js';
import { startSandbox } from '../sandbox/index.js';
import { setLatency } from '../sandbox/loopback.js';
import { evaluate, startSuites } from '../src/engine/evaluate.js';
import { planChecks } from '../src/engine/plan.js';
import { SuiteRun } from '../src/flows/suite-run.js';
import { defaultHttpOptions } from '../src/http/client.js';
import type { Exchange } from '../src/http/exchange.js';
import { addSecret } from '../src/secrets.js';
import type { LoadedSuite } from '../src/suite/loaded-suite.js';
import { resolveSuite } from '../src/suite/load.js';
import { readSuite } from '../src/suite/read.js';

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 100);
const root = new URL('..', import.meta.url).pathname;

interface Server {
  variables: Record<string, string>;
  close(): Promise<void>;
}

async function load(file: string, server: Server, vendor?: string): Promise<LoadedSuite> {
  const suite = resolveSuite(await readSuite(`${root}${file}`), server.variables);
  suite.secrets.forEach(addSecret);
  return vendor ? { ...suite, vendor } : suite;
}

interface Measured {
  wallMs: number;
  exchanges: Exchange[];
}

/** All checks of the suites at once, as the product runs them. */
async function concurrent(suites: LoadedSuite[], long = false, connections = defaultHttpOptions.connections): Promise<Measured> {
  const started = Date.now();
  const runs = startSuites(suites, { http: { ...defaultHttpOptions, connections }, long });
  await Promise.all(runs.flatMap((r) => r.checks.map((c) => c.outcome)));
  return { wallMs: Date.now() - started, exchanges: runs.flatMap((r) => r.run.recorder.exchanges) };
}

/** The alternative: the same checks one after another (flows still shared), as a sequential runner would. */
async function sequential(suite: LoadedSuite): Promise<Measured> {
  const started = Date.now();
  const run = new SuiteRun(suite, { http: defaultHttpOptions, long: false });
  for (const instance of planChecks(suite)) await evaluate(instance, run, false);
  return { wallMs: Date.now() - started, exchanges: run.recorder.exchanges };
}

const depth = (exchanges: Exchange[]) => Math.max(0, ...exchanges.map((e) => e.depth ?? 0));
const tokenRequests = (exchanges: Exchange[]) => exchanges.filter((e) => e.label.startsWith('token ('));

/** CLI start to the first request a server receives, for a suite pointed at a sandbox by environment variables. */
async function startToFirstRequest(): Promise<number> {
  const sandbox = await startSandbox();
  const v = sandbox.variables;
  const started = Date.now();
  await cliRun(
    [
      'run',
      '--suite',
      'generic-oidc',
      '--no-html',
      '--results-dir',
      '/tmp/conformance-bench/allure-results',
      '--junit',
      '/tmp/conformance-bench/junit.xml',
      '--summary',
      '/tmp/conformance-bench/summary.md',
    ],
    {
      OIDC_ISSUER: v.SANDBOX_ISSUER!,
      OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID!,
      OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET!,
    },
  );
  const first = sandbox.requests()[0]?.at ?? Number.NaN;
  await sandbox.close();
  return first - started;
}

/** The CLI in a child process, outside the project (no .env of the user's), until it exits. */
function cliRun(args: string[], env: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve) =>
    spawn(process.execPath, [`${root}bin/conformance.js`, ...args], { stdio: 'ignore', cwd: '/tmp', env: { ...process.env, ...env } }).on('close', resolve),
  );
}

/** The members of an Allure result the copies rename. */
interface AllureResult {
  labels: Array<{ name: string; value: string }>;
  historyId: string;
  testCaseId: string;
  fullName: string;
}

/** Copies each Allure result `times` times as other vendors' (`vendor-2`…), sharing the attachments. */
async function multiply(from: string, to: string, times: number): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const file of await readdir(from)) {
    if (!file.endsWith('-result.json')) {
      await copyFile(`${from}/${file}`, `${to}/${file}`);
      continue;
    }
    const result = JSON.parse(await readFile(`${from}/${file}`, 'utf8')) as AllureResult;
    for (let copy = 1; copy <= times; copy++) {
      const vendor = (name: string) => (copy === 1 ? name : `${name}-${copy}`);
      const labels = result.labels.map((l) => (l.name === 'epic' || l.name === 'parentSuite' ? { ...l, value: vendor(l.value) } : l));
      const uuid = randomUUID();
      const renamed = {
        ...result,
        uuid,
        labels,
        historyId: `${result.historyId}-${copy}`,
        testCaseId: `${result.testCaseId}-${copy}`,
        fullName: vendor(result.fullName),
      };
      await writeFile(`${to}/${uuid}-result.json`, JSON.stringify(renamed));
    }
  }
}

const rows: Array<[string, string, string]> = [];
const row = (what: string, value: string, target = '') => rows.push([what, value, target]);

setLatency(LATENCY);

// One suite against the sandbox: wall against the critical path, requests, memoisation, and the sequential alternative.
const sandbox = await startSandbox();
const local = await load('suites/local.yaml', sandbox);
// A first run warms the process (module loading, JIT, the sandbox's first grants): the figures are for a warm run.
await concurrent([local]);
const run = await concurrent([local]);
const critical = depth(run.exchanges) * LATENCY;
const tokens = tokenRequests(run.exchanges);
const distinct = new Set(tokens.map((e) => e.label)).size;
const seq = await sequential(local);
row(`local suite, ${LATENCY} ms latency`, `${run.wallMs} ms wall, critical path ${depth(run.exchanges)} × ${LATENCY} = ${critical} ms`, '');
row('ratio wall / critical path', (run.wallMs / critical).toFixed(2), '≤ 1.3');
// With a bound on connections per host, requests also queue: that many rounds of latency at least.
const rounds = Math.ceil(run.exchanges.length / defaultHttpOptions.connections);
row(
  `per-host bound: ${run.exchanges.length} requests / ${defaultHttpOptions.connections} connections`,
  `≥ ${rounds} × ${LATENCY} = ${rounds * LATENCY} ms if they all went to one host`,
  '',
);
const unbounded = await concurrent([local], false, 256);
row('same run, 256 connections per host', `${unbounded.wallMs} ms, ratio ${(unbounded.wallMs / critical).toFixed(2)}`, '');
row('requests / token requests / distinct grants', `${run.exchanges.length} / ${tokens.length} / ${distinct}`, 'token requests = distinct grants');
row(
  'discovery / JWKS fetches',
  `${run.exchanges.filter((e) => e.label === 'discovery').length} / ${run.exchanges.filter((e) => e.label === 'jwks').length}`,
  '1 / 1',
);
row('alternative: checks one after another', `${seq.wallMs} ms (${(seq.wallMs / run.wallMs).toFixed(1)} × slower)`, '');

// The three vendor suites, alone and together, against their emulators.
const vendorFiles: Record<string, string> = { oneup: 'suites/1uphealth.yaml', bwell: 'suites/bwell.yaml', medplum: 'suites/medplum.yaml' };
const servers = await Promise.all(emulators.map((e) => e.start(e.profiles[0]!.name)));
const vendorSuites = await Promise.all(emulators.map((e, i) => load(vendorFiles[e.name]!, servers[i]!)));
const alone: number[] = [];
for (const suite of vendorSuites) alone.push((await concurrent([suite])).wallMs);
const together = await concurrent(vendorSuites);
const slowest = Math.max(...alone);
row('three vendor suites alone', alone.map((ms, i) => `${vendorSuites[i]!.vendor} ${ms} ms`).join(', '), '');
row('three together / slowest alone', `${together.wallMs} ms / ${slowest} ms = ${(together.wallMs / slowest).toFixed(2)}`, '≤ 1.3');
await Promise.all(servers.map((s) => s.close()));

// Long mode: tokens live 3 s and codes 5 s; the expiry probes wait concurrently.
const shortLived = await startSandbox({ profile: 'short-lived' });
const long = await concurrent([await load('suites/local.yaml', shortLived)], true);
row('long mode, lifetimes 5 s', `${long.wallMs} ms`, '≈ longest lifetime (5 s + 1 s grace), not the sum');
await shortLived.close();

// Scale: 20 copies of the local suite against one sandbox.
setLatency(0);
const copies = await Promise.all(Array.from({ length: 20 }, (_, i) => load('suites/local.yaml', sandbox, `local-${i + 1}`)));
const heapBefore = process.memoryUsage().rss;
const scale = await concurrent(copies);
const checks = copies.reduce((n, s) => n + planChecks(s).length, 0);
row(
  'scale: 20 suites',
  `${checks} checks, ${scale.exchanges.length} requests, ${scale.wallMs} ms, RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB (+${Math.round((process.memoryUsage().rss - heapBefore) / 2 ** 20)} MB)`,
  '',
);
await sandbox.close();

await sleep(100);
const starts: number[] = [];
for (let i = 0; i < 3; i++) starts.push(await startToFirstRequest());
const startMs = starts.sort((a, b) => a - b)[1]!;
row('CLI start to first request (median of 3)', `${startMs} ms`, '≤ 1500 ms');

// The HTML report, timed on its own: on the results of a default CLI run (four suites), and on those results copied
// five times over under other vendor names, the size of a 20-suite run.
const out = '/tmp/conformance-bench/report';
await rm(out, { recursive: true, force: true });
await cliRun(['run', '--no-html', '--results-dir', `${out}/default`, '--junit', `${out}/junit.xml`, '--summary', `${out}/summary.md`]);
await multiply(`${out}/default`, `${out}/scale`, 5);
const html = async (results: string) => {
  const started = Date.now();
  await cliRun(['report', '--results-dir', results, '--report-dir', `${results}-html`, '--history', `${results}-history.jsonl`]);
  return { ms: Date.now() - started, tests: (await readdir(results)).filter((f) => f.endsWith('-result.json')).length };
};
const htmlDefault = await html(`${out}/default`);
const htmlScale = await html(`${out}/scale`);
row('HTML report generation (CLI)', `${htmlDefault.tests} results ${htmlDefault.ms} ms; ${htmlScale.tests} results ${htmlScale.ms} ms`, '');

const width = Math.max(...rows.map(([w]) => w.length));
for (const [what, value, target] of rows) console.log(`${what.padEnd(width)}  ${value}${target ? `   [target ${target}]` : ''}`);
console.log(
  JSON.stringify({
    latency_ms: LATENCY,
    wall_ms: run.wallMs,
    critical_path_ms: critical,
    ratio_wall_to_critical: Number((run.wallMs / critical).toFixed(3)),
    connections_per_host: defaultHttpOptions.connections,
    unbounded_wall_ms: unbounded.wallMs,
    total_requests: run.exchanges.length,
    token_requests: tokens.length,
    distinct_grants: distinct,
    sequential_wall_ms: seq.wallMs,
    vendor_alone_ms: Object.fromEntries(vendorSuites.map((s, i) => [s.vendor, alone[i]])),
    vendors_together_ms: together.wallMs,
    ratio_three_to_one: Number((together.wallMs / slowest).toFixed(3)),
    long_mode_ms: long.wallMs,
    scale: { suites: 20, checks, requests: scale.exchanges.length, wall_ms: scale.wallMs, rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20) },
    start_to_first_request_ms: startMs,
    html_report_ms: { [htmlDefault.tests]: htmlDefault.ms, [htmlScale.tests]: htmlScale.ms },
  }),
);
process.exit(0);
