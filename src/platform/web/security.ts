import fp from 'fastify-plugin';
import { pooledRandom } from '../random.js';

/**
 * Security headers on every response, with a content security policy that allows only this origin's
 * scripts and styles, plus the one inline script GOV.UK Frontend's template needs (by nonce).
 */
export const securityHeaders = fp(async (app) => {
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (request) => {
    request.cspNonce = pooledRandom(16, 'base64');
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header(
      'content-security-policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${request.cspNonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (request.protocol === 'https') {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    if (!reply.hasHeader('cache-control') && !request.url.startsWith('/assets/')) {
      reply.header('cache-control', 'no-store');
    }
  });
});
