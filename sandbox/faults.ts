import type { KoaContext, Middleware } from 'oidc-provider';
import type { SigningKeys } from './signing-keys.js';

/** Authorization server endpoints a fault can target, by oidc-provider route name. */
export type Endpoint = 'discovery' | 'jwks' | 'token';

/** One deliberate deviation from the specifications. Endpoint faults touch successful responses only. */
export type Fault =
  | { kind: 'replace-response'; endpoint: Endpoint; status: number; body: Record<string, unknown> }
  | { kind: 'set-header'; endpoint: Endpoint; header: string; value: string }
  | { kind: 'remove-header'; endpoint: Endpoint; header: string }
  | { kind: 'remove-member'; endpoint: Endpoint; member: string }
  | { kind: 'set-member'; endpoint: Endpoint; member: string; value: unknown }
  | { kind: 'stringify-member'; endpoint: Endpoint; member: string }
  | { kind: 'suffix-member'; endpoint: Endpoint; member: string; suffix: string }
  | { kind: 'append-to-member'; endpoint: Endpoint; member: string; item: unknown }
  | { kind: 'publish-private-keys' }
  | { kind: 'refuse-bearer-tokens' }
  | { kind: 'omit-bearer-challenge' };

/** How the protected resource deviates from RFC 6750. */
export interface ResourceFaults {
  refuseTokens: boolean;
  omitChallenge: boolean;
}

export function resourceFaults(faults: readonly Fault[]): ResourceFaults {
  return {
    refuseTokens: faults.some((fault) => fault.kind === 'refuse-bearer-tokens'),
    omitChallenge: faults.some((fault) => fault.kind === 'omit-bearer-challenge'),
  };
}

/** Koa middleware that rewrites the provider's responses; it must wrap every other middleware. */
export function providerFaults(faults: readonly Fault[], keys: SigningKeys): Middleware {
  return async (ctx, next) => {
    await next();
    for (const fault of faults) applyProviderFault(fault, ctx, keys);
  };
}

function succeeded(ctx: KoaContext, endpoint: Endpoint): boolean {
  return ctx.status === 200 && ctx.oidc?.route === endpoint;
}

function applyProviderFault(fault: Fault, ctx: KoaContext, keys: SigningKeys): void {
  switch (fault.kind) {
    case 'publish-private-keys':
      if (succeeded(ctx, 'jwks')) ctx.body = { keys: keys.privateJwks };
      return;
    case 'refuse-bearer-tokens':
    case 'omit-bearer-challenge':
      return; // the protected resource's, see resourceFaults
    default:
      if (succeeded(ctx, fault.endpoint)) applyEndpointFault(fault, ctx);
  }
}

type EndpointFault = Extract<Fault, { endpoint: Endpoint }>;

// Bodies are replaced, never mutated: the provider hands out its own configuration arrays.
function applyEndpointFault(fault: EndpointFault, ctx: KoaContext): void {
  const body = ctx.body as Record<string, unknown>;
  switch (fault.kind) {
    case 'replace-response':
      ctx.body = fault.body;
      ctx.status = fault.status;
      return;
    case 'set-header':
      ctx.set(fault.header, fault.value);
      return;
    case 'remove-header':
      ctx.remove(fault.header);
      return;
    case 'remove-member': {
      const rest = { ...body };
      delete rest[fault.member];
      ctx.body = rest;
      return;
    }
    case 'set-member':
      ctx.body = { ...body, [fault.member]: fault.value };
      return;
    case 'stringify-member':
      ctx.body = { ...body, [fault.member]: String(body[fault.member]) };
      return;
    case 'suffix-member':
      ctx.body = { ...body, [fault.member]: `${String(body[fault.member])}${fault.suffix}` };
      return;
    case 'append-to-member':
      ctx.body = { ...body, [fault.member]: [...(body[fault.member] as unknown[]), fault.item] };
      return;
  }
}
