import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isSecretVariable } from '../src/suite/secret-names.js';
import { action, actionStep, npxArgs } from './composite-action.js';
import { mainSays } from './main-in-process.js';

/**
 * The CI monitoring workflow (.github/workflows/conformance.yml): valid against the GitHub workflow schema (offline,
 * @action-validator/core embeds it), its expressions name things that exist, and it keeps the promises its comments
 * make. Every check here is shown to fail on a broken copy of the workflow.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const workflowFile = join(root, '.github/workflows/conformance.yml');
const text = readFileSync(workflowFile, 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}
/** The step that runs the tool's own composite action (action.yml at the repository's root). */
const usesAction = (s: Step) => s.uses === './';
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on': string;
  'timeout-minutes'?: number;
  env?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown> & { include?: Array<Record<string, string>> } };
  steps: Step[];
}
interface Input {
  type?: string;
  options?: string[];
  default?: string;
}
interface Workflow {
  on: { schedule?: Array<{ cron: string }>; workflow_dispatch?: { inputs?: Record<string, Input> } };
  permissions?: unknown;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface Variable {
  secret?: boolean;
  optional?: boolean;
  default?: string;
}
interface Suite {
  name: string;
  emulator?: string;
  variables: Record<string, Variable | null>;
  clients?: unknown;
  resources?: Array<{ auth?: unknown }>;
}

const suites: Suite[] = readdirSync(join(root, 'suites'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => {
    const data = parse(readFileSync(join(root, 'suites', f), 'utf8')) as Omit<Suite, 'name' | 'variables'> & Partial<Pick<Suite, 'variables'>>;
    return { ...data, name: f.replace(/\.yaml$/, ''), variables: data.variables ?? {} };
  });
/** The vendor suites: those with an embedded emulator, which CI runs against the real vendor when its secrets are set. */
const vendorSuites = suites
  .filter((s) => s.emulator)
  .map((s) => s.name)
  .sort();

function load(source: string): Workflow {
  return parse(source) as Workflow;
}

/** A copy of the workflow with one edit; fails if the edit does not apply, so a mutation test cannot go vacuous. */
function mutate(source: string, from: string | RegExp, to: string): string {
  const changed = source.replace(from, to);
  if (changed === source) throw new Error(`mutation did not apply: ${String(from)}`);
  return changed;
}

// --- schema validation and reference checks ------------------------------------------------------------------------

/** The validator's errors as lines; a oneOf error carries the errors of each branch it tried. */
function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const here = `${'path' in e ? e.path || '/' : ''} ${e.title}${e.detail ? `: ${e.detail}` : ''}${'location' in e && e.location ? ` (line ${e.location.line})` : ''}`;
    return 'states' in e && e.states?.length ? [here, ...e.states.flatMap((s) => flatten(s.errors))] : [here];
  });
}

const CONTEXTS = new Set(['github', 'inputs', 'matrix', 'secrets', 'steps', 'needs', 'strategy', 'runner', 'env', 'vars', 'job', 'true', 'false', 'null']);
const FUNCTIONS = new Set([
  'contains',
  'startsWith',
  'endsWith',
  'format',
  'join',
  'toJSON',
  'fromJSON',
  'hashFiles',
  'success',
  'always',
  'cancelled',
  'failure',
]);

/** Every string under a value, with the key it sits at. */
function strings(value: unknown, key = ''): Array<{ key: string; value: string }> {
  if (typeof value === 'string') return [{ key, value }];
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, k));
  return [];
}

/** The expressions in the strings: `${{ … }}`, and the whole value of an `if:` written without them. */
function expressions(found: Array<{ key: string; value: string }>): string[] {
  return found.flatMap(({ key, value }) => {
    const wrapped = [...value.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1]!);
    return wrapped.length === 0 && key === 'if' ? [value] : wrapped;
  });
}

/**
 * What the schema cannot see: expressions naming an unknown context or function, a step id, matrix key, needed job or
 * input that does not exist.
 */
