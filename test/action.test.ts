import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { validateAction } from '@action-validator/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { root } from './cli-process.js';

/**
 * action.yml, the composite action that runs the tool in a user's repository: valid as an action, and its scripts,
 * run for real with a stand-in for npx, pass the inputs as arguments (never as code) and publish the summary.
 */
interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
  uses?: string;
}
const text = readFileSync(join(root, 'action.yml'), 'utf8');
const action = parse(text) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } };
const step = (name: string) => action.runs.steps.find((s) => s.name === name)!;
const work = mkdtempSync(join(tmpdir(), 'action-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a step's script as the runner would, its `${{ inputs.x }}` env given as `inputs`, npx recording its arguments. */
function runStep(name: string, inputs: Record<string, string>, dir: string) {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'npx'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${join(dir, 'npx-args')}"\n`);
  chmodSync(join(dir, 'bin', 'npx'), 0o755);
  const env = Object.fromEntries(
    Object.entries(step(name).env ?? {}).map(([key, value]) => [
      key,
      value.replace(/^\$\{\{ inputs\.([\w-]+) \}\}$/, (_, input: string) => inputs[input] ?? action.inputs[input]?.default ?? ''),
    ]),
  );
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step(name).run!], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...env,
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
    },
  });
}

describe('action.yml', () => {
  it('is a valid composite action, and a broken one is not', () => {
    expect(validateAction(text).errors).toEqual([]);
    expect(action.runs.using).toBe('composite');
    expect(validateAction(text.replace('using: composite', 'using: compost')).errors).not.toEqual([]);
  });

  it('runs the suites with its inputs as arguments, a suite name never as code, and says where the summary is', () => {
    const dir = join(work, 'run');
    const suites = 'local suites/acme.yaml $(touch pwned)';
    const result = runStep('Run the suites', { suites, 'fail-on': 'new', args: '--shard 1/2 --no-html', baseline: 'baselines/acme.json' }, dir);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'npx-args'), 'utf8').trim().split('\n')).toEqual([
      'conformance',
      'run',
      'local',
      'suites/acme.yaml',
      '$(touch',
      'pwned)',
      '--out',
      'reports',
      '--json',
      'reports/results.json',
      '--fail-on',
      'new',
      '--baseline',
      'baselines/acme.json',
      '--shard',
      '1/2',
      '--no-html',
    ]);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('summary=reports/summary.md\n');
  });

  it('puts the summary on the job page, or says there is none', () => {
    const dir = join(work, 'summary');
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'out', 'summary.md'), '✅ **acme**: 40 passed\n');
    expect(runStep('Write the job summary', { out: 'out' }, dir).status).toBe(0);
    expect(readFileSync(join(dir, 'step-summary.md'), 'utf8')).toBe('✅ **acme**: 40 passed\n');
    const none = join(work, 'none');
    expect(runStep('Write the job summary', {}, none).status).toBe(0);
    expect(readFileSync(join(none, 'step-summary.md'), 'utf8')).toMatch(/^oauth-conformance wrote no summary/);
  });

  it('installs the tool from its own checkout, and uploads the outputs whatever happened', () => {
    expect(step('Install oauth-conformance').run).toBe('npm install --no-save --no-audit --no-fund --install-links "$ACTION_PATH"');
    expect(step('Install oauth-conformance').env).toEqual({ ACTION_PATH: '${{ github.action_path }}' });
    expect(step('Upload the reports')).toMatchObject({ uses: 'actions/upload-artifact@v4', if: 'always()', with: { path: '${{ inputs.out }}' } });
  });
});
