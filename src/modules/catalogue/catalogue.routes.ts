import type { FastifyInstance } from 'fastify';
import type { CatalogueService } from './catalogue.service.js';
import type { CalendarsService } from './calendars.service.js';

export async function catalogueRoutes(_app: FastifyInstance, _options: { catalogue: CatalogueService; calendars: CalendarsService }) {}
