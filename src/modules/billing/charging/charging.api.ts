import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import { ArrangementSchema, presentArrangement } from '../billing.schemas.js';
import type { ChargingService } from './charging.service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

export const chargingApi: FastifyPluginAsyncTypebox<{ charging: ChargingService }> = async (
  app,
  { charging },
) => {
  app.get(
    '/charging-arrangements',
    {
      schema: {
        summary: 'How organisations pay for service lines',
        description: 'The host’s finance officers and executives see all; a partner’s managers their own.',
        tags: ['billing'],
        querystring: Type.Object(
          {
            organisation: Type.Optional(Type.String({ maxLength: 16 })),
            serviceLine: Type.Optional(Type.String({ maxLength: 16 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(ArrangementSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: (await charging.list(callerOf(request), request.query)).map(presentArrangement),
    }),
  );

  app.post(
    '/charging-arrangements',
    {
      schema: {
        summary: 'Add a charging arrangement (finance officers)',
        description:
          'model: per_unit, cost_pool (optional toleranceBasisPoints, default 300, and reviewPercent, default 10), ' +
          'fixed_contribution (annualAmount in pounds) or purchased_hours (blockHours a year, hourRate and overageRate in pounds). ' +
          'Two arrangements of one organisation for one line never overlap: ERR_ARRANGEMENT_OVERLAP (409).',
        tags: ['billing'],
        body: Type.Object(
          {
            organisation: Type.String({ maxLength: 16 }),
            serviceLine: Type.String({ maxLength: 16 }),
            model: Type.String({ enum: ['per_unit', 'cost_pool', 'fixed_contribution', 'purchased_hours'] }),
            validFrom: Type.String({ description: 'YYYY-MM-DD' }),
            validTo: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            annualAmount: Type.Optional(Type.String({ maxLength: 20 })),
            blockHours: Type.Optional(Type.String({ maxLength: 20 })),
            hourRate: Type.Optional(Type.String({ maxLength: 20 })),
            overageRate: Type.Optional(Type.String({ maxLength: 20 })),
            toleranceBasisPoints: Type.Optional(Type.Integer()),
            reviewPercent: Type.Optional(Type.Integer()),
          },
          { additionalProperties: false },
        ),
        response: { 201: ArrangementSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentArrangement(await charging.add(callerOf(request), request.body))),
  );

  app.patch(
    '/charging-arrangements/:id',
    {
      schema: {
        summary: 'End a charging arrangement on a day, or clear its end (finance officers)',
        tags: ['billing'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          { validTo: Type.Union([Type.String(), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: { 200: ArrangementSchema, ...errors },
      },
    },
    async (request) =>
      presentArrangement(await charging.end(callerOf(request), request.params.id, request.body.validTo)),
  );

  app.get(
    '/charging-arrangements/:id/balance',
    {
      schema: {
        summary: 'The balance of purchased hours in a financial year',
        tags: ['billing'],
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object(
          { on: Type.String({ description: 'A day of the year, YYYY-MM-DD' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            arrangementId: Type.String(),
            financialYear: Type.String(),
            blockHours: Type.String(),
            usedHours: Type.String(),
            remainingHours: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const balance = await charging.hoursBalance(callerOf(request), request.params.id, request.query.on);
      return {
        arrangementId: balance.arrangementId,
        financialYear: balance.financialYear,
        blockHours: formatQuantity(balance.blockHours),
        usedHours: formatQuantity(balance.usedHours),
        remainingHours: formatQuantity(balance.remainingHours),
      };
    },
  );
};
