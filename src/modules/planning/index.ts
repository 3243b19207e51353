// The module's error codes and words register themselves when loaded.
import './planning.errors.js';
import './planning.messages.js';
import './governance/governance.errors.js';
import './governance/governance.messages.js';
import './reports/reports.messages.js';
import './planning.navigation.js';

export { planningServices, type PlanningServices } from './planning.services.js';
export { planningApi } from './planning.api.js';
export { planningRoutes } from './planning.routes.js';
export { appraiseCommand, APPRAISE_USAGE } from './appraisal/appraisal.cli.js';
export { readCase, type CaseInput } from './appraisal/appraisal.input.js';
export { seedDemoGovernance } from './governance/governance.demo.js';
