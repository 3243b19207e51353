// The catalogue's words register themselves with the message catalogue when loaded.
import './catalogue.messages.js';

export {
  catalogueService,
  londonToday,
  type CatalogueService,
  type ResolvedOffering,
} from './catalogue.service.js';
export {
  calendarsService,
  loadBankHolidays,
  workingCalendar,
  type CalendarsService,
} from './calendars.service.js';
export { agreementsService, type AgreementsService } from './agreements.service.js';
export { lineManagersService, type LineManagersService } from './line-managers.service.js';
export { catalogueRepository } from './catalogue.repository.js';
export { catalogueRoutes } from './catalogue.routes.js';
export { catalogueApi } from './catalogue.api.js';
export { seedDemoCatalogue } from './catalogue.demo.js';
export { runCatalogueCommand, CATALOGUE_USAGE } from './catalogue.cli.js';
