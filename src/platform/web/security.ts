import crypto from 'node:crypto';
import fp from 'fastify-plugin';

/**
 * Random bytes taken from a pool filled a few kilobytes at a time: asking the system for 16 bytes
 * at every request costs a system call each, which is dear on virtual machines. The bytes are as
 * unpredictable either way; each is used once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;
function nonce(): string {
  if (offset + 16 > pool.length) {
    pool = crypto.randomBytes(POOL_BYTES);
    offset = 0;
  }
  const value = pool.toString('base64', offset, offset + 16);
  offset += 16;
  return value;
}

/**
 * Security headers on every response, with a content security policy that allows only this origin's
 * scripts and styles, plus the one inline script GOV.UK Frontend's template needs (by nonce).
 */
export const securityHeaders = fp(async (app) => {
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (request) => {
    request.cspNonce = nonce();
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
