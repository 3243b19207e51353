import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, statusOf, type ErrorCode } from '../errors.js';
import { translate } from './messages.js';
import { safeNext } from './forms.js';
import { isApiRequest, isHealthCheck } from './request-path.js';

interface ApiErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/**
 * Where a person goes to sign in and then come back to what they asked for: the page itself for a
 * GET, the page the form was on (by its Referer) otherwise; anything `safeNext` would refuse is
 * dropped here already.
 */
export function signInRedirect(request: FastifyRequest): string {
  let next = '/';
  if (request.method === 'GET') {
    next = safeNext(request.url);
  } else if (request.headers.referer) {
    try {
      const referer = new URL(request.headers.referer);
      next = safeNext(referer.pathname + referer.search);
    } catch {
      next = '/';
    }
  }
  return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

/** Turns whatever was thrown into a domain error with a stable code. */
export function toDomainError(error: FastifyError | DomainError | Error): DomainError {
  if (error instanceof DomainError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const fields: Record<string, string> = {};
    for (const issue of fastifyError.validation) {
      const params: Record<string, unknown> = issue.params;
      const base = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const name =
        typeof params.missingProperty === 'string'
          ? [base, params.missingProperty].filter(Boolean).join('.')
          : typeof params.additionalProperty === 'string'
            ? [base, params.additionalProperty].filter(Boolean).join('.')
            : base || fastifyError.validationContext || 'body';
      const message =
        typeof params.additionalProperty === 'string'
          ? 'is not a known field'
          : (issue.message ?? 'is not valid');
      fields[name] ??= message;
    }
    const summary = Object.entries(fields)
      .map(([field, problem]) => `${field} ${problem}`)
      .join('; ');
    return new DomainError(
      'ERR_VALIDATION',
      `Invalid ${fastifyError.validationContext ?? 'request'}: ${summary}`,
      {
        fields,
      },
    );
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('ERR_BODY_TOO_LARGE', 'The request body is larger than the service accepts');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('ERR_MALFORMED_JSON', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'That content type is not accepted here');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new DomainError('ERR_MALFORMED_JSON', 'The request body is not valid JSON');
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new DomainError('ERR_BAD_REQUEST', fastifyError.message);
  }
  return new DomainError('ERR_INTERNAL', 'Something went wrong on our side');
}

const PAGE_FOR: Partial<Record<ErrorCode, { title: string; body?: string }>> = {
  ERR_NOT_FOUND: { title: 'errors.notFoundTitle', body: 'errors.notFoundBody' },
  ERR_FORBIDDEN: { title: 'errors.forbiddenTitle' },
  ERR_CSRF: { title: 'errors.csrfTitle', body: 'errors.csrfBody' },
  ERR_BODY_TOO_LARGE: { title: 'errors.tooLargeTitle' },
  ERR_TOO_MANY_ATTEMPTS: { title: 'errors.tooManyTitle' },
  ERR_INTERNAL: { title: 'errors.serverTitle', body: 'errors.serverBody' },
  ERR_UNAVAILABLE: { title: 'errors.serverTitle', body: 'errors.serverBody' },
};

function sendError(request: FastifyRequest, reply: FastifyReply, failure: DomainError): FastifyReply {
  const status = statusOf(failure.code);
  if (isApiRequest(request) || isHealthCheck(request)) {
    const body: ApiErrorBody = { error: { code: failure.code, message: failure.message } };
    if (failure.details) body.error.details = failure.details;
    return reply.status(status).type('application/json; charset=utf-8').send(body);
  }
  if (failure.code === 'ERR_UNAUTHENTICATED') return reply.redirect(signInRedirect(request), 303);
  const page = PAGE_FOR[failure.code] ?? { title: 'errors.badRequestTitle' };
  return reply.status(status).page('error.njk', {
    title: translate(page.title),
    body: page.body ? translate(page.body) : failure.code === 'ERR_INTERNAL' ? undefined : failure.message,
    requestId: status >= 500 ? request.id : undefined,
  });
}

/**
 * What the router refuses before any route runs (Fastify's `frameworkErrors`): a path that is not
 * valid UTF-8 or percent-encoding, or a path parameter longer than any code or id. Answered in the
 * documented shape, as JSON under /api and as plain text elsewhere: no route ran, so none of the
 * page machinery (session, nonce, words of the signed-in person) is there to draw a GOV.UK page.
 */
export function answerRouterRefusal(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const failure =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new DomainError('ERR_NOT_FOUND', 'Not found')
      : new DomainError('ERR_BAD_REQUEST', 'The address is not valid');
  request.log.info({ code: failure.code, router: error.code }, failure.message);
  reply.header('x-request-id', request.id);
  if (request.raw.url?.startsWith('/api/')) {
    const body: ApiErrorBody = { error: { code: failure.code, message: failure.message } };
    void reply.status(statusOf(failure.code)).type('application/json; charset=utf-8').send(body);
    return;
  }
  void reply.status(statusOf(failure.code)).type('text/plain; charset=utf-8').send(failure.message);
}

/** Maps errors to one response shape: JSON with a stable code under /api, a GOV.UK page elsewhere. */
export const errorHandling = fp(async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = toDomainError(error);
    if (failure.code === 'ERR_INTERNAL') request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: failure.code }, failure.message);
    return sendError(request, reply, failure);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new DomainError('ERR_NOT_FOUND', 'Not found')),
  );
});
