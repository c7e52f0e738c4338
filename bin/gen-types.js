#!/usr/bin/env node
// Writes src/suite/suite.types.ts from schemas/suite.schema.json, so the engine's types never drift from the schema.
// `--check` exits 1 when the committed file is stale (the test suite runs it).
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const schemaPath = new URL('../schemas/suite.schema.json', import.meta.url);
const outPath = new URL('../src/suite/suite.types.ts', import.meta.url);

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

export async function generate() {
  const schema = typesOnly(JSON.parse(await readFile(schemaPath, 'utf8')));
  return compile(schema, 'Suite', {
    bannerComment: '// Generated from schemas/suite.schema.json by `npm run gen:types`; do not edit.',
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await generate();
  if (process.argv.includes('--check')) {
    const current = await readFile(outPath, 'utf8').catch(() => '');
    if (current !== text) {
      console.error('src/suite/suite.types.ts is stale: run `npm run gen:types`');
      process.exit(1);
    }
  } else {
    await writeFile(outPath, text);
  }
}
