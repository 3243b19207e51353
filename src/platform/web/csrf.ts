import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';
import { CSRF_COOKIE, cookieOptions } from './cookies.js';
import { pooledRandom } from '../random.js';

export interface CsrfOptions {
  secret: string;
  secureCookies: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function tokenFor(secret: string, cookieValue: string): string {
  return crypto.createHmac('sha256', secret).update(`csrf:${cookieValue}`).digest('base64url');
}

/**
 * Signed double-submit CSRF protection for every form. A random value lives in an HttpOnly cookie;
 * forms carry its HMAC under the server's secret as `_csrf`. A forged cross-site form can neither
 * read the cookie nor compute the HMAC. The API is exempt: it takes bearer tokens, never cookies.
 */
export const csrfProtection = fp<CsrfOptions>(async (app, options) => {
  app.decorateRequest('csrfToken', '');
  app.decorate('rotateCsrf', (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const value = pooledRandom(18, 'base64url');
    reply.setCookie(CSRF_COOKIE, value, cookieOptions(request, options.secureCookies));
    request.csrfToken = tokenFor(options.secret, value);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/assets/')) return;
    const cookie = request.cookies[CSRF_COOKIE];
    if (cookie && /^[A-Za-z0-9_-]{24}$/.test(cookie)) {
      request.csrfToken = tokenFor(options.secret, cookie);
    } else if (!UNSAFE.has(request.method)) {
      app.rotateCsrf(request, reply);
    }
  });

  // After the body is parsed, before any handler runs.
  app.addHook('preHandler', async (request) => {
    if (!UNSAFE.has(request.method) || request.url.startsWith('/api/')) return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent = typeof body?._csrf === 'string' ? body._csrf : '';
    const expected = request.csrfToken;
    const ok =
      expected !== '' &&
      sent.length === expected.length &&
      crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
    if (!ok)
      throw new DomainError('ERR_CSRF', 'The form could not be checked; reload the page and try again');
  });
});
