import './catalogue.messages.js';
import type { FastifyInstance } from 'fastify';
import { inputValidator } from '../../platform/api/index.js';
import type { CatalogueServices } from './catalogue.services.js';
import { serviceLinesRoutes } from './service-lines/service-lines.routes.js';
import { offeringsRoutes } from './offerings/offerings.routes.js';
import { variantsRoutes } from './offerings/variants.routes.js';
import { tariffsRoutes } from './tariffs/tariffs.routes.js';
import { calendarsRoutes } from './calendars/calendars.routes.js';
import { slaPoliciesRoutes } from './sla-policies/sla-policies.routes.js';

/** The catalogue's pages, slice by slice. Path parameters are read by their schemas (a code in the wrong form is not found). */
export async function catalogueRoutes(app: FastifyInstance, services: CatalogueServices) {
  app.setValidatorCompiler(inputValidator);
  await serviceLinesRoutes(app, services);
  await offeringsRoutes(app, services);
  await variantsRoutes(app, services);
  await tariffsRoutes(app, services);
  await calendarsRoutes(app, services);
  await slaPoliciesRoutes(app, services);
}