function referenceErrors(workflow: Workflow): string[] {
  const inputs = Object.keys(workflow.on.workflow_dispatch?.inputs ?? {});
  const check = (where: string, exprs: string[], scope: { steps: string[]; matrix: string[]; needs: string[] }) =>
    exprs.flatMap((expr) => {
      const code = expr.replace(/'(?:[^']|'')*'/g, "''");
      const errors: string[] = [];
      for (const m of code.matchAll(/(?<![.\w-])([A-Za-z_][\w-]*)(\s*\()?/g)) {
        const known = m[2] ? FUNCTIONS.has(m[1]!) : CONTEXTS.has(m[1]!);
        if (!known) errors.push(`${where}: unknown ${m[2] ? 'function' : 'context'} "${m[1]}" in \${{ ${expr.trim()} }}`);
      }
      const refs: Array<[RegExp, string[], string]> = [
        [/\bsteps\.([\w-]+)/g, scope.steps, 'step id'],
        [/\bmatrix\.([\w-]+)/g, scope.matrix, 'matrix key'],
        [/\bneeds\.([\w-]+)/g, scope.needs, 'needed job'],
        [/\binputs\.([\w-]+)/g, inputs, 'workflow_dispatch input'],
      ];
      for (const [pattern, names, what] of refs) {
        for (const m of code.matchAll(pattern)) if (!names.includes(m[1]!)) errors.push(`${where}: no ${what} "${m[1]}" (${names.join(', ') || 'none'})`);
      }
      return errors;
    });
  const { jobs, ...top } = workflow;
  const jobIds = Object.keys(jobs);
  return [
    ...check('workflow', expressions(strings(top)), { steps: [], matrix: [], needs: [] }),
    ...Object.entries(jobs).flatMap(([id, job]) => {
      const needs = [job.needs ?? []].flat();
      const missing = needs.filter((n) => !jobIds.includes(n)).map((n) => `jobs.${id}.needs: no job "${n}"`);
      const matrix = job.strategy?.matrix ?? {};
      const matrixKeys = [...Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude'), ...(matrix.include ?? []).flatMap((i) => Object.keys(i))];
      const steps = job.steps.flatMap((s) => (s.id ? [s.id] : []));
      const inputs = Object.keys(action.inputs);
      const unknownInputs = job.steps
        .filter(usesAction)
        .flatMap((s) => Object.keys(s.with ?? {}).filter((k) => !inputs.includes(k)))
        .map((k) => `jobs.${id}: action.yml has no input "${k}" (${inputs.join(', ')})`);
      return [...missing, ...unknownInputs, ...check(`jobs.${id}`, expressions(strings(job)), { steps, matrix: matrixKeys, needs })];
    }),
  ];
}

/** Everything wrong with a workflow text: schema violations first, then broken references. */
function lint(source: string): string[] {
  const schema = flatten(validateWorkflow(source).errors);
  if (schema.length > 0) return schema;
  return referenceErrors(load(source));
}

describe('the workflow file', () => {
  it('is valid against the GitHub workflow schema and its expressions resolve', () => {
    expect(lint(text)).toEqual([]);
  });

  // The same validation on broken copies: if any of these passed, the check above would prove nothing.
  it.each([
    ['a misspelt job key', /runs-on:/, 'runs-onn:', "'runs-onn' is not allowed"],
    ['a misspelt trigger', 'workflow_dispatch:', 'workflow-dispatch:', 'Additional property'],
    ['a misspelt top-level key', 'concurrency:', 'concurency:', "'concurency' is not allowed"],
    ['a wrong type', /timeout-minutes: \d+/, 'timeout-minutes: soon', '/timeout-minutes'],
    ['invalid YAML', /^jobs:/m, 'jobs: [', 'Parse Error'],
    ['a step id that does not exist', 'steps.report.outcome', 'steps.reprot.outcome', 'no step id "reprot"'],
    ['a matrix key that does not exist', /matrix\.shard-name/, 'matrix.shard_name', 'no matrix key "shard_name"'],
    ['a misspelt context', /secrets\.MEDPLUM_PASSWORD/, 'secret.MEDPLUM_PASSWORD', 'unknown context "secret"'],
    ['an unknown input', /inputs\.fail-on/, 'inputs.failon', 'no workflow_dispatch input "failon"'],
    ['a needed job that does not exist', /needs: \w+/, 'needs: conformance-shards', 'conformance-shards'],
    ['an input the action does not have', 'job-summary:', 'jobsummary:', 'action.yml has no input "jobsummary"'],
  ])('rejects %s', (_, from, to, message) => {
    const errors = lint(mutate(text, from, to));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(message);
  });
});

// --- the promises ----------------------------------------------------------------------------------------------------

const workflow = load(text);
const jobEntries = Object.entries(workflow.jobs);
const [matrixJobId, matrixJob] = jobEntries.find(([, j]) => j.strategy?.matrix) ?? ['', undefined];
const [, reportJob] = jobEntries.find(([, j]) => [j.needs ?? []].flat().includes(matrixJobId)) ?? ['', undefined];
if (!matrixJob || !reportJob) throw new Error('the workflow needs a matrix job and a job that needs it');

function stepIndex(job: Job, predicate: (s: Step) => boolean, what: string): number {
  const index = job.steps.findIndex(predicate);
  if (index < 0) throw new Error(`no step that ${what}`);
  return index;
}
const runIndex = stepIndex(matrixJob, usesAction, 'runs the action');
const runStep = matrixJob.steps[runIndex]!;
const reportIndex = stepIndex(reportJob, (s) => /\bconformance report\b/.test(s.run ?? ''), 'runs `conformance report`');
const reportStep = reportJob.steps[reportIndex]!;

/** The suites the matrix runs when no single suite is asked for: a JSON list literal inside the expression. */
function matrixSuites(w: Workflow): string[] {
  const job = Object.values(w.jobs).find((j) => j.strategy?.matrix);
  const value = job?.strategy?.matrix.suite;
  if (Array.isArray(value)) return (value as string[]).slice().sort();
  // e.g. fromJSON(<one asked for> && format('["{0}"]', inputs.suite) || '["a","b"]'): the list of plain names.
  const lists = typeof value === 'string' ? [...value.matchAll(/'(\[[^']*\])'/g)].map((m) => JSON.parse(m[1]!) as string[]) : [];
  const names = lists.filter((l) => l.every((n) => /^[\w-]+$/.test(n)));
  return names.length === 1 ? names[0]!.slice().sort() : [];
}

