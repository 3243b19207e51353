import crypto from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { Config } from './config.js';
import { CredentialCache } from './platform/auth/index.js';
import type { Database } from './platform/db/index.js';
import './platform/web/fastify-types.js';
import { securityHeaders } from './platform/web/security.js';
import { csrfProtection } from './platform/web/csrf.js';
import { inputGuard } from './platform/web/input-guard.js';
import { answerRouterRefusal, errorHandling } from './platform/web/error-handling.js';
import { views } from './platform/web/views.js';
import { apiPlatform } from './platform/api/index.js';
import { logEachRequestOnce, prettyLogStream, type LogFormat } from './platform/logging.js';
import {
  authentication,
  CREDENTIAL_CHANNEL,
  identityApi,
  identityRoutes,
  identityService,
  type AuthenticatedRow,
} from './modules/identity/index.js';
import {
  agreementsApi,
  agreementsRoutes,
  agreementsService,
  organisationsApi,
  organisationsRoutes,
  organisationsService,
  partnershipApi,
  partnershipRoutes,
  partnershipServices,
} from './modules/organisations/index.js';
import { catalogueApi, catalogueRoutes, catalogueServices } from './modules/catalogue/index.js';
import {
  attachmentsApi,
  attachmentsRoutes,
  attachmentsService,
  queueApi,
  requestJobs,
  requestsApi,
  requestsPages,
  requestsService,
} from './modules/requests/index.js';
import { now } from './platform/clock.js';
import { notifications } from './modules/notifications/index.js';
import { meteringApi, meteringService, usageRoutes } from './modules/metering/index.js';
import { billingApi, billingRoutes, billingServices } from './modules/billing/index.js';
import { planningApi, planningRoutes, planningServices } from './modules/planning/index.js';

export const VERSION = '0.1.0';

/** The services the routes call; tests may build the app around a database of their own. */
export function createServices(config: Config, db: Database) {
  const credentials = new CredentialCache<AuthenticatedRow>({ seconds: config.credentialCacheSeconds });
  const attachments = attachmentsService(db, { settings: config.attachments, now });
  return {
    credentials,
    identity: identityService(db, {
      sessionIdleMinutes: config.sessionIdleMinutes,
      sessionAbsoluteHours: config.sessionAbsoluteHours,
      credentials,
    }),
    organisations: organisationsService(db, { credentials }),
    agreements: agreementsService(db),
    partnership: partnershipServices(db),
    catalogue: catalogueServices(db),
    metering: meteringService(db),
    billing: billingServices(db),
    planning: planningServices(db),
    attachments,
    requests: requestsService(db, {
      now,
      attachments: attachments.hook,
      reopenWorkingDays: config.reopenWorkingDays,
    }),
  };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface BuildOptions {
  logger?: boolean;
  /** Where log lines go instead of standard output (tests read them). */
  logStream?: { write(line: string): void };
  /** JSON lines (the default), or one short line per request for a terminal (see platform/logging.ts). */
  logFormat?: LogFormat;
}

export async function buildApp(
  config: Config,
  db: Database,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const pretty = options.logFormat === 'pretty';
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Never log credentials, even if a serializer changes to include headers.
            redact: [
              'req.headers.authorization',
              'req.headers.cookie',
              'res.headers["set-cookie"]',
              '*.password',
            ],
            ...(pretty
              ? { stream: prettyLogStream(options.logStream ?? process.stdout) }
              : options.logStream
                ? { stream: options.logStream }
                : {}),
          },
    // At a terminal each request is one short line (logEachRequestOnce, below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: pretty }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: answerRouterRefusal,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (pretty) logEachRequestOnce(app);

  const services = createServices(config, db);

  // Order matters: headers and body parsing first; then CSRF (needs cookies and the parsed form);
  // error pages, the guard on text no field takes, and views before anything can fail; then who
  // is asking; then the modules.
  await app.register(securityHeaders);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(csrfProtection, { secret: config.sessionSecret, secureCookies: config.secureCookies });
  await app.register(errorHandling);
  await app.register(inputGuard);
  await app.register(views);
  await app.register(apiPlatform, { version: VERSION });
  await app.register(authentication, { identity: services.identity, secureCookies: config.secureCookies });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db.kysely);
      return { status: 'ok', database: db.engine };
    } catch {
      return reply
        .status(503)
        .send({ error: { code: 'ERR_UNAVAILABLE', message: 'The database is not reachable' } });
    }
  });

  // Web pages.
  await app.register(notifications, { db, config });
  await app.register(requestJobs, {
    requests: services.requests,
    sweepAttachments: () => services.attachments.sweep(),
  });
  await app.register(identityRoutes, {
    identity: services.identity,
    secureCookies: config.secureCookies,
    listOrganisations: async (principal) => services.organisations.list({ principal }),
  });
  await app.register(organisationsRoutes, { organisations: services.organisations });
  await app.register(agreementsRoutes, { agreements: services.agreements });
  await app.register(partnershipRoutes, { partnership: services.partnership });
  await app.register(catalogueRoutes, services.catalogue);
  await app.register(attachmentsRoutes, { attachments: services.attachments });
  await app.register(requestsPages, {
    requests: services.requests,
    offerings: services.catalogue.offerings,
    attachments: services.attachments,
    attachmentSettings: config.attachments,
    db,
    now,
  });
  await app.register(usageRoutes, { metering: services.metering });
  await app.register(billingRoutes, { billing: services.billing });
  await app.register(planningRoutes, { planning: services.planning });

  // JSON API.
  await app.register(
    async (api) => {
      await api.register(identityApi, { db });
      await api.register(organisationsApi, { organisations: services.organisations });
      await api.register(agreementsApi, { agreements: services.agreements });
      await api.register(partnershipApi, { partnership: services.partnership });
      await api.register(catalogueApi, services.catalogue);
      await api.register(meteringApi, { metering: services.metering });
      await api.register(billingApi, { billing: services.billing });
      await api.register(planningApi, { planning: services.planning });
      await api.register(requestsApi, { requests: services.requests });
      await api.register(queueApi, { requests: services.requests });
      await api.register(attachmentsApi, { attachments: services.attachments, settings: config.attachments });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );

  // Changes to sessions, tokens, users, memberships or organisations made by other processes.
  // Until this is listening, remembered credentials are not reused.
  const stopListening = db.listen(CREDENTIAL_CHANNEL, {
    heard: () => services.credentials.forgetAll(),
    state: (listening) => services.credentials.setLive(listening),
  });
  app.addHook('onClose', stopListening);
  return app;
}
