import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isObject } from '../http/exchange.js';
import type { Status } from '../results.js';
import { ConfigError } from '../suite/errors.js';

/** What one run saw of a vendor: the part of its behaviour that a baseline pins down. */
export interface VendorSnapshot {
  vendor: string;
  /** Normalised documents by name: 'discovery', 'smart' (absent when the suite has none). */
  documents: Record<string, unknown>;
  /** kid values of the JWKS, sorted. */
  keyIds?: string[];
  /** expires_in observed per grant. */
  lifetimes: Record<string, number | undefined>;
  /** Error shapes observed per token-endpoint probe: status, error code, content type (no bodies). */
  errors: Record<string, { status: number; error?: string; contentType?: string }>;
  /** Status of each check by test name: what "results changed since the previous run" compares (not drift). */
  results?: Record<string, Status>;
}

export interface Snapshot {
  version: 1;
  takenAt: string;
  vendors: VendorSnapshot[];
}

/** The same document with object keys sorted and arrays of primitives sorted, so that neither order reads as a change. */
export function normalise(document: unknown): unknown {
  if (Array.isArray(document)) {
    const items = document.map(normalise);
    return items.every(isPrimitive) ? items.sort(byTypeThenValue) : items;
  }
  if (isObject(document)) {
    return Object.fromEntries(
      Object.keys(document)
        .sort()
        .map((key) => [key, normalise(document[key])]),
    );
  }
  return document;
}

export async function readSnapshot(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw unusable(path, code === 'ENOENT' ? 'snapshot file not found' : `cannot read snapshot file (${code ?? String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw unusable(path, 'snapshot file is not valid JSON');
  }
  if (!isSnapshot(data)) throw unusable(path, 'not a version 1 snapshot (version, takenAt and vendors with documents, lifetimes and errors)');
  return data;
}

export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

function unusable(file: string, message: string): ConfigError {
  return new ConfigError({ file, message, fix: 'create a baseline with `conformance baseline`' });
}

function isSnapshot(data: unknown): data is Snapshot {
  return isObject(data) && data.version === 1 && typeof data.takenAt === 'string' && Array.isArray(data.vendors) && data.vendors.every(isVendorSnapshot);
}

function isVendorSnapshot(data: unknown): boolean {
  return (
    isObject(data) &&
    typeof data.vendor === 'string' &&
    isObject(data.documents) &&
    isObject(data.lifetimes) &&
    isObject(data.errors) &&
    (data.keyIds === undefined || (Array.isArray(data.keyIds) && data.keyIds.every((kid) => typeof kid === 'string')))
  );
}

type Primitive = string | number | boolean | null;

function isPrimitive(value: unknown): value is Primitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A total order on JSON primitives that does not depend on the locale. */
function byTypeThenValue(a: Primitive, b: Primitive): number {
  const [ta, tb] = [a === null ? 'null' : typeof a, b === null ? 'null' : typeof b];
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [sa, sb] = [String(a), String(b)];
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
