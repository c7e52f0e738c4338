#!/usr/bin/env node
// Writes src/suite/suite.types.ts from schemas/suite.schema.json, so the engine's types never drift from the schema.
// `--check` exits 1 when the committed file is stale (the test suite runs it).
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const schemaPath = new URL('../schemas/suite.schema.json', import.meta.url);
const outPath = new URL('../src/suite/suite.types.ts', import.meta.url);

export async function generate() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
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
