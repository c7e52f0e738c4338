import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateAction } from '@action-validator/core';
import { afterAll, describe, expect, it } from 'vitest';
import { action, actionStep as step, actionText as text, npxArgs, runActionStep as runStep } from './composite-action.js';

/**
 * action.yml, the composite action that runs the tool in a user's repository: valid as an action, and its scripts,
 * run for real with a stand-in for npx, pass the inputs as arguments (never as code) and publish the summary.
 */
const work = mkdtempSync(join(tmpdir(), 'action-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('action.yml', () => {
  it('is a valid composite action, and a broken one is not', () => {
    expect(validateAction(text).errors).toEqual([]);
    expect(action.runs.using).toBe('composite');
    expect(validateAction(text.replace('using: composite', 'using: compost')).errors).not.toEqual([]);
  });

  it('runs the suites with its inputs as arguments, a suite name never as code, and says where the summary is', () => {
    const dir = join(work, 'run');
    const suites = 'local suites/acme.yaml $(touch pwned)';
    expect(npxArgs({ suites, 'fail-on': 'new', args: '--shard 1/2 --no-html', baseline: 'baselines/acme.json' }, dir)).toEqual([
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

  it('puts the summary on the job page, or says there is none, unless told a later job writes it', () => {
    const dir = join(work, 'summary');
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'out', 'summary.md'), '✅ **acme**: 40 passed\n');
    expect(runStep('Write the job summary', { out: 'out' }, dir).status).toBe(0);
    expect(readFileSync(join(dir, 'step-summary.md'), 'utf8')).toBe('✅ **acme**: 40 passed\n');
    const none = join(work, 'none');
    expect(runStep('Write the job summary', {}, none).status).toBe(0);
    expect(readFileSync(join(none, 'step-summary.md'), 'utf8')).toMatch(/^oauth-conformance wrote no summary/);
    const shard = join(work, 'shard');
    expect(runStep('Write the job summary', { out: 'out', 'job-summary': 'false' }, shard).status).toBe(0);
    expect(existsSync(join(shard, 'step-summary.md'))).toBe(false);
  });

  it("installs the tool from the action's checkout into the user's project, or its locked dependencies in its own repository", () => {
    const install = (dir: string, packageName?: string) => {
      mkdirSync(join(dir, 'bin'), { recursive: true });
      // The stand-in npm records its arguments and the environment it was given.
      writeFileSync(join(dir, 'bin', 'npm'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${join(dir, 'npm-args')}"\nenv > "${join(dir, 'npm-env')}"\n`, {
        mode: 0o755,
      });
      if (packageName) writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: packageName }));
      const result = runStep('Install oauth-conformance', {}, dir, {
        ACTION_PATH: '/actions/oauth-conformance',
        ACME_CLIENT_SECRET: 'canary-install-secret',
        HTTPS_PROXY: 'http://proxy.example:3128',
      });
      expect(result.status, result.stderr).toBe(0);
      // Install scripts run without the step's credentials, with the proxy npm needs.
      const env = readFileSync(join(dir, 'npm-env'), 'utf8');
      expect(env).not.toContain('canary-install-secret');
      expect(env).toMatch(/^HTTPS_PROXY=http:\/\/proxy\.example:3128$/m);
      return readFileSync(join(dir, 'npm-args'), 'utf8').trim().split('\n');
    };
    const user = ['install', '--no-save', '--no-audit', '--no-fund', '--install-links', '/actions/oauth-conformance'];
    expect(install(join(work, 'install-empty'))).toEqual(user);
    expect(install(join(work, 'install-user'), 'acme-monitoring')).toEqual(user);
    expect(install(join(work, 'install-own'), 'oauth-conformance')).toEqual(['ci', '--no-audit', '--no-fund']);
    expect(step('Install oauth-conformance').env).toEqual({ ACTION_PATH: '${{ github.action_path }}' });
  });

  it('uploads the outputs under the name it is given, whatever happened', () => {
    expect(step('Upload the reports')).toMatchObject({
      uses: 'actions/upload-artifact@v4',
      if: 'always()',
      with: { name: '${{ inputs.artifact }}', path: '${{ inputs.out }}', overwrite: true },
    });
  });
});
