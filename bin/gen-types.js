#!/usr/bin/env node
// Writes TypeScript types from the JSON Schemas they describe, so the code's types never drift from the schemas:
// src/suite/suite.types.ts from schemas/suite.schema.json, src/report/results-file.types.ts from
// schemas/results.schema.json. `--check` exits 1 when a committed file is stale (the test suite runs it).
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const TARGETS = [
  { schema: 'suite', type: 'Suite', out: '../src/suite/suite.types.ts' },
  { schema: 'results', type: 'ResultsFile', out: '../src/report/results-file.types.ts' },
];

/** Whether a schema only says which members must be present (`required` lists, combined with anyOf/allOf/oneOf/not). */
function presenceOnly(schema) {
  if (typeof schema !== 'object' || schema === null) return false;
  return Object.entries(schema).every(([key, value]) =>
    key === 'required' || (['anyOf', 'allOf', 'oneOf'].includes(key) && value.every(presenceOnly)) || (key === 'not' && presenceOnly(value)),
  );
}

/**
 * The schema without its presence-only combinators: they validate which members come together, not their types, and
 * the compiler would turn each into an intersection with an open index signature (`{ [k: string]: unknown } & …`).
 */
function typesOnly(schema) {
  if (Array.isArray(schema)) return schema.map(typesOnly);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(['anyOf', 'allOf', 'oneOf', 'not'].includes(key) && schema.properties && presenceOnly({ [key]: value })))
      .map(([key, value]) => [key, typesOnly(value)]),
  );
}

/** The types file of one schema, as it should be committed. */
export async function generate({ schema: name, type } = TARGETS[0]) {
  const schema = typesOnly(JSON.parse(await readFile(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8')));
  return compile(schema, type, {
    bannerComment: `// Generated from schemas/${name}.schema.json by \`npm run gen:types\`; do not edit.`,
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 120, trailingComma: 'all' },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const target of TARGETS) {
    const text = await generate(target);
    const outPath = new URL(target.out, import.meta.url);
    if (process.argv.includes('--check')) {
      const current = await readFile(outPath, 'utf8').catch(() => '');
      if (current !== text) {
        console.error(`${target.out.slice(3)} is stale: run \`npm run gen:types\``);
        process.exit(1);
      }
    } else {
      await writeFile(outPath, text);
    }
  }
}
