import { describe, expect, test } from 'vitest';
import { HostGate } from '../src/http/host-gate.js';

/** A request that holds its slot until released, recording when it was admitted. */
function held(gate: HostGate, origin: string, length: number, admitted: string[], name: string) {
  let release: (() => void) | undefined;
  const done = gate.run(origin, length, () => {
    admitted.push(name);
    return new Promise<void>((r) => (release = r));
  });
  return { done, release: () => release?.() };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('HostGate', () => {
  test('never has more than the bound in flight per origin, and origins do not share it', async () => {
    const gate = new HostGate(2);
    const admitted: string[] = [];
    const a = ['a1', 'a2', 'a3'].map((n) => held(gate, 'https://a.example', 0, admitted, n));
    const b = held(gate, 'https://b.example', 0, admitted, 'b1');
    await turn();
    expect(admitted).toEqual(['a1', 'a2', 'b1']);
    a[0]!.release();
    await a[0]!.done;
    await turn();
    expect(admitted).toEqual(['a1', 'a2', 'b1', 'a3']);
    [a[1]!, a[2]!, b].forEach((h) => h.release());
  });

  test('requests that arrive together go longest chain first, equal lengths in arrival order', async () => {
    const gate = new HostGate(2);
    const admitted: string[] = [];
    const all = [
      held(gate, 'https://a.example', 2, admitted, 'probe'),
      held(gate, 'https://a.example', 3, admitted, 'login 1'),
      held(gate, 'https://a.example', 2, admitted, 'other probe'),
      held(gate, 'https://a.example', 3, admitted, 'login 2'),
    ];
    await turn();
    expect(admitted).toEqual(['login 1', 'login 2']);
    all[1]!.release();
    await all[1]!.done;
    await turn();
    expect(admitted).toEqual(['login 1', 'login 2', 'probe']);
    all.forEach((h) => h.release());
  });

  test('a failing request frees its slot', async () => {
    const gate = new HostGate(1);
    await expect(gate.run('https://a.example', 0, () => Promise.reject(new Error('reset')))).rejects.toThrow('reset');
    await expect(gate.run('https://a.example', 0, () => Promise.resolve('next'))).resolves.toBe('next');
  });
});
