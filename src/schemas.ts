import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The JSON Schemas in schemas/, compiled once per process by one ajv instance. */
const schemaDir = new URL('../schemas/', import.meta.url);

const ajv = new Ajv2020({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats.default(ajv);

export type SchemaName = 'suite' | 'discovery' | 'openid-configuration' | 'jwks' | 'token-response';

let loaded = false;

export function validatorFor(name: SchemaName): ValidateFunction {
  // All at once: schemas refer to each other by $id.
  if (!loaded) {
    for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(new URL(file, schemaDir), 'utf8')), file.replace('.schema.json', ''));
    }
    loaded = true;
  }
  const validate = ajv.getSchema(name);
  if (!validate) throw new Error(`no schema named ${name} in schemas/`);
  return validate;
}

/** "/grants/user/scope must be string" style lines, for check messages. */
export function schemaErrors(name: SchemaName, value: unknown): string[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeSchemaError);
}

export function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath || '(document)';
  if (error.keyword === 'additionalProperties') {
    return `${where} has unknown member "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (error.keyword === 'required') {
    return `${where} lacks required member "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}
