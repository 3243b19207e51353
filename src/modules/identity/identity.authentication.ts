import fp from 'fastify-plugin';
import { looksLikeApiToken, looksLikeSessionToken } from '../../platform/auth/index.js';
import { DomainError } from '../../platform/errors.js';
import { isApiRequest, isAssetRequest, isHealthCheck, webCookies } from '../../platform/web/index.js';
import type { IdentityService } from './identity.service.js';

/**
 * Finds who is asking before any handler runs: an API token in `Authorization: Bearer` for the
 * API, the session cookie everywhere else. Which of the two is decided by the route the request
 * was routed to, not by how its URL was spelled. Unknown, expired or revoked credentials leave no
 * one signed in (and a stale cookie is cleared); the handler then decides whether that is allowed.
 */
export const authentication = fp<{ identity: IdentityService; secureCookies: boolean }>(
  async (app, options) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request, reply) => {
      if (isAssetRequest(request) || isHealthCheck(request)) return;
      if (isApiRequest(request)) {
        const header = request.headers.authorization;
        if (!header) return;
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const token = match?.[1];
        if (!token || !looksLikeApiToken(token)) {
          throw new DomainError(
            'ERR_UNAUTHENTICATED',
            'The Authorization header must be "Bearer" and a Tandem API token',
          );
        }
        request.principal = (await options.identity.principalForToken(token)) ?? null;
        if (!request.principal)
          throw new DomainError('ERR_UNAUTHENTICATED', 'The API token is unknown, expired or revoked');
        return;
      }
      const cookies = webCookies(request, options.secureCookies);
      const cookie = request.cookies[cookies.session];
      if (!cookie) return;
      request.principal = looksLikeSessionToken(cookie)
        ? ((await options.identity.principalForSession(cookie)) ?? null)
        : null;
      if (!request.principal) reply.clearCookie(cookies.session, cookies.options);
    });
  },
);
