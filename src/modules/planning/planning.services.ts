import type { Database } from '../../platform/db/index.js';
import { appraisalService } from './appraisal/appraisal.service.js';
import { governanceService } from './governance/governance.service.js';
import { reportsService } from './reports/reports.service.js';
import { savingsService } from './savings/savings.service.js';
import { whatIfService } from './what-if/what-if.service.js';

/** The planning module's use cases, a set per slice. */
export function planningServices(db: Database) {
  return {
    appraisal: appraisalService(db),
    savings: savingsService(db),
    whatIf: whatIfService(db),
    governance: governanceService(db),
    reports: reportsService(db),
  };
}

export type PlanningServices = ReturnType<typeof planningServices>;
