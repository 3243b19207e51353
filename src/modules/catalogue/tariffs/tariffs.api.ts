import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled } from '../../../platform/api/index.js';
import { formatPounds } from '../../../kernel/money.js';
import type { Tariff } from './tariffs.repository.js';
import type { TariffsService } from './tariffs.service.js';
import { ImportBody, TariffBody, TariffEndBody, TariffParams, TariffSchema } from './tariffs.schemas.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** A price as the API gives it: the organisation is the stored one's, never the request's. */
function present(tariff: Tariff) {
  return {
    id: tariff.id,
    offering: tariff.offeringCode,
    organisation: tariff.organisation?.code ?? null,
    unitPrice: formatPounds(tariff.pence),
    unitPricePence: tariff.pence,
    validFrom: tariff.validFrom,
    validTo: tariff.validTo,
  };
}

export const tariffsApi: FastifyPluginAsyncTypebox<{ tariffs: TariffsService }> = async (app, options) => {
  const { tariffs } = options;

  app.get(
    '/catalogue/tariffs',
    {
      schema: {
        summary:
          'Every price the caller may read, past, in force and agreed for later: a service manager those of the lines they keep, the host’s finance officers and executives all, a partner the standard prices and its own',
        tags: ['catalogue'],
        response: {
          200: Type.Object({ data: Type.Array(TariffSchema) }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({ data: (await tariffs.list(callerOf(request))).tariffs.map(present) }),
  );

  app.post(
    '/catalogue/tariffs',
    {
      schema: {
        summary: 'Add a price (service managers of the line)',
        description: 'Prices of one offering for one organisation may not overlap in time.',
        tags: ['catalogue'],
        body: TariffBody,
        response: { 201: TariffSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await tariffs.add(callerOf(request), filled(request.body)))),
  );

  app.patch(
    '/catalogue/tariffs/:id',
    {
      schema: {
        summary: 'End a price on a date (it stays as history)',
        tags: ['catalogue'],
        params: TariffParams,
        body: TariffEndBody,
        response: { 200: TariffSchema, ...errors },
      },
    },
    async (request) => present(await tariffs.end(callerOf(request), request.params.id, request.body.validTo)),
  );

  app.post(
    '/catalogue/tariffs/import',
    {
      schema: {
        summary: 'Import prices from CSV: all rows or none',
        description:
          'CSV with the header offering,organisation,unit_price,valid_from,valid_to. Every row must have as many values as the header. A wrong row rejects the file with ERR_IMPORT_REJECTED and `details.rows` ([{line, field, message}]).',
        tags: ['catalogue'],
        body: ImportBody,
        response: { 200: Type.Object({ added: Type.Integer() }), ...errors },
      },
    },
    async (request) => tariffs.importTariffs(callerOf(request), request.body.csv),
  );
};
