import { describe, expect, it } from 'vitest';
import { INIT_INJECTIONS } from '../sandbox/hostile-profiles.js';
import { applyEdits } from '../sandbox/member-edits.js';
import { checkStarter } from '../src/cli/starter-check.js';
import { starterSuite, type Starter } from '../src/cli/starter-suite.js';
import { ConfigError } from '../src/suite/errors.js';
import { interpolate } from '../src/suite/interpolate.js';
import { parseSuite } from '../src/suite/read.js';

/** Where the suite schema is from suites/, as the starter suite's first line names it for editors. */
const SCHEMA = '../schemas/suite.schema.json';

const URL_GIVEN = new URL('https://id.example.com/.well-known/openid-configuration');

const DOCUMENT = {
  issuer: 'https://id.example.com',
  authorization_endpoint: 'https://id.example.com/authorize',
  token_endpoint: 'https://id.example.com/token',
  userinfo_endpoint: 'https://id.example.com/userinfo',
  end_session_endpoint: 'https://id.example.com/logout',
  revocation_endpoint: 'https://id.example.com/revoke',
  grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
  scopes_supported: ['openid', 'email'],
  code_challenge_methods_supported: ['S256'],
};

const VARIABLES = ['ACME_ISSUER', 'ACME_CLIENT_ID', 'ACME_CLIENT_SECRET', 'ACME_SCOPE', 'ACME_AUTH_CLIENT_ID', 'ACME_AUTH_CLIENT_SECRET', 'ACME_REDIRECT_URI'];

/** The suite as a run reads it, with HOME set as on any machine. */
function asRun(starter: Starter) {
  const source = parseSuite('acme.yaml', starter.text);
  return { source, interpolated: interpolate(source, { HOME: '/home/someone', ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 'secret' }) };
}

describe('starterSuite', () => {
  it('writes a document built to inject YAML and ${VARIABLE} references as a suite of what init declares only', () => {
    const hostile = applyEdits(DOCUMENT, INIT_INJECTIONS);
    const starter = starterSuite('acme', URL_GIVEN, hostile, SCHEMA);
    const { source, interpolated } = asRun(starter);
    expect(source.data).toEqual(starter.data);
    expect(Object.keys(source.data.variables!)).toEqual(VARIABLES);
    expect(source.data.resources).toBeUndefined();
    expect(interpolated.problems).toEqual([]);
    expect(JSON.stringify(interpolated.data)).not.toContain('/home/someone');
    expect(starter.text.match(/\$\{[^}\n]*\}?/g)?.filter((reference) => !/^\$\{ACME_[A-Z_]+\}$/.test(reference))).toEqual([]);
    for (const injected of ['HOME', 'injected', 'javascript:', '127.0.0.1:1']) expect(starter.text).not.toContain(injected);
    expect(starter.declared.notes).toEqual([
      'issuer (not an http(s) URL)',
      'userinfo_endpoint (not an http(s) URL)',
      'end_session_endpoint (not an http(s) URL)',
      'revocation_endpoint (not an http(s) URL)',
      '1 value of grant_types_supported (not a word)',
      '1 value of code_challenge_methods_supported (not a word)',
    ]);
    expect(() => checkStarter('acme.yaml', URL_GIVEN, starter)).not.toThrow();
  });

  it('keeps an http(s) URL that YAML would misread, exactly, and leaves out the ones that are not http(s) or not URLs', () => {
    // URI characters YAML gives a meaning to: a quote, a comment, a mapping, a flow sequence, an anchor, an alias, a tag.
    const issuer = "https://id.example.com/t'n#a:[c],&x*y!!str";
    const starter = starterSuite(
      'acme',
      URL_GIVEN,
      {
        ...DOCUMENT,
        issuer,
        authorization_endpoint: 'file:///etc/passwd',
        token_endpoint: 'https://id.example.com/token\n  - injected',
        userinfo_endpoint: 'https://id.example.com/${HOME}',
        revocation_endpoint: 'https://id.example.com/revoke\u2028x: y',
        end_session_endpoint: { url: 'https://id.example.com/logout' },
        'token_endpoint\n#': 'https://id.example.com/other',
        token_endpoint_auth_methods_supported: ['client_secret_post', '{ a: 1 }', 42],
      },
      SCHEMA,
    );
    const { source } = asRun(starter);
    expect(source.data.variables!.ACME_ISSUER!.default).toBe(issuer);
    expect(source.data.clients!.backend!.auth).toBe('client_secret_post');
    expect(starter.declared.endpoints).toEqual([]);
    expect(starter.declared.notes).toEqual([
      'authorization_endpoint (not an http(s) URL)',
      'token_endpoint (not an http(s) URL)',
      'userinfo_endpoint (not an http(s) URL)',
      'end_session_endpoint (not an http(s) URL)',
      'revocation_endpoint (not an http(s) URL)',
      '2 values of token_endpoint_auth_methods_supported (not a word)',
    ]);
    expect(starter.text).not.toMatch(/passwd|injected|HOME|other|x: y|a: 1/);
    expect(() => checkStarter('acme.yaml', URL_GIVEN, starter)).not.toThrow();
  });

  it('writes a well-behaved document as before: endpoints and lists in the header, an issuer default, no metadata url', () => {
    const starter = starterSuite('acme', URL_GIVEN, DOCUMENT, SCHEMA);
    expect(starter.text).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/schemas\/suite\.schema\.json\n# Starter suite written by `conformance init` from https:\/\/id\.example\.com\/\.well-known\/openid-configuration\.\n# Declared there:\n# {3}authorization_endpoint: https:\/\/id\.example\.com\/authorize\n/,
    );
    expect(starter.text).toContain('#   grant_types_supported: authorization_code, refresh_token, client_credentials\n');
    expect(starter.declared.notes).toEqual([]);
    expect(starter.data.discovery).toEqual({ issuer: '${ACME_ISSUER}' });
    expect(asRun(starter).source.data.variables!.ACME_ISSUER!.default).toBe('https://id.example.com');
  });
});

describe('checkStarter', () => {
  it("refuses a suite that holds more than init built: a variable, a reference and a URL of the server's", () => {
    const starter = starterSuite('acme', URL_GIVEN, DOCUMENT, SCHEMA);
    const text = starter.text
      .replace('variables:\n', 'variables:\n  HOME: {}\n')
      .replace('discovery:\n', "resources:\n  - { name: injected, url: 'https://elsewhere.example/?home=${HOME}', grant: system }\ndiscovery:\n");
    let error: unknown;
    try {
      checkStarter('suites/acme.yaml', URL_GIVEN, { ...starter, text });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map(({ path, message }) => `${path ?? ''}: ${message}`)).toEqual([
      ': the suite does not read back as init built it',
      'variables.HOME: a variable init does not declare',
      'resources[0].url: a ${…} reference init did not write',
      'resources[0].url: a URL the discovery document does not declare',
    ]);
    for (const problem of problems) {
      expect(problem.file).toBe('suites/acme.yaml');
      expect(problem.fix).toMatch(/^the discovery document holds values that change the suite written from it: write the suite by hand/);
    }
  });
});
