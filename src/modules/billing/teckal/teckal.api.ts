import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import type { TeckalService } from './teckal.service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Pence = Type.Integer();

export const teckalApi: FastifyPluginAsyncTypebox<{ teckal: TeckalService }> = async (app, { teckal }) => {
  app.get(
    '/teckal',
    {
      schema: {
        summary: 'Work for organisations that do not control the host, against the 20% limit',
        description:
          'Over the three financial years up to the one containing asOf (today in England by default), from ' +
          'issued statements and credit notes. status: within, approaching (from 15%) or over (above 20%).',
        tags: ['recharging'],
        querystring: Type.Object({ asOf: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            years: Type.Array(
              Type.Object({
                financialYear: Type.String(),
                turnoverPence: Pence,
                othersPence: Pence,
                shareBasisPoints: Type.Integer(),
              }),
            ),
            turnoverPence: Pence,
            othersPence: Pence,
            shareBasisPoints: Type.Integer(),
            limitBasisPoints: Type.Integer(),
            status: Type.String({ enum: ['within', 'approaching', 'over'] }),
            organisations: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                controlling: Type.Boolean(),
                turnoverPence: Pence,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => teckal.indicator(callerOf(request), request.query.asOf),
  );

  app.put(
    '/teckal/controlling/:organisation',
    {
      schema: {
        summary: 'Record whether an organisation controls the host company (platform administrators)',
        tags: ['recharging'],
        params: Type.Object({ organisation: Type.String({ maxLength: 16 }) }),
        body: Type.Object({ controlling: Type.Boolean() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await teckal.setControlling(callerOf(request), request.params.organisation, request.body.controlling);
      return reply.status(204).send(null);
    },
  );
};
