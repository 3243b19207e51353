import type { FastifyInstance } from 'fastify';
import { appraisalRoutes } from './appraisal/appraisal.routes.js';
import { governanceRoutes } from './governance/governance.routes.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { savingsRoutes } from './savings/savings.routes.js';
import { whatIfRoutes } from './what-if/what-if.routes.js';
import type { PlanningServices } from './planning.services.js';

/** The planning module's pages, one set per slice. */
export async function planningRoutes(app: FastifyInstance, options: { planning: PlanningServices }) {
  await appraisalRoutes(app, { appraisal: options.planning.appraisal });
  await savingsRoutes(app, { savings: options.planning.savings });
  await whatIfRoutes(app, { whatIf: options.planning.whatIf });
  await governanceRoutes(app, { governance: options.planning.governance });
  await reportsRoutes(app, { reports: options.planning.reports });
}