/** The matrix's combinations for the default suite list: suite × shard, plus what `include` adds to matching ones. */
function combinations(job: Job): Array<Record<string, string>> {
  const matrix = job.strategy!.matrix;
  const shards = matrix.shard as string[];
  return matrixSuites({ ...workflow, jobs: { job } }).flatMap((suite) =>
    shards.map((shard) => {
      const combo: Record<string, string> = { suite, shard };
      // GitHub adds an include entry to every combination whose original values it does not change.
      for (const extra of matrix.include ?? []) {
        if (Object.entries(extra).every(([k, v]) => !['suite', 'shard'].includes(k) || combo[k] === v)) Object.assign(combo, extra);
      }
      return combo;
    }),
  );
}

/** `${{ matrix.x }}` replaced by a combination's values (other expressions are left as they are). */
function expand(template: string, combo: Record<string, string>): string {
  return template.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (_, key: string) => combo[key] ?? `<no matrix.${key}>`);
}

/** The action's inputs in a job of the matrix, on schedule (no workflow_dispatch inputs: `inputs.x || 'd'` is 'd'). */
function actionInputs(combo: Record<string, string>): Record<string, string> {
  const scheduled = (value: string) => value.replace(/\$\{\{\s*inputs\.[\w-]+\s*\|\|\s*'([^']*)'\s*\}\}/g, '$1');
  return Object.fromEntries(Object.entries(runStep.with ?? {}).map(([k, v]) => [k, scheduled(expand(String(v), combo))]));
}

// Where the action's scripts run for the matrix's jobs; removed once the file has run.
const scratch = mkdtempSync(join(tmpdir(), 'workflow-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What the action runs in a job of the matrix: its run step's script, run for real with a stand-in npx. */
function runArgs(combo: Record<string, string>): string[] {
  return npxArgs(actionInputs(combo), mkdtempSync(join(scratch, 'job-')));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
}

/**
 * Variables a vendor account supplies: secrets (marked, or named as credentials: src/suite/secret-names.ts), required
 * ones, and those used as client or resource credentials.
 */
function credentialVariables(suite: Suite): string[] {
  const used = new Set(
    strings([suite.clients, (suite.resources ?? []).map((r) => r.auth)]).flatMap(({ value }) => [...value.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!)),
  );
  return Object.entries(suite.variables)
    .filter(([name, spec]) => isSecretVariable(name, spec) || (spec?.default === undefined && !spec?.optional) || used.has(name))
    .map(([name]) => name);
}

/** The webhook URL secret the report job's Notify step posts news to (optional). */
const WEBHOOK = 'CONFORMANCE_WEBHOOK';

/** A secret handed to the jobs of some suites only: `${{ <which> && secrets.NAME || '' }}`, <which> naming them. */
const SUITE_IS = String.raw`matrix\.suite == '[\w-]+'`;
const GATED = new RegExp(String.raw`^\$\{\{\s*(${SUITE_IS}|\(\s*${SUITE_IS}(?:\s*\|\|\s*${SUITE_IS})+\s*\))\s*&&\s*secrets\.(\w+)\s*\|\|\s*''\s*\}\}$`);

interface Gate {
  /** The variable set. */
  name: string;
  /** The repository secret it is set from. */
  secret: string;
  /** The suites whose jobs receive it; in any other job it is empty. */
  suites: string[];
}
/**
 * The run step's env entries that take a repository secret, each with the suites whose jobs receive it (all of them
 * when it is not gated: `${{ secrets.NAME }}`); how many entries mention secrets at all; and those of another form.
 */
function secretGates(w: Workflow): { gates: Gate[]; mentions: number; problems: string[] } {
  const job = Object.values(w.jobs).find((j) => j.strategy?.matrix);
  const step = job?.steps.find(usesAction);
  const gates: Gate[] = [];
  const problems: string[] = [];
  const mentioning = Object.entries(step?.env ?? {}).filter(([, value]) => /\bsecrets\b/.test(value));
  for (const [name, value] of mentioning) {
    const m = GATED.exec(value);
    const everyJob = /^\$\{\{\s*secrets\.(\w+)\s*\}\}$/.exec(value);
    if (m) gates.push({ name, secret: m[2]!, suites: [...m[1]!.matchAll(/'([\w-]+)'/g)].map((s) => s[1]!) });
    else if (everyJob) gates.push({ name, secret: everyJob[1]!, suites: matrixSuites(w) });
    else
      problems.push(
        `${name}: "${value}" is not of the form \${{ matrix.suite == '<suite>' && secrets.${name} || '' }} (several suites: \${{ (matrix.suite == 'a' || matrix.suite == 'b') && … }})`,
      );
  }
  return { gates, mentions: mentioning.length, problems };
}

/**
 * What is wrong with the secrets of a workflow: a secret anywhere but the run step's env, mapped to a variable of
 * another name, handed to the jobs of every suite or of a suite that does not declare it as a credential; a credential
 * of a suite the matrix runs not handed to that suite's jobs.
 */
function secretProblems(source: string, suiteList: Suite[] = suites): string[] {
  const w = load(source);
  const running = suiteList.filter((s) => matrixSuites(w).includes(s.name));
  const { gates, mentions, problems } = secretGates(w);
  for (const { name, secret, suites: given } of gates) {
    if (secret !== name) problems.push(`${name} is given the secret ${secret}: name the secret after the variable`);
    for (const suite of given) {
      const declared = running.find((s) => s.name === suite);
      if (!declared) problems.push(`${name} is given to the jobs of ${suite}, which the matrix does not run`);
      else if (!credentialVariables(declared).includes(name))
        problems.push(`${name} is given to the jobs of ${suite}, which has no such secret or credential variable`);
    }
  }
  // The one secret besides the vendors' credentials: the optional webhook, in the env of a step of the report job.
  const webhook = new RegExp(String.raw`^\s*secrets\.${WEBHOOK}\s*$`);
  const reportSteps = Object.values(w.jobs)
    .filter((j) => !j.strategy?.matrix)
    .flatMap((j) => j.steps);
  const webhookInReport = reportSteps.flatMap((step) => expressions(strings(step.env ?? {}))).filter((e) => webhook.test(e)).length;
  const everywhere = expressions(strings(w)).filter((e) => /\bsecrets\b/.test(e)).length;
  if (everywhere - webhookInReport !== mentions)
    problems.push(`secrets are used ${everywhere - webhookInReport - mentions} time(s) outside the run step's env`);
  if (/secrets:\s*inherit/.test(source)) problems.push('secrets: inherit hands every secret over');
  for (const suite of running) {
    for (const name of credentialVariables(suite)) {
      if (!gates.some((g) => g.name === name && g.suites.includes(suite.name)))
        problems.push(`${suite.name}: ${name} is not given to its jobs from secrets.${name}`);
    }
  }
  return problems;
}

/** What is wrong with the suite coverage of a workflow: the matrix and the `suite` input must name every vendor suite. */
function matrixProblems(source: string): string[] {
  const w = load(source);
  const options = (w.on.workflow_dispatch?.inputs?.suite?.options ?? []).filter((o) => o !== 'all').sort();
  return [
    ...(JSON.stringify(matrixSuites(w)) === JSON.stringify(vendorSuites)
      ? []
      : [`matrix suites ${matrixSuites(w).join(', ')} ≠ vendor suites ${vendorSuites.join(', ')}`]),
    ...(JSON.stringify(options) === JSON.stringify(vendorSuites)
      ? []
      : [`suite input options ${options.join(', ')} ≠ vendor suites ${vendorSuites.join(', ')}`]),
  ];
}

describe('triggers and job settings', () => {
  it('runs on a schedule and on demand with suite and fail-on inputs', () => {
    const crons = (workflow.on.schedule ?? []).map((s) => s.cron);
    expect(crons.length).toBeGreaterThan(0);
    for (const cron of crons) expect(cron.split(/\s+/), cron).toHaveLength(5);
    const inputs = workflow.on.workflow_dispatch?.inputs ?? {};
    expect(inputs.suite).toMatchObject({ type: 'choice', default: 'all' });
    expect(inputs['fail-on']).toMatchObject({ type: 'choice', default: 'fail' });
  });

  it('offers exactly the --fail-on values the CLI accepts', async () => {
    const help = (await mainSays(['run', '--help'])).out;
    const values = /--fail-on ([\w|]+)/.exec(help)?.[1]?.split('|');
    expect(values, 'run --help names the --fail-on values').toBeDefined();
    expect([...(workflow.on.workflow_dispatch?.inputs?.['fail-on']?.options ?? [])].sort()).toEqual([...values!].sort());
  });

  it('reads the repository only, never piles up runs, and bounds every job', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.concurrency?.group).toMatch(/github\.(workflow|ref)/);
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(false);
    for (const [id, job] of jobEntries) expect(job['timeout-minutes'], id).toBeGreaterThan(0);
  });

  it('pins every action to its major version from the allowed set, Node 20, npm ci before the tool', () => {
    const allowed = /^(\.\/|actions\/(checkout|setup-node|upload-artifact|download-artifact|cache|cache\/restore|cache\/save)@v4)$/;
    const uses = [...jobEntries.flatMap(([, j]) => j.steps), ...action.runs.steps].flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.filter((u) => !allowed.test(u))).toEqual([]);
    // A job runs the tool through the action (which sets Node up and installs), or sets them up itself first.
    expect(action.runs.steps[0]).toMatchObject({ uses: 'actions/setup-node@v4', with: { 'node-version': 20 } });
    for (const [id, job] of jobEntries) {
      if (job.steps.some(usesAction)) continue;
      const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
      expect(node?.with, id).toMatchObject({ 'node-version': 20, cache: 'npm' });
      const ci = stepIndex(job, (s) => /^npm ci\b/.test(s.run ?? ''), 'runs npm ci');
      const conformance = stepIndex(job, (s) => /\bnpx conformance\b/.test(s.run ?? ''), 'runs npx conformance');
      expect(ci, id).toBeLessThan(conformance);
    }
  });
});

