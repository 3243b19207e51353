import type { FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'tandem_session';
export const CSRF_COOKIE = 'tandem_csrf';

/**
 * Over TLS, cookie names carry this prefix: a browser accepts such a cookie only from this host,
 * over TLS, with `Secure`, `Path=/` and no `Domain`, so a neighbouring subdomain or a plain-HTTP
 * response cannot plant one.
 */
export const HOST_PREFIX = '__Host-';

/** The names and attributes of Tandem's cookies on one request. */
export interface WebCookies {
  /** The session's secret. */
  session: string;
  /** The random value that CSRF tokens are derived from before sign-in. */
  csrf: string;
  options: CookieSerializeOptions;
}

/**
 * HttpOnly, SameSite=Lax and Path=/ always; Secure, with `__Host-` names, when the request came over
 * TLS or the deployment says cookies are always secure. A cookie is read only under the name it
 * would be written under: over TLS an unprefixed one is ignored.
 */
export function webCookies(request: FastifyRequest, secureAlways: boolean): WebCookies {
  const secure = secureAlways || request.protocol === 'https';
  const prefix = secure ? HOST_PREFIX : '';
  return {
    session: prefix + SESSION_COOKIE,
    csrf: prefix + CSRF_COOKIE,
    options: { path: '/', httpOnly: true, sameSite: 'lax', secure },
  };
}

/** The attributes of Tandem's cookies on this request (see `webCookies`). */
export function cookieOptions(request: FastifyRequest, secureAlways: boolean): CookieSerializeOptions {
  return webCookies(request, secureAlways).options;
}
