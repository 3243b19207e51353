// The module's error codes register themselves when loaded.
import './organisations.errors.js';
export { organisationsService, type OrganisationsService } from './organisations.service.js';
export { organisationsRepository, type Organisation } from './organisations.repository.js';
export { organisationsRoutes } from './organisations.routes.js';
export { organisationsApi } from './organisations.api.js';
export type { OrganisationInput } from './organisations.schemas.js';
// Agreements: which service lines each partner takes.
import './agreements/agreements.errors.js';
import './agreements/agreements.messages.js';
export { agreementsService, type AgreementsService } from './agreements/agreements.service.js';
export { agreementsRepository, type Agreement } from './agreements/agreements.repository.js';
export { agreementsRoutes } from './agreements/agreements.routes.js';
export { agreementsApi } from './agreements/agreements.api.js';
// The partnership: the host's pipeline, and the terms agreed with each partner, version by version.
import './terms/terms.errors.js';
import './terms/terms.messages.js';
import './pipeline/pipeline.errors.js';
import './pipeline/pipeline.messages.js';
import './pipeline/pipeline.navigation.js';
export {
  partnershipServices,
  partnershipRoutes,
  partnershipApi,
  type PartnershipServices,
} from './partnership.js';
export { seedDemoPartnership } from './partnership.demo.js';
