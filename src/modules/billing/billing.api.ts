import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { chargingApi } from './charging/charging.api.js';
import { poolsApi } from './pools/pools.api.js';
import { runsApi } from './runs/runs.api.js';
import { statementsApi } from './statements/statements.api.js';
import { teckalApi } from './teckal/teckal.api.js';
import type { BillingServices } from './billing.services.js';

/** The billing module's JSON API, one plugin per slice. */
export const billingApi: FastifyPluginAsyncTypebox<{ billing: BillingServices }> = async (
  app,
  { billing },
) => {
  await app.register(chargingApi, { charging: billing.charging });
  await app.register(poolsApi, { pools: billing.pools });
  await app.register(runsApi, { runs: billing.runs, statements: billing.statements });
  await app.register(statementsApi, { statements: billing.statements, journal: billing.journal });
  await app.register(teckalApi, { teckal: billing.teckal });
};
