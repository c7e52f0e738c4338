import type Provider from 'oidc-provider';
import type { AccessToken } from 'oidc-provider';

/**
 * The opaque access tokens a provider issues, as a resource that keeps its own copy of them from the provider's
 * events sees them: kept past their expiry (the provider's store drops them then), dropped when their grant is
 * revoked and, unless `missRevocations`, when they are revoked one by one.
 */
export function issuedTokens(provider: Provider, { missRevocations }: { missRevocations: boolean }): (value: string) => AccessToken | undefined {
  const issued = new Map<string, AccessToken>();
  provider.on('access_token.saved', (token: AccessToken) => issued.set(token.jti, token));
  if (!missRevocations) provider.on('access_token.destroyed', (token: AccessToken) => issued.delete(token.jti));
  provider.on('grant.revoked', (_ctx: unknown, grantId: string) => {
    for (const [value, token] of issued) if (token.grantId === grantId) issued.delete(value);
  });
  return (value) => issued.get(value);
}

/** Whether a provider ever issued an opaque access token, whatever became of it since. */
export function everIssued(provider: Provider): (value: string) => boolean {
  const seen = new Set<string>();
  provider.on('access_token.saved', (token: AccessToken) => seen.add(token.jti));
  return (value) => seen.has(value);
}
