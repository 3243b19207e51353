import type { Database } from '../../platform/db/index.js';
// The module's error codes, and the database refusals they stand for, register themselves when loaded.
import './billing.errors.js';
import { chargingService } from './charging/charging.service.js';
import { poolsService } from './pools/pools.service.js';
import { runsService } from './runs/runs.service.js';
import { statementsService } from './statements/statements.service.js';
import { journalService } from './statements/journal.service.js';
import { teckalService } from './teckal/teckal.service.js';

/** The billing module's use cases, a set per slice. */
export function billingServices(db: Database) {
  return {
    charging: chargingService(db),
    pools: poolsService(db),
    runs: runsService(db),
    statements: statementsService(db),
    journal: journalService(db),
    teckal: teckalService(db),
  };
}

export type BillingServices = ReturnType<typeof billingServices>;
