import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled, inputValidator } from '../../../platform/api/index.js';
import type { AgreementsService, AgreementView } from './agreements.service.js';
import {
  AgreementBody,
  AgreementEndBody,
  AgreementParams,
  AgreementSchema,
  OrganisationParams,
} from './agreements.schemas.js';

function present(agreement: AgreementView) {
  return {
    id: agreement.id,
    serviceLine: { code: agreement.serviceLineCode, name: agreement.serviceLineName },
    validFrom: agreement.validFrom,
    validTo: agreement.validTo,
    status: agreement.status,
  };
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** Which service lines a partner takes: for platform administrators. */
export const agreementsApi: FastifyPluginAsyncTypebox<{ agreements: AgreementsService }> = async (
  app,
  options,
) => {
  const { agreements } = options;
  app.setValidatorCompiler(inputValidator);

  app.get(
    '/organisations/:id/service-lines',
    {
      schema: {
        summary:
          'The service lines an organisation takes, past, present and future (platform administrators, and the organisation’s partner managers)',
        tags: ['agreements'],
        params: OrganisationParams,
        response: {
          200: Type.Object({ data: Type.Array(AgreementSchema) }),
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({
      data: (await agreements.list(callerOf(request), request.params.id)).agreements.map(present),
    }),
  );

  app.post(
    '/organisations/:id/service-lines',
    {
      schema: {
        summary: 'Record that a partner takes a service line, from and to dates (platform administrators)',
        description:
          'Agreements of one partner for one line may not overlap in time (ERR_AGREEMENT_OVERLAP). Staff of the partner see the offerings of the lines it takes today.',
        tags: ['agreements'],
        params: OrganisationParams,
        body: AgreementBody,
        response: { 201: AgreementSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(present(await agreements.add(callerOf(request), request.params.id, filled(request.body)))),
  );

  app.patch(
    '/organisations/:id/service-lines/:agreementId',
    {
      schema: {
        summary: 'End an agreement on a date, its last day (platform administrators)',
        description: 'An end date can only move earlier; the agreement stays as history.',
        tags: ['agreements'],
        params: AgreementParams,
        body: AgreementEndBody,
        response: { 200: AgreementSchema, ...errors },
      },
    },
    async (request) =>
      present(
        await agreements.end(
          callerOf(request),
          request.params.id,
          request.params.agreementId,
          request.body.validTo,
        ),
      ),
  );
};
