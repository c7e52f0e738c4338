import type { KoaContext, Middleware } from 'oidc-provider';
import type { Endpoint, Fault } from './faults.js';
import { corruptSignature, isJwt, resignJwt } from './jwt-rewrite.js';
import { applyEdit } from './member-edits.js';
import type { SigningKeys } from './signing-keys.js';
import { SMART_CONFIGURATION_PATH } from './smart-configuration.js';

export interface FaultContext {
  keys: SigningKeys;
  /** Origin of the HTTPS listener, when a fault points to it. */
  tlsOrigin?: string;
}

/** Koa middleware that rewrites the provider's responses; it must wrap every other middleware. */
export function providerFaults(faults: readonly Fault[], context: FaultContext): Middleware {
  return async (ctx, next) => {
    await next();
    for (const fault of faults) await applyProviderFault(fault, ctx, context);
  };
}

function endpointOf(ctx: KoaContext): string | undefined {
  return ctx.path === SMART_CONFIGURATION_PATH ? 'smart-configuration' : ctx.oidc?.route;
}

function targets(ctx: KoaContext, { endpoint, grantType }: { endpoint: Endpoint; grantType?: string }): boolean {
  return ctx.status >= 200 && ctx.status < 300 && endpointOf(ctx) === endpoint && (!grantType || ctx.oidc?.params?.grant_type === grantType);
}

async function applyProviderFault(fault: Fault, ctx: KoaContext, context: FaultContext): Promise<void> {
  switch (fault.kind) {
    case 'skew-date':
      ctx.set('Date', new Date(Date.now() + fault.seconds * 1000).toUTCString());
      return;
    case 'publish-private-keys':
      if (targets(ctx, { endpoint: 'jwks' })) ctx.body = { keys: context.keys.privateJwks };
      return;
    case 'share-kid':
      if (targets(ctx, { endpoint: 'jwks' })) ctx.body = shareKid(ctx.body as { keys: Record<string, unknown>[] }, fault);
      return;
    case 'resource':
      return; // the protected resource's, see resourceDeviations
    default:
      if (targets(ctx, fault)) await applyEndpointFault(fault, ctx, context);
  }
}

type EndpointFault = Extract<Fault, { endpoint: Endpoint }>;

// Bodies are replaced, never mutated: the provider hands out its own configuration arrays.
async function applyEndpointFault(fault: EndpointFault, ctx: KoaContext, { keys, tlsOrigin }: FaultContext): Promise<void> {
  const body = ctx.body as Record<string, unknown>;
  switch (fault.kind) {
    case 'replace-response':
      ctx.body = fault.body;
      ctx.status = fault.status;
      return;
    case 'set-status':
      ctx.status = fault.status;
      return;
    case 'set-header':
      ctx.set(fault.header, fault.value);
      return;
    case 'remove-header':
      ctx.remove(fault.header);
      return;
    case 'edit-body':
      ctx.body = applyEdit(body, fault);
      return;
    case 'edit-jwt': {
      const jwt = body[fault.member];
      if (isJwt(jwt)) ctx.body = { ...body, [fault.member]: await resignJwt(jwt, keys, fault) };
      return;
    }
    case 'corrupt-jwt-signature': {
      const jwt = body[fault.member];
      if (isJwt(jwt)) ctx.body = { ...body, [fault.member]: corruptSignature(jwt) };
      return;
    }
    case 'tls-url':
      ctx.body = { ...body, [fault.member]: `${tlsOrigin}${fault.path}` };
      return;
  }
}

function shareKid({ keys }: { keys: Record<string, unknown>[] }, { alg, kidOf }: { alg: string; kidOf: string }) {
  const kid = keys.find((key) => key.alg === kidOf)?.kid;
  return { keys: keys.map((key) => (key.alg === alg ? { ...key, kid } : key)) };
}
