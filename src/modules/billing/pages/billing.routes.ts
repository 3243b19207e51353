import type { FastifyInstance } from 'fastify';
import type { BillingServices } from '../billing.services.js';
import { poolsPages } from './pools.pages.js';
import { runsPages } from './runs.pages.js';
import { statementsPages } from './statements.pages.js';

/** The billing module's pages: recharge runs, statements, and the cost pools and driver values behind them. */
export async function billingRoutes(app: FastifyInstance, options: { billing: BillingServices }) {
  await runsPages(app, options);
  await statementsPages(app, options);
  await poolsPages(app, options);
}
