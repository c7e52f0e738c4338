import { isObject, jsonOf } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { smartAppLaunch } from '../spec.js';
import { fail, pass, show } from '../types.js';
import { tokenIssued } from './evidence.js';

/**
 * A system scope in SMART's v1 syntax (system/Patient.read, system/*.*) or v2 syntax (system/Patient.rs,
 * system/Observation.rs?category=laboratory): resource type or *, then read/write/* or a cruds string.
 */
const SYSTEM_SCOPE = /^system\/(\*|[A-Z][A-Za-z]*)\.(read|write|\*|(?=[cruds])c?r?u?d?s?)(\?\S+)?$/;

export function systemScopes(scope: string): string[] {
  return scope.split(' ').filter((s) => SYSTEM_SCOPE.test(s));
}

/**
 * The members SMART Backend Services requires of the access token response, where RFC 6749 §5.1 leaves expires_in
 * and (when as requested) scope optional. Their types, and token_type being bearer, are token-response.schema's and
 * token-response.token-type's to judge.
 */
function missing(body: Record<string, unknown>): string[] {
  return [
    ...['access_token', 'token_type', 'expires_in'].filter((member) => body[member] === undefined || body[member] === ''),
    ...(typeof body.scope === 'string' && systemScopes(body.scope).length > 0 ? [] : ['scope with system/ scopes']),
  ];
}

export const smartBackend = defineCheck({
  id: 'token-response.smart-backend',
  area: 'token-response',
  title: 'a SMART backend token response holds access_token, token_type, expires_in and the system/ scopes granted',
  level: 'MUST',
  scope: 'grant',
  spec: [
    smartAppLaunch('backend-services', 'Response', 'issue-access-token'),
    smartAppLaunch('scopes-and-launch-context', 'Scopes for requesting FHIR resources', 'scopes-for-requesting-fhir-resources'),
  ],
  requires: { grantTypes: ['client_credentials'], grantUses: 'smart-backend' },
  gather: tokenIssued,
  judge: ({ exchange }) => {
    const body = jsonOf(exchange);
    const value = body.ok && isObject(body.value) ? body.value : {};
    const absent = missing(value);
    const actual = `token_type ${show(value.token_type)}, expires_in ${show(value.expires_in)}, scope ${show(value.scope)}`;
    if (absent.length === 0) return pass(actual);
    return fail({
      rule: 'the access token response SHALL hold access_token, token_type (bearer), expires_in and scope: the system/ scopes granted (v1 system/Patient.read or v2 system/Patient.rs syntax)',
      expected: absent.join(', '),
      actual,
    });
  },
});
