export { organisationsService, type OrganisationsService } from './organisations.service.js';
export { organisationsRepository, type Organisation } from './organisations.repository.js';
export { organisationsRoutes } from './organisations.routes.js';
export { organisationsApi } from './organisations.api.js';
export type { OrganisationInput } from './organisations.schemas.js';
