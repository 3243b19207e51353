import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';
import { webCookies } from './cookies.js';
import { isApiRequest, isAssetRequest } from './request-path.js';
import { pooledRandom } from '../random.js';

export interface CsrfOptions {
  secret: string;
  secureCookies: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SEED = /^[A-Za-z0-9_-]{24}$/;

/** The pre-session value each request carries (or was just given), kept beside the request. */
const seeds = new WeakMap<FastifyRequest, string>();

/**
 * CSRF protection for every form: forms carry `_csrf`, an HMAC under the server's secret of
 * something a cross-site page can neither read nor choose.
 *
 * - Signed in, that is the session: the token is derived from the hash of the session's secret, so
 *   it is good for that session only. A CSRF cookie planted in a victim's browser (by a neighbouring
 *   subdomain, say) is worth nothing against their session.
 * - Signed out (the sign-in form), it is a random value in an HttpOnly cookie, given afresh at
 *   sign-in. Over TLS that cookie is `__Host-` prefixed, so it cannot be planted either.
 *
 * The API is exempt: it takes bearer tokens, never cookies.
 */
export const csrfProtection = fp<CsrfOptions>(async (app, options) => {
  const hmac = (purpose: string, value: string) =>
    crypto.createHmac('sha256', options.secret).update(`csrf:${purpose}:${value}`).digest('base64url');

  // Read when a page is rendered or a form checked, after the authentication hook has said who is
  // asking: so the token follows the session, also one made or ended during this request.
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest): string {
      const sessionHash = this.principal?.sessionHash;
      if (sessionHash) return hmac('session', sessionHash);
      const seed = seeds.get(this);
      return seed ? hmac('pre-session', seed) : '';
    },
  });

  app.decorate('rotateCsrf', (request: FastifyRequest, reply: FastifyReply) => {
    const cookies = webCookies(request, options.secureCookies);
    const seed = pooledRandom(18, 'base64url');
    reply.setCookie(cookies.csrf, seed, cookies.options);
    seeds.set(request, seed);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (isApiRequest(request) || isAssetRequest(request)) return;
    const cookie = request.cookies[webCookies(request, options.secureCookies).csrf];
    if (cookie && SEED.test(cookie)) seeds.set(request, cookie);
    else if (!UNSAFE.has(request.method)) app.rotateCsrf(request, reply);
  });

  // After the body is parsed and the caller is known, before any handler runs.
  app.addHook('preHandler', async (request) => {
    if (!UNSAFE.has(request.method) || isApiRequest(request)) return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent = Buffer.from(typeof body?._csrf === 'string' ? body._csrf : '');
    const expected = Buffer.from(request.csrfToken);
    // Lengths in bytes: a token of the right length in characters may be longer in bytes.
    const ok =
      expected.length > 0 && sent.length === expected.length && crypto.timingSafeEqual(sent, expected);
    if (ok) return;
    // A form from a session that has ended since the page was shown (idle, signed out elsewhere):
    // what the person needs is to sign in again, not to be told the form expired.
    if (!request.principal && request.cookies[webCookies(request, options.secureCookies).session])
      throw new DomainError('ERR_UNAUTHENTICATED', 'Your session has ended; sign in again');
    throw new DomainError('ERR_CSRF', 'The form could not be checked; reload the page and try again');
  });
});