describe('the matrix', () => {
  it('covers every suite in suites/ that has an emulator, in the matrix and in the suite input', () => {
    expect(vendorSuites.length).toBeGreaterThan(0);
    expect(matrixProblems(text)).toEqual([]);
    expect(matrixJob.strategy?.['fail-fast']).toBe(false);
  });

  it('notices a vendor suite left out', () => {
    expect(matrixProblems(mutate(text, /"bwell",?/, ''))).toEqual([expect.stringMatching(/^matrix suites/)]);
    expect(matrixProblems(mutate(text, /options: \[all, ([^\]]*)bwell, /, 'options: [all, $1'))).toEqual([expect.stringMatching(/^suite input options/)]);
  });

  it('runs each combination with a distinct shard of 2, named for artifacts', () => {
    expect(matrixJob.strategy?.matrix.shard).toEqual(['1/2', '2/2']);
    const combos = combinations(matrixJob);
    expect(combos).toHaveLength(vendorSuites.length * 2);
    for (const combo of combos) expect(combo['shard-name'], combo.shard).toMatch(/^[\w-]+$/);
  });

  it('runs each suite shard through the action, with its shard, baseline, outputs and fail-on level', () => {
    for (const combo of combinations(matrixJob)) {
      const args = runArgs(combo);
      expect(args.slice(0, 3)).toEqual(['conformance', 'run', combo.suite]);
      const line = args.join(' ');
      for (const part of [
        `--shard ${combo.shard}`,
        '--no-html',
        '--out reports',
        '--json reports/results.json',
        `--baseline baselines/${combo.suite}.json`,
        '--fail-on fail',
      ])
        expect(line, combo.suite).toContain(part);
    }
    // Asked for on demand, fail-on is the input's.
    expect(String(runStep.with?.['fail-on'])).toBe("${{ inputs.fail-on || 'fail' }}");
  });

  it('uses only options the CLI has', async () => {
    const help = async (command: string) => (await mainSays([command, '--help'])).out;
    const flags = (line: string) => [...new Set(line.match(/(?<=\s|^)--[a-z][\w-]*/g) ?? [])];
    const runHelp = await help('run');
    expect(flags(runArgs(combinations(matrixJob)[0]!).join(' ')).filter((f) => !runHelp.includes(`${f} `) && !runHelp.includes(`${f}\n`))).toEqual([]);
    const reportHelp = await help('report');
    const reportLine = (reportStep.run ?? '').split('\n').find((l) => l.includes('conformance report'))!;
    expect(flags(reportLine).filter((f) => !reportHelp.includes(`${f} `) && !reportHelp.includes(`${f}\n`))).toEqual([]);
  });
});

