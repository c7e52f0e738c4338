import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { catalogue } from '../src/checks/catalogue.js';
import { schemaErrors } from '../src/schemas.js';
import type { Suite } from '../src/suite/suite.types.js';
import { root } from './cli-process.js';

/**
 * Every suite example in the README works as written: its YAML parses, it fits the suite schema, every grant names a
 * client, every resource a grant, every deviation a check, and every ${VARIABLE} is declared. A fragment (no
 * `vendor:`) shows a part of a suite: it is checked inside a minimal suite that supplies what it leaves out (the
 * vendor, a discovery issuer, the clients and variables it names), never the grants its own resources name.
 */
const README = readFileSync(join(root, 'README.md'), 'utf8');
// A block that is a list (workflow steps) shows no suite.
const blocks = [...README.matchAll(/^```yaml\n([^]*?)^```$/gm)]
  .map((m) => ({ line: README.slice(0, m.index).split('\n').length, text: m[1]! }))
  .filter(({ text }) => !Array.isArray(parseDocument(text).toJS()));

/** The ${VARIABLES} a suite uses (in its values: a comment may name one). */
const variablesIn = (data: unknown) => [...new Set([...JSON.stringify(data).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))];

/** The suite a block is: itself when whole, or the fragment inside a minimal suite. */
function suiteOf(data: Partial<Suite>): Suite {
  const used = variablesIn(data);
  if (data.vendor !== undefined) return data as Suite;
  const named = Object.values(data.grants ?? {}).map((g) => g.client);
  const clients = Object.fromEntries(named.filter((c) => !data.clients?.[c]).map((c) => [c, { id: `${c}-id`, secret: `${c}-secret` }]));
  return {
    vendor: 'readme-example',
    ...(!data.discovery && !data.endpoints?.issuer && { discovery: { issuer: 'https://id.example' } }),
    ...data,
    variables: { ...Object.fromEntries(used.map((v) => [v, {}])), ...data.variables },
    clients: { ...clients, ...data.clients },
  };
}

/** What is wrong with a suite's references: grants to clients, resources to grants, deviations to checks, variables. */
function referenceProblems(suite: Suite): string[] {
  const problems: string[] = [];
  for (const [name, grant] of Object.entries(suite.grants ?? {})) if (!suite.clients?.[grant.client]) problems.push(`grant ${name}: no client ${grant.client}`);
  for (const resource of suite.resources ?? []) {
    for (const grant of [resource.grant, resource.insufficient_grant])
      if (grant && !suite.grants?.[grant]) problems.push(`resource ${resource.name}: no grant ${grant}`);
  }
  const ids = catalogue.map((c) => c.id);
  for (const id of Object.keys(suite.deviations ?? {})) if (!ids.includes(id)) problems.push(`deviation ${id}: no such check`);
  for (const name of variablesIn(suite)) if (!suite.variables?.[name]) problems.push(`\${${name}} is not declared`);
  return problems;
}

describe('the README suite examples', () => {
  it('are there to check', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it.each(blocks.map((b) => [b.line, b] as const))('the example at README.md line %i parses, fits the schema and its references resolve', (_, { text }) => {
    const doc = parseDocument(text);
    expect(doc.errors.map((e) => e.message)).toEqual([]);
    const suite = suiteOf(doc.toJS() as Partial<Suite>);
    expect(schemaErrors('suite', suite)).toEqual([]);
    expect(referenceProblems(suite)).toEqual([]);
  });

  it('the checker finds what is wrong: a grant named but not declared, YAML that does not parse, an undeclared variable', () => {
    const whole = `vendor: x\ndiscovery: { issuer: https://id.example }\nclients: { c: { id: c } }\ngrants: { g: { type: client_credentials, client: c } }\n`;
    const broken = `${whole}resources:\n  - { name: api, url: 'https://api.example', grant: g, insufficient_grant: narrow }\n`;
    expect(referenceProblems(suiteOf(parseDocument(broken).toJS() as Partial<Suite>))).toEqual(['resource api: no grant narrow']);
    expect(parseDocument(`${whole}deviations:\n  discovery.json: answers text (docs: Errors)\n`).errors).not.toEqual([]);
    const undeclared = `${whole}title: \${NAME}\n`;
    expect(referenceProblems(suiteOf(parseDocument(undeclared).toJS() as Partial<Suite>))).toEqual(['${NAME} is not declared']);
  });
});
