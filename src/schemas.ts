import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The JSON Schemas in schemas/, compiled once per process. */
const schemaDir = new URL('../schemas/', import.meta.url);

export type SchemaName = 'suite' | 'discovery' | 'openid-configuration' | 'smart-configuration' | 'jwks' | 'token-response' | 'results';

let ajv: Ajv2020 | undefined;

export function validatorFor(name: SchemaName): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats.default(ajv);
    // All at once: schemas refer to each other by $id.
    for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(new URL(file, schemaDir), 'utf8')) as object, file.replace('.schema.json', ''));
    }
  }
  return ajv.getSchema(name) ?? missing(name);
}

function missing(name: string): never {
  throw new Error(`no schema named ${name} in schemas/`);
}

/** "/grants/user/scope must be string" style lines, for check messages. */
export function schemaErrors(name: SchemaName, value: unknown): string[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeSchemaError);
}

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath || '(document)';
  if (error.keyword === 'additionalProperties') {
    return `${where} has unknown member "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (error.keyword === 'required') {
    return `${where} lacks required member "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}