describe('secrets', () => {
  it("gives each vendor credential from the repository secret of its name, only into the run step, only to its suite's jobs", () => {
    expect(secretProblems(text)).toEqual([]);
    expect(matrixJob.env ?? {}).toEqual({});
    expect(workflow.env ?? {}).toEqual({});
  });

  /** Per job of the matrix: the variables its run step receives from secrets, and its suite's credential and secret variables. */
  const seenBy = (source: string) => {
    const { gates } = secretGates(load(source));
    return combinations(matrixJob).map(({ suite, shard }) => {
      const own = suites.find((s) => s.name === suite)!;
      return {
        job: `${suite} ${shard}`,
        received: gates
          .filter((g) => g.suites.includes(own.name))
          .map((g) => g.name)
          .sort(),
        credentials: credentialVariables(own).sort(),
        secrets: Object.entries(own.variables).flatMap(([name, spec]) => (isSecretVariable(name, spec) ? [name] : [])),
      };
    });
  };

  it("lets each job's run step see exactly its own suite's credentials, every secret among them", () => {
    for (const { job, received, credentials, secrets } of seenBy(text)) {
      expect(received, job).toEqual(credentials);
      expect(secrets.length, job).toBeGreaterThan(0);
      expect(received, job).toEqual(expect.arrayContaining(secrets));
    }
    const ungated = seenBy(mutate(text, "${{ matrix.suite == 'bwell' && secrets.BWELL_CLIENT_SECRET || '' }}", '${{ secrets.BWELL_CLIENT_SECRET }}'));
    expect(ungated.find((j) => j.job.startsWith('medplum '))!.received).toContain('BWELL_CLIENT_SECRET');
  });

  const gated = (suites: string, name: string) => `\${{ ${suites} && secrets.${name} || '' }}`;
  it.each([
    [
      'a variable with a default',
      /(\n(\s+)MEDPLUM_CLIENT_ID: .*)/,
      `$1\n$2MEDPLUM_BASE_URL: ${gated("matrix.suite == 'medplum'", 'MEDPLUM_BASE_URL')}`,
      'MEDPLUM_BASE_URL is given to the jobs of medplum, which has no such',
    ],
    [
      'a variable of no vendor suite',
      /(\n(\s+)MEDPLUM_CLIENT_ID: .*)/,
      `$1\n$2OIDC_CLIENT_SECRET: ${gated("matrix.suite == 'medplum'", 'OIDC_CLIENT_SECRET')}`,
      'OIDC_CLIENT_SECRET is given to the jobs of medplum, which has no such',
    ],
    [
      'a suite the matrix does not run',
      /(\n(\s+)MEDPLUM_CLIENT_ID: .*)/,
      `$1\n$2OIDC_CLIENT_SECRET: ${gated("matrix.suite == 'generic-oidc'", 'OIDC_CLIENT_SECRET')}`,
      'given to the jobs of generic-oidc, which the matrix does not run',
    ],
    ['a secret missing', /\n\s+MEDPLUM_PASSWORD: .*/, '', 'medplum: MEDPLUM_PASSWORD is not given to its jobs'],
    ['a secret under another name', 'secrets.BWELL_CLIENT_SECRET', 'secrets.BWELL_SECRET', 'BWELL_CLIENT_SECRET is given the secret BWELL_SECRET'],
    ['a secret in the job env', /(\n\s+timeout-minutes: 30\n)/, '$1    env: { BWELL_CLIENT_ID: "${{ secrets.BWELL_CLIENT_ID }}" }\n', 'outside the run step'],
    // A job of one vendor holding another's credentials, which a hostile or compromised server of that vendor could be sent.
    [
      'a secret given to every suite',
      `\${{ matrix.suite == 'bwell' && secrets.BWELL_CLIENT_SECRET || '' }}`,
      '${{ secrets.BWELL_CLIENT_SECRET }}',
      'BWELL_CLIENT_SECRET is given to the jobs of 1uphealth, which has no such',
    ],
    [
      'a secret given to another suite',
      "matrix.suite == 'bwell' && secrets.BWELL_CLIENT_SECRET",
      "matrix.suite == 'medplum' && secrets.BWELL_CLIENT_SECRET",
      'BWELL_CLIENT_SECRET is given to the jobs of medplum, which has no such',
    ],
    [
      'a secret given to its suite and another',
      "matrix.suite == 'bwell' && secrets.BWELL_CLIENT_SECRET",
      "(matrix.suite == 'bwell' || matrix.suite == '1uphealth') && secrets.BWELL_CLIENT_SECRET",
      'BWELL_CLIENT_SECRET is given to the jobs of 1uphealth, which has no such',
    ],
    [
      'a shared secret taken from one of its suites',
      /\(matrix\.suite == 'medplum' \|\| matrix\.suite == 'medplum-browser'\) && secrets\.MEDPLUM_PASSWORD/,
      "matrix.suite == 'medplum' && secrets.MEDPLUM_PASSWORD",
      'medplum-browser: MEDPLUM_PASSWORD is not given to its jobs',
    ],
    // Without the parentheses && binds first: the medplum job would get `true` and medplum-browser the secret.
    [
      'alternatives without parentheses',
      /\((matrix\.suite == 'medplum' \|\| matrix\.suite == 'medplum-browser')\) && secrets\.MEDPLUM_EMAIL/,
      '$1 && secrets.MEDPLUM_EMAIL',
      "MEDPLUM_EMAIL: \"${{ matrix.suite == 'medplum' || matrix.suite == 'medplum-browser' && secrets.MEDPLUM_EMAIL || '' }}\" is not of the form",
    ],
  ])('notices %s', (_, from, to, message) => {
    expect(secretProblems(mutate(text, from, to)).join('\n')).toContain(message);
  });

  it("counts a variable named as a credential among its suite's secrets, even unmarked", () => {
    const withKey = suites.map((s) => (s.name === 'bwell' ? { ...s, variables: { ...s.variables, BWELL_API_KEY: { default: '' } } } : s));
    expect(secretProblems(text, withKey)).toEqual(['bwell: BWELL_API_KEY is not given to its jobs from secrets.BWELL_API_KEY']);
  });
});

