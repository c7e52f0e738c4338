import type Provider from 'oidc-provider';
import type { Middleware } from 'oidc-provider';

/** Where the provider sends the user agent for login and consent (`interactions.url`). */
export const INTERACTION_PATH = '/interaction/';

export interface Approval {
  accountId: string;
  /** The resource indicator requested scopes are granted for. */
  resource: string;
}

/** Grants everything the authorization request asked for: what a consent screen's "Allow" does. */
export async function grantRequested(provider: Provider, params: Record<string, unknown>, { accountId, resource }: Approval): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId: String(params.client_id) });
  // The provider narrows each grant to what the request and the resource server allow.
  const scope = typeof params.scope === 'string' ? params.scope : '';
  grant.addOIDCScope(scope);
  grant.addResourceScope(resource, scope);
  return grant.save();
}

/**
 * Completes every interaction without a page: logs the fixed account in and grants everything the
 * authorization request asked for, then redirects (303) back to the provider to resume it.
 */
export function autoApproval(provider: Provider, approval: Approval): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(INTERACTION_PATH)) return next();
    const { params } = await provider.interactionDetails(ctx.req, ctx.res);
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: approval.accountId },
      consent: { grantId: await grantRequested(provider, params, approval) },
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  };
}
