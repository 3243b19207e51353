import path from 'node:path';
import { createRequire } from 'node:module';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { en, translate, translatePlural } from './messages.js';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatWorkingDays,
  formatWorkingMinutes,
} from './format.js';
import { navigationFor } from './navigation.js';
import { groupPounds } from '../../kernel/money.js';
import { fromRoot } from '../paths.js';

const require = createRequire(import.meta.url);
const GOVUK_DIST = path.resolve(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
// MOJ Frontend (filter, timeline, badge…): its macros as "moj/components/…", its CSS and images as assets.
const MOJ_FRONTEND = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'));
const SRC = fromRoot('src');
const PUBLIC = fromRoot('src', 'platform', 'web', 'public');

export function configureNunjucks(): nunjucks.Environment {
  // Shared layouts in src/views, module pages as "<module>/views/<page>.njk", GOV.UK macros as
  // "govuk/…", MOJ macros as "moj/…".
  const env = nunjucks.configure(
    [path.join(SRC, 'views'), path.join(SRC, 'modules'), GOVUK_DIST, MOJ_FRONTEND],
    {
      autoescape: true,
      throwOnUndefined: false,
      noCache: process.env.NODE_ENV === 'development',
    },
  );
  env.addGlobal('t', (key: string, params?: Record<string, string | number>) => translate(key, params));
  env.addGlobal('messages', en);
  // The plural form of a message that suits a count: tp("format.workingDays", 2) → "2 working days".
  env.addGlobal('tp', (key: string, count: number, params?: Record<string, string | number>) =>
    translatePlural(key, Number(count), params),
  );
  // One formatter each for what people read (format.ts); empty values show as nothing.
  const filter =
    <T>(format: (value: T) => string) =>
    (value: T | null | undefined) =>
      value === null || value === undefined || value === '' ? '' : format(value);
  env.addFilter('date', filter(formatDate));
  env.addFilter('dateTime', filter(formatDateTime));
  env.addFilter('money', filter(formatMoney));
  env.addFilter(
    'workingMinutes',
    filter((minutes: number | string) => formatWorkingMinutes(Number(minutes))),
  );
  env.addFilter(
    'workingDays',
    filter((days: number | string) => formatWorkingDays(Number(days))),
  );
  // Pounds already written as a decimal ("1450.00" → "1,450.00", no £): for pages not yet on `money`.
  env.addFilter('pounds', (value: string | null | undefined) => (value ? groupPounds(String(value)) : ''));
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

  // MOJ Frontend's CSS asks for its images under /assets/images, beside GOV.UK Frontend's.
  await app.register(fastifyStatic, {
    root: [path.join(GOVUK_DIST, 'govuk', 'assets'), path.join(MOJ_FRONTEND, 'moj', 'assets')],
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
    root: path.join(MOJ_FRONTEND, 'moj'),
    prefix: '/assets/moj/',
    allowedPath: (pathName) => pathName === '/moj-frontend.min.css',
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