/** The name each job of the matrix uploads its outputs under (the action's artifact input). */
const artifactOf = (combo: Record<string, string>) => actionInputs(combo).artifact!;

describe('shard artifacts', () => {
  it("are uploaded by the action after the run even when it failed, with the run's outputs and no summary of their own", () => {
    const upload = actionStep('Upload the reports');
    expect(upload.if).toMatch(/\balways\(\)/);
    expect(action.runs.steps.indexOf(upload)).toBeGreaterThan(action.runs.steps.indexOf(actionStep('Run the suites')));
    expect(upload.with).toMatchObject({ name: '${{ inputs.artifact }}', path: '${{ inputs.out }}', overwrite: true });
    // reports/ holds the results dir, junit.xml, summary.md and results.json (--out).
    expect(runStep.with?.out).toBe('reports');
    // The report job writes the one summary of every shard.
    expect(String(runStep.with?.['job-summary'])).toBe('false');
    for (const s of reportJob.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'))) expect(s.if, s.name).toMatch(/\balways\(\)/);
  });

  it('have a distinct valid name per suite and shard', () => {
    const names = combinations(matrixJob).map(artifactOf);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[\w.-]+$/);
  });

  it("save the shard's snapshot for the next run, also when it failed", () => {
    const save = matrixJob.steps.findIndex((s) => s.uses?.startsWith('actions/cache/save@'));
    expect(save).toBeGreaterThan(runIndex);
    expect(matrixJob.steps[save]).toMatchObject({ if: 'always()', with: { path: 'reports/snapshot.json' } });
  });
});

