import type Provider from 'oidc-provider';
import type { Middleware } from 'oidc-provider';

/** Where the provider sends the user agent for login and consent (`interactions.url`). */
export const INTERACTION_PATH = '/interaction/';

export interface Approval {
  accountId: string;
  /** The resource indicator requested scopes are granted for. */
  resource: string;
}

/**
 * Completes every interaction without a page: logs the fixed account in and grants everything the
 * authorization request asked for, then redirects (303) back to the provider to resume it.
 */
export function autoApproval(provider: Provider, { accountId, resource }: Approval): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(INTERACTION_PATH)) return next();
    const { params } = await provider.interactionDetails(ctx.req, ctx.res);
    const grant = new provider.Grant({ accountId, clientId: String(params.client_id) });
    // The provider narrows each grant to what the request and the resource server allow.
    const scope = params.scope ?? '';
    grant.addOIDCScope(scope);
    grant.addResourceScope(resource, scope);
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId },
      consent: { grantId: await grant.save() },
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  };
}
