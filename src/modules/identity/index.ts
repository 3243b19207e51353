// The module's error codes and words register themselves when loaded.
import './identity.errors.js';
import './identity.messages.js';
export { identityService, type IdentityService, THROTTLE } from './identity.service.js';
export { identityRepository, CREDENTIAL_CHANNEL, type AuthenticatedRow } from './identity.repository.js';
export { authentication } from './identity.authentication.js';
export { identityRoutes } from './identity.routes.js';
export { identityApi } from './identity.api.js';
export { passwordProblem } from './passwords.policy.js';