describe('the report job', () => {
  const steps = reportJob.steps;
  const download = stepIndex(reportJob, (s) => !!s.uses?.startsWith('actions/download-artifact@'), 'downloads artifacts');
  const restore = stepIndex(reportJob, (s) => /^actions\/cache(\/restore)?@/.test(s.uses ?? ''), 'restores the cache');
  const save = stepIndex(reportJob, (s) => /^actions\/cache\/save@/.test(s.uses ?? ''), 'saves the cache');
  const htmlUpload = stepIndex(reportJob, (s) => !!s.uses?.startsWith('actions/upload-artifact@'), 'uploads the HTML');
  const summary = stepIndex(reportJob, (s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ''), 'writes the step summary');
  const notify = stepIndex(reportJob, (s) => /\bgh issue\b/.test(s.run ?? ''), 'notifies');
  const reportLine = (reportStep.run ?? '').split('\n').find((l) => l.includes('conformance report'))!;
  const history = /--history (\S+)/.exec(reportLine)?.[1];

  it('runs after the matrix, also when shards failed', () => {
    expect([reportJob.needs].flat()).toContain(matrixJobId);
    expect(reportJob.if).toMatch(/always\(\)|!\s*cancelled\(\)/);
  });

  it('downloads, restores the history, merges, saves the history, uploads the HTML, in that order', () => {
    expect(download).toBeLessThan(restore);
    expect(restore).toBeLessThan(reportIndex);
    expect(reportIndex).toBeLessThan(save);
    expect(reportIndex).toBeLessThan(htmlUpload);
    expect(reportLine).toMatch(/npx conformance report --merge /);
    expect(steps[htmlUpload]!.with?.path).toMatch(/^reports\/html\/?$/);
    expect(reportLine).toMatch(/--report-dir reports\/html( |$)/);
    expect(steps[summary]!.if).toMatch(/\balways\(\)/);
  });

  it('keeps the history in the cache under a per-branch key, restored by prefix', () => {
    expect(history).toBe('reports/history.jsonl');
    const [r, s] = [steps[restore]!.with!, steps[save]!.with!];
    expect(r.path).toBe(history);
    expect(s.path).toBe(history);
    expect(s.key).toBe(r.key);
    expect(String(r.key)).toMatch(/github\.ref_name|github\.ref\b/);
    const prefixes = String(r['restore-keys'])
      .split('\n')
      .map((k) => k.trim())
      .filter(Boolean);
    expect(prefixes.length).toBeGreaterThan(0);
    for (const prefix of prefixes) expect(String(r.key).startsWith(prefix), prefix).toBe(true);
    // The save step runs even though an earlier step of the job failed, but only when the report was built.
    expect(steps[save]!.if).toMatch(/steps\.report\.outcome == 'success'/);
    expect(reportStep.id).toBe('report');
  });

  it('downloads every shard artifact', () => {
    const pattern = globToRegExp(String(steps[download]!.with?.pattern));
    const names = combinations(matrixJob).map(artifactOf);
    expect(names.filter((n) => !pattern.test(n))).toEqual([]);
    // Not the job's own HTML artifact, which a re-run of the job would otherwise find from the earlier attempt.
    for (const s of steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')))
      expect(pattern.test(String(s.with?.name)), String(s.with?.name)).toBe(false);
    for (const s of steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'))) expect(s.with?.overwrite, String(s.with?.name)).toBe(true);
    expect(steps[download]!.with?.['merge-multiple'] ?? false).toBe(false);
  });

  // The report job's shell scripts, run for real on the directories the download step makes from the shards' artifacts
  // (with a stand-in for npx that records its arguments), as the runner's default shell runs them.
  describe('its scripts, run on the downloaded layout', () => {
    const work = mkdtempSync(join(tmpdir(), 'workflow-test-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    const combos = combinations(matrixJob);
    const downloadPath = String(steps[download]!.with?.path);

    /** Each shard's artifact as the download step leaves it: its reports/ folder in a directory named for it. */
    function layout(dir: string) {
      for (const combo of combos) {
        const shard = join(dir, downloadPath, artifactOf(combo));
        mkdirSync(join(shard, 'allure-results'), { recursive: true });
        writeFileSync(join(shard, 'allure-results', `${combo.suite}-result.json`), '{}');
        writeFileSync(join(shard, 'summary.md'), `# oauth-conformance\n\nsummary of ${combo.suite} shard ${combo.shard}\n\n## Known deviations\n`);
        writeFileSync(join(shard, 'junit.xml'), '<testsuites/>');
        writeFileSync(join(shard, 'results.json'), '{}');
        writeFileSync(join(shard, 'snapshot.json'), '{}');
      }
    }

    function runScript(script: string, dir: string, env: Record<string, string> = {}) {
      expect(script, 'the script has no ${{ }} to evaluate').not.toContain('${{');
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${join(dir, 'npx-args')}"\n`);
      chmodSync(join(bin, 'npx'), 0o755);
      return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'), ...env },
      });
    }

    it('merges exactly the results directories of every shard', () => {
      const dir = join(work, 'merge');
      layout(dir);
      const result = runScript(reportStep.run!, dir);
      expect(result.status, result.stderr + result.stdout).toBe(0);
      const args = readFileSync(join(dir, 'npx-args'), 'utf8').trim().split('\n');
      expect(args.slice(0, 3)).toEqual(['conformance', 'report', '--merge']);
      const merged = args
        .filter((a, i) => a.startsWith(`${downloadPath}/`) && args[i - 1] !== '--results-json')
        .map((a) => a.replace(/\/$/, ''))
        .sort();
      const expected = combos.map((c) => `${downloadPath}/${artifactOf(c)}/allure-results`).sort();
      expect(merged).toEqual(expected);
      expect(args).toEqual(expect.arrayContaining(['--history', history, '--summary', 'reports/summary.md', '--notify', 'reports/notify.json']));
      // Every shard's results file, for the one merged summary.
      const files = args.flatMap((a, i) => (args[i - 1] === '--results-json' ? [a] : [])).sort();
      expect(files).toEqual(combos.map((c) => `${downloadPath}/${artifactOf(c)}/results.json`).sort());
    });

    it('fails with a message when no shard uploaded results', () => {
      const dir = join(work, 'empty');
      mkdirSync(dir, { recursive: true });
      const result = runScript(reportStep.run!, dir);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toMatch(/::error::/);
    });

    it('opens an issue for a vendor broken anew, comments on one still open, closes one green again, and posts to the webhook', () => {
      const dir = join(work, 'notify');
      mkdirSync(join(dir, 'reports'), { recursive: true });
      const notice = (vendor: string, state: string, fresh: number) => ({
        vendor,
        state,
        fresh,
        title: `oauth-conformance: ${vendor} does not conform`,
        body: `${vendor} body`,
      });
      const notices = {
        vendors: [notice('acme', 'broken', 1), notice('medplum', 'broken', 2), notice('bwell', 'green', 0), notice('oneup', 'broken', 0)],
        webhook: { text: 'oauth-conformance: new failures' },
      };
      writeFileSync(join(dir, 'reports', 'notify.json'), JSON.stringify(notices));
      // Open issues: medplum's (#5), bwell's (#7), oneup's (#9). gh and curl record what they are asked.
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      const gh = String.raw`#!/usr/bin/env bash
printf '%s
' "$*" >> "${dir}/gh-calls"
if [[ $1 == issue && $2 == list ]]; then
  case "$*" in *'medplum does'*) echo 5;; *'bwell does'*) echo 7;; *'oneup does'*) echo 9;; esac
fi
if [[ $2 == create || $2 == comment ]]; then cat issue-body.md >> "${dir}/bodies"; fi`;
      writeFileSync(join(bin, 'gh'), gh);
      writeFileSync(
        join(bin, 'curl'),
        `#!/usr/bin/env bash
printf '%s\n' "$@" > "${join(dir, 'curl-args')}"
cp webhook.json "${join(dir, 'posted.json')}"
`,
      );
      for (const tool of ['gh', 'curl']) chmodSync(join(bin, tool), 0o755);
      const result = runScript(steps[notify]!.run!, dir, { RUN_URL: 'https://github.example/run/1', WEBHOOK_URL: 'https://hooks.example/x' });
      expect(result.status, result.stderr + result.stdout).toBe(0);
      const calls = readFileSync(join(dir, 'gh-calls'), 'utf8')
        .trim()
        .split('\n')
        .filter((c) => !c.startsWith('issue list'));
      expect(calls).toEqual([
        'issue create --title oauth-conformance: acme does not conform --body-file issue-body.md',
        'issue comment 5 --body-file issue-body.md',
        'issue close 7 --comment Green again: https://github.example/run/1',
      ]);
      expect(readFileSync(join(dir, 'bodies'), 'utf8')).toBe(
        'acme body\n\n[The run](https://github.example/run/1)\nmedplum body\n\n[The run](https://github.example/run/1)\n',
      );
      expect(JSON.parse(readFileSync(join(dir, 'posted.json'), 'utf8'))).toEqual({ text: 'oauth-conformance: new failures\nhttps://github.example/run/1' });
      expect(readFileSync(join(dir, 'curl-args'), 'utf8')).toContain('https://hooks.example/x');
    });

    it('writes the one merged summary to the step summary, or says there is none', () => {
      const dir = join(work, 'summary');
      layout(dir);
      mkdirSync(join(dir, 'reports'), { recursive: true });
      writeFileSync(join(dir, 'reports', 'summary.md'), '✅ **bwell** (bwell emulator): 40 passed\n');
      const result = runScript(steps[summary]!.run!, dir);
      expect(result.status, result.stderr).toBe(0);
      expect(readFileSync(join(dir, 'step-summary.md'), 'utf8')).toBe('✅ **bwell** (bwell emulator): 40 passed\n');
      const none = join(work, 'no-summary');
      mkdirSync(none, { recursive: true });
      expect(runScript(steps[summary]!.run!, none).status).toBe(0);
      expect(readFileSync(join(none, 'step-summary.md'), 'utf8')).toMatch(/^No merged summary/);
    });
  });
});
