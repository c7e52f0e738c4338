import { describe, expect, it } from 'vitest';
import { root } from './helpers.js';
import { importCycles, importGraph } from './import-graph.js';

describe('import graph', () => {
  it('has no cycle among src/ and sandbox/, type-only imports included', () => {
    expect(importCycles(importGraph(root, ['src', 'sandbox']))).toEqual([]);
  });

  it('finds a cycle, a self-import, and nothing in a chain', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', ['e.ts']],
      ['e.ts', []],
      ['f.ts', ['f.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['f.ts']]);
  });

  it('reads static imports and re-exports, type-only ones too, but not dynamic imports', () => {
    const graph = importGraph(root, ['src']);
    expect(graph.get('src/flows/flow-keys.ts')).toEqual(expect.arrayContaining(['src/flows/memo.ts', 'src/flows/token.ts']));
    // main.ts loads each command's module on use.
    expect(graph.get('src/cli/main.ts')).not.toContain('src/cli/run.ts');
  });
});
