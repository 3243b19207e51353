// The catalogue's words and error codes register themselves when loaded.
import './catalogue.messages.js';
import './catalogue.errors.js';

export { catalogueServices, type CatalogueServices } from './catalogue.services.js';
export { catalogueRoutes } from './catalogue.routes.js';
export { catalogueApi } from './catalogue.api.js';
export { workingCalendar } from './calendars/calendars.service.js';
export { loadBankHolidays } from './calendars/bank-holidays.js';
export type { Resolved as ResolvedOffering } from './offerings/offerings.service.js';
export { seedDemoCatalogue } from './demo/catalogue.demo.js';
export { runCatalogueCommand, CATALOGUE_USAGE } from './catalogue.cli.js';
