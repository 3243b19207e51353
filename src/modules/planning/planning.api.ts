import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { signInFirst } from '../../platform/web/index.js';
import { appraisalApi } from './appraisal/appraisal.api.js';
import { governanceApi } from './governance/governance.api.js';
import { reportsApi } from './reports/reports.api.js';
import { savingsApi } from './savings/savings.api.js';
import { whatIfApi } from './what-if/what-if.api.js';
import type { PlanningServices } from './planning.services.js';

/** The planning module's JSON API, one plugin per slice. */
export const planningApi: FastifyPluginAsyncTypebox<{ planning: PlanningServices }> = async (
  app,
  { planning },
) => {
  signInFirst(app);
  await app.register(appraisalApi, { appraisal: planning.appraisal });
  await app.register(savingsApi, { savings: planning.savings });
  await app.register(whatIfApi, { whatIf: planning.whatIf });
  await app.register(governanceApi, { governance: planning.governance });
  await app.register(reportsApi, { reports: planning.reports });
};
