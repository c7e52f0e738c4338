import { formOf, json, jsonOf, type Handler, type HttpRequest } from '../http-data.js';
import type { AppUser, Tenant } from './oneup-tenant.js';

/**
 * 1up's user-management API: a backend creates its users (`POST /user-management/v1/user`) and asks for a user's
 * authorization code (`POST /user-management/v1/user/auth-code`), authenticating with client_id and client_secret in
 * the body. Both answer {success, code, oneup_user_id, app_user_id, active}; an existing user is a 400, an unknown
 * one a 404. The whole API shares one rate limit, past which it answers 429 with Retry-After.
 */
export function userManagement(tenant: Tenant): Handler {
  const { paths, messages } = tenant.settings;
  return (request) => {
    const path = request.url.pathname;
    if (path !== paths.createUser && path !== paths.authCode) return json(404, { success: false, error: 'not found' });
    const limited = tenant.userManagementLimit();
    if (limited) return limited;
    if (request.method !== 'POST') return json(405, { success: false, error: 'method not allowed' }, { allow: 'POST' });
    const body = fields(request);
    const clientId = tenant.app(body.client_id, body.client_secret);
    if (!clientId) return json(401, { success: false, error: messages.badClient });

    if (path === paths.createUser) {
      const appUserId = body.app_user_id;
      if (typeof appUserId !== 'string' || !appUserId) return json(400, { success: false, error: 'app_user_id is required' });
      if (tenant.user(clientId, { appUserId })) return json(400, { success: false, error: messages.userExists });
      return answer(tenant, tenant.createUser(clientId, appUserId));
    }
    // The auth-code request names the user by app_user_id or by oneup_user_id.
    const by = typeof body.app_user_id === 'string' ? { appUserId: body.app_user_id } : { oneupUserId: Number(body.oneup_user_id) };
    const user = tenant.user(clientId, by);
    return user ? answer(tenant, user) : json(404, { success: false, error: messages.userNotFound });
  };
}

/** The request's fields, from a form or a JSON body. */
function fields(request: HttpRequest): Record<string, unknown> {
  return jsonOf(request) ?? Object.fromEntries(formOf(request) ?? []);
}

function answer(tenant: Tenant, user: AppUser) {
  return json(200, { success: true, code: tenant.issueCode(user).value, oneup_user_id: user.oneupUserId, app_user_id: user.appUserId, active: user.active });
}
