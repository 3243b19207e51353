// The module's error codes register themselves when loaded.
import './billing.errors.js';
import './billing.navigation.js';
import './pages/recharges.messages.js';

export { billingServices, type BillingServices } from './billing.services.js';
export { billingApi } from './billing.api.js';
export { billingRoutes } from './pages/billing.routes.js';
export { runBillingCommand, BILLING_USAGE } from './billing.cli.js';
export { seedDemoBilling } from './billing.demo.js';
export { formatMoney, parseAmountPence, poundsOf } from './billing.money.js';
export type { ChargingService } from './charging/charging.service.js';
export type { PoolsService } from './pools/pools.service.js';
export type { RunsService, ComputedRun } from './runs/runs.service.js';
export type { Run, RunWarning, UnpricedUsage } from './runs/runs.repository.js';
export type {
  StatementsService,
  StatementView,
  StatementLineView,
  LineEventsView,
  StatementRef,
} from './statements/statements.service.js';
export type { TeckalService, TeckalIndicator } from './teckal/teckal.service.js';
export { canSeeTeckal, teckalIndicatorIn } from './teckal/teckal.service.js';
export { statementPdf } from './statements/statements.pdf.js';
export { statementLinesCsv, journalCsv } from './statements/statements.csv.js';
