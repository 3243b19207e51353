import path from 'node:path';
import { createRequire } from 'node:module';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { en, translate } from './messages.js';
import { navigationFor } from './navigation.js';
import { groupPounds } from '../../kernel/money.js';
import { fromRoot } from '../paths.js';

const require = createRequire(import.meta.url);
const GOVUK_DIST = path.resolve(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
const SRC = fromRoot('src');
const PUBLIC = fromRoot('src', 'platform', 'web', 'public');

const LONDON_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});
const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

export function configureNunjucks(): nunjucks.Environment {
  // Shared layouts in src/views, module pages as "<module>/views/<page>.njk", GOV.UK macros as "govuk/…".
  const env = nunjucks.configure([path.join(SRC, 'views'), path.join(SRC, 'modules'), GOVUK_DIST], {
    autoescape: true,
    throwOnUndefined: false,
    noCache: process.env.NODE_ENV === 'development',
  });
  env.addGlobal('t', (key: string, params?: Record<string, string | number>) => translate(key, params));
  env.addGlobal('messages', en);
  env.addFilter('dateTime', (value: Date | string | null | undefined) =>
    value ? LONDON_DATE_TIME.format(new Date(value)).replace(' at ', ', ') : '',
  );
  env.addFilter('pounds', (value: string | null | undefined) => (value ? groupPounds(String(value)) : ''));
  env.addFilter('date', (value: Date | string | null | undefined) =>
    value ? LONDON_DATE.format(new Date(value)) : '',
  );
  return env;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with what every page needs: the person, their organisation, navigation, CSRF and CSP. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}

function pageContext(request: FastifyRequest): Record<string, unknown> {
  const principal = request.principal;
  return {
    principal,
    csrfToken: request.csrfToken,
    cspNonce: request.cspNonce,
    currentPath: request.url.split('?')[0],
    navigation: navigationFor(principal, request.url),
  };
}

export const views = fp(async (app) => {
  const env = configureNunjucks();
  app.decorateReply(
    'page',
    function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const html = env.render(template, { ...pageContext(this.request), ...data });
      return this.type('text/html; charset=utf-8').send(html);
    },
  );

  await app.register(fastifyStatic, {
    root: path.join(GOVUK_DIST, 'govuk', 'assets'),
    prefix: '/assets/',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(GOVUK_DIST, 'govuk'),
    prefix: '/assets/govuk/',
    allowedPath: (pathName) => /^\/govuk-frontend\.min\.(css|js)$/.test(pathName),
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: PUBLIC,
    prefix: '/assets/app/',
    decorateReply: false,
    maxAge: '1h',
  });
});
