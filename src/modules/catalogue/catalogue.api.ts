import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inputValidator } from '../../platform/api/index.js';
import type { CatalogueServices } from './catalogue.services.js';
import { serviceLinesApi } from './service-lines/service-lines.api.js';
import { offeringsApi } from './offerings/offerings.api.js';
import { tariffsApi } from './tariffs/tariffs.api.js';
import { calendarsApi } from './calendars/calendars.api.js';
import { slaPoliciesApi } from './sla-policies/sla-policies.api.js';

/**
 * The catalogue's JSON API, slice by slice. Each route's schema is its one description of its input:
 * it checks the request (problems named by field, in the same words as the pages), fills defaults,
 * and documents the route in the OpenAPI document.
 */
export const catalogueApi: FastifyPluginAsyncTypebox<CatalogueServices> = async (app, services) => {
  app.setValidatorCompiler(inputValidator);
  await app.register(serviceLinesApi, services);
  await app.register(offeringsApi, services);
  await app.register(tariffsApi, services);
  await app.register(calendarsApi, services);
  await app.register(slaPoliciesApi, services);
};
