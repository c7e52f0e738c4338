import type { SpecRef } from './types.js';

/** Citations with stable links, so a failing check sends the reader to the exact section. */
export function rfc(number: number, section: string): SpecRef {
  return { ref: `RFC ${number} §${section}`, url: `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}` };
}

/** OpenID specifications link a section by its anchor name, not its number. */
export function oidcDiscovery(section: string, anchor: string): SpecRef {
  return { ref: `OIDC Discovery §${section}`, url: `https://openid.net/specs/openid-connect-discovery-1_0.html#${anchor}` };
}

export function oidcCore(section: string, anchor: string): SpecRef {
  return { ref: `OIDC Core §${section}`, url: `https://openid.net/specs/openid-connect-core-1_0.html#${anchor}` };
}

/** SMART App Launch 2.x (HL7 FHIR IG): a page, the section, and its anchor. */
const SMART_PAGES = {
  'backend-services': 'Backend Services',
  'client-confidential-asymmetric': 'Asymmetric Client Authentication',
  'scopes-and-launch-context': 'Scopes and Launch Context',
} as const;

export function smartAppLaunch(page: keyof typeof SMART_PAGES, section: string, anchor: string): SpecRef {
  return { ref: `SMART App Launch ${SMART_PAGES[page]}: ${section}`, url: `https://hl7.org/fhir/smart-app-launch/${page}.html#${anchor}` };
}
