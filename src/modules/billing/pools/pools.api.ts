import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import type { PoolsService } from './pools.service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const Counts = Type.Object({ added: Type.Integer(), changed: Type.Integer(), unchanged: Type.Integer() });

export const poolsApi: FastifyPluginAsyncTypebox<{ pools: PoolsService }> = async (app, { pools }) => {
  app.get(
    '/cost-pools',
    {
      schema: {
        summary: 'Cost pools (the host’s finance officers, executives and service managers)',
        tags: ['billing'],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                serviceLine: Type.String(),
                period: Type.String(),
                amountPence: Type.Integer(),
                driver: Type.String(),
                description: Type.String(),
                version: Type.Integer(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({
      data: (await pools.pools(callerOf(request))).map((p) => ({
        id: p.id,
        serviceLine: p.serviceLineCode,
        period: p.period,
        amountPence: Number(p.amountPence),
        driver: p.driver,
        description: p.description,
        version: p.version,
      })),
    }),
  );

  app.post(
    '/cost-pools/import',
    {
      schema: {
        summary: 'Import cost pools from CSV: all rows or none (finance officers)',
        description:
          'CSV with the header service_line,period,amount,driver,description; amount in pounds. A pool that exists ' +
          '(same line, period and driver) gets a new version. A wrong row rejects the file with ERR_IMPORT_REJECTED and ' +
          '`details.rows` ([{line, field, message}]).',
        tags: ['billing'],
        body: Type.Object({ csv: Type.String({ maxLength: 5_000_000 }) }, { additionalProperties: false }),
        response: { 200: Counts, ...errors },
      },
    },
    async (request) => pools.importPools(callerOf(request), request.body.csv),
  );

  app.get(
    '/driver-values',
    {
      schema: {
        summary: 'Driver values: the host’s people see all, a partner’s managers their own',
        tags: ['billing'],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                organisation: Type.Union([Type.String(), Type.Null()]),
                serviceLine: Type.Union([Type.String(), Type.Null()]),
                driver: Type.String(),
                period: Type.String(),
                basis: Type.String(),
                value: Type.String(),
                version: Type.Integer(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({
      data: (await pools.driverValues(callerOf(request))).map((v) => ({
        id: v.id,
        organisation: v.orgCode,
        serviceLine: v.serviceLineCode,
        driver: v.driver,
        period: v.period,
        basis: v.basis,
        value: formatQuantity(v.value),
        version: v.version,
      })),
    }),
  );

  app.post(
    '/driver-values/import',
    {
      schema: {
        summary: 'Import driver values from CSV: all rows or none (finance officers)',
        description:
          'CSV with the header organisation,service_line,driver,value,period. basis is estimate (the default: what is ' +
          'billed on) or actual (the year’s figures, for the true-up). A value for an organisation that takes the ' +
          'line on no day of the period is refused, the host excepted.',
        tags: ['billing'],
        body: Type.Object(
          {
            csv: Type.String({ maxLength: 5_000_000 }),
            basis: Type.Optional(Type.String({ enum: ['estimate', 'actual'] })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Counts, ...errors },
      },
    },
    async (request) =>
      pools.importDrivers(
        callerOf(request),
        request.body.csv,
        request.body.basis === 'actual' ? 'actual' : 'estimate',
      ),
  );
};
