import type { FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'tandem_session';
export const CSRF_COOKIE = 'tandem_csrf';

/** HttpOnly and SameSite=Lax always; Secure when the request came over TLS or the deployment says so. */
export function cookieOptions(request: FastifyRequest, secureAlways: boolean): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: secureAlways || request.protocol === 'https' };
}
