import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, NestedTooDeeply, notJson, parseJsonBody } from '../src/http/json.js';

describe('parseJsonBody', () => {
  it('parses JSON up to the depth limit', () => {
    const atLimit = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(Array.isArray(parseJsonBody(atLimit))).toBe(true);
    expect(parseJsonBody('{"keys":[{"kty":"RSA"}]}')).toEqual({ keys: [{ kty: 'RSA' }] });
  });

  it('refuses 100,000-deep JSON as nested too deeply, without a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseJsonBody(deep)).toThrow(NestedTooDeeply);
    expect(() => parseJsonBody(`{"a":${'{"a":'.repeat(300)}1${'}'.repeat(301)}`)).toThrow(/nested too deeply/);
    let error: unknown;
    try {
      parseJsonBody(deep);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyntaxError);
    expect(notJson(error)).toBe('not JSON (nested too deeply)');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ description: `"${'['.repeat(1000)}\\"{{{`, list: [1] });
    expect(parseJsonBody(text)).toMatchObject({ list: [1] });
  });

  it('still throws a plain SyntaxError for what is not JSON', () => {
    expect(() => parseJsonBody('{"access_token": "abc')).toThrow(SyntaxError);
    expect(() => parseJsonBody('{"access_token": "abc')).not.toThrow(NestedTooDeeply);
    expect(notJson(new SyntaxError('x'))).toBe('not JSON');
  });
});
