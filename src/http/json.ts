/**
 * JSON.parse for text a server sent. Parsing itself copes with any depth, but everything that walks the value
 * afterwards (redaction, schema validation, JSON.stringify) recurses, so a 100k-deep body would overflow the stack
 * far from here. Bodies nested deeper than any real metadata, JWKS or token response are refused up front.
 */
export const MAX_JSON_DEPTH = 256;

/** Thrown for JSON nested deeper than MAX_JSON_DEPTH; a SyntaxError, so callers that only want "not JSON" need not care. */
export class NestedTooDeeply extends SyntaxError {
  constructor() {
    super(`nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
    this.name = 'NestedTooDeeply';
  }
}

export function parseJsonBody(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new NestedTooDeeply();
  return JSON.parse(text) as unknown;
}

/** The non-empty string at a dotted member path (`data.code`) of a JSON body, if there is one. */
export function stringAt(body: string, path: string): string | undefined {
  try {
    let value = parseJsonBody(body);
    for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}

/** "not JSON" or "not JSON (nested too deeply)": what went wrong with a body, for messages. */
export function notJson(error: unknown): string {
  return error instanceof NestedTooDeeply ? 'not JSON (nested too deeply)' : 'not JSON';
}

/** Whether brackets outside strings nest deeper than `limit`: a linear scan, cheap beside the parse. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
