import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { fromRoot } from '../../../platform/paths.js';
import { acceptMultipart } from '../attachments/multipart.js';
import type { RequestsPagesOptions } from './pages.deps.js';
import { portalRoutes } from './portal.routes.js';
import { requestRoutes } from './request.routes.js';
import { queueRoutes } from './queue.routes.js';
import './navigation.js';

export type { RequestsPagesOptions, OfferingsForPages, OfferingForPage } from './pages.deps.js';

/**
 * The requests module's pages: the requester's portal, approvals, the agents' queue and the
 * request's page. Registered as a plugin of its own, so that only its forms take multipart bodies.
 */
export async function requestsPages(app: FastifyInstance, options: RequestsPagesOptions) {
  await app.register(fastifyStatic, {
    root: fromRoot('src', 'modules', 'requests', 'pages', 'public'),
    prefix: '/assets/requests/',
    decorateReply: false,
    maxAge: '1h',
  });
  await acceptMultipart(app, options.attachmentSettings);
  await portalRoutes(app, options);
  await requestRoutes(app, options);
  await queueRoutes(app, options);
}
