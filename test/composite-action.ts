import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { root } from './cli-process.js';

/** action.yml, the composite action that runs the tool in a workflow, and its steps' scripts run as the runner runs them. */
export interface ActionStep {
  name?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  uses?: string;
  with?: Record<string, string>;
}
export const actionText = readFileSync(join(root, 'action.yml'), 'utf8');
export const action = parse(actionText) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: ActionStep[] } };
export const actionStep = (name: string) => action.runs.steps.find((s) => s.name === name)!;

/**
 * Runs a step's script as the runner would, in `dir`: its `${{ inputs.x }}` env given from `inputs` (else the input's
 * default), its other env as `github` gives it, npx a stand-in that records its arguments in dir/npx-args.
 */
export function runActionStep(name: string, inputs: Record<string, string>, dir: string, github: Record<string, string> = {}) {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'npx'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${join(dir, 'npx-args')}"\n`);
  chmodSync(join(dir, 'bin', 'npx'), 0o755);
  const env = Object.fromEntries(
    Object.entries(actionStep(name).env ?? {}).map(([key, value]) => [
      key,
      value.replace(/^\$\{\{ inputs\.([\w-]+) \}\}$/, (_, input: string) => inputs[input] ?? action.inputs[input]?.default ?? ''),
    ]),
  );
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', actionStep(name).run!], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...env,
      ...github,
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
    },
  });
}

/** The arguments the action's run step gives `npx`, for these inputs. */
export function npxArgs(inputs: Record<string, string>, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const result = runActionStep('Run the suites', inputs, dir);
  if (result.status !== 0) throw new Error(`the action's run step failed: ${result.stderr}`);
  return readFileSync(join(dir, 'npx-args'), 'utf8').trim().split('\n');
}
