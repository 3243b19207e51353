import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled, inputValidator } from '../../../platform/api/index.js';
import type { TermsService, TermsView } from './terms.service.js';
import { OrganisationParams, SignBody, TermsBody, TermsSchema, VersionParams } from './terms.schemas.js';

/** A version as the API gives it. */
export function presentTerms(version: TermsView) {
  return {
    id: version.id,
    version: version.version,
    status: version.status,
    state: version.state,
    effectiveFrom: version.effectiveFrom,
    effectiveUntil: version.effectiveUntil,
    reviewOn: version.reviewOn,
    noticeMonths: version.noticeMonths,
    exitCostSharing: version.exitCostSharing,
    dataSharingRole: version.dataSharingRole,
    notes: version.notes,
    lines: version.lines.map((line) => ({
      serviceLine: { code: line.code, name: line.name },
      chargingModel: line.chargingModel,
    })),
    signedOn: version.signedOn,
    signedForPartner: version.signedForPartner,
    signedBy: version.signedByName,
  };
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const TAGS = ['agreements'];

/** The terms agreed with each partner, version by version. */
export const termsApi: FastifyPluginAsyncTypebox<{ terms: TermsService }> = async (app, { terms }) => {
  app.setValidatorCompiler(inputValidator);

  app.get(
    '/organisations/:id/agreement-versions',
    {
      schema: {
        summary:
          'Every version of the terms agreed with a partner, newest first (the host’s executives, platform administrators, finance officers and service managers; the partner’s own managers)',
        tags: TAGS,
        params: OrganisationParams,
        response: {
          200: Type.Object({ data: Type.Array(TermsSchema) }),
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({
      data: (await terms.list(callerOf(request), request.params.id)).versions.map(presentTerms),
    }),
  );

  app.get(
    '/organisations/:id/agreement-versions/:versionId',
    {
      schema: {
        summary: 'One version of the terms agreed with a partner',
        tags: TAGS,
        params: VersionParams,
        response: { 200: TermsSchema, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      presentTerms((await terms.get(callerOf(request), request.params.id, request.params.versionId)).version),
  );

  app.post(
    '/organisations/:id/agreement-versions',
    {
      schema: {
        summary:
          'Draft the next version of the terms agreed with a partner (executives and platform administrators)',
        description:
          'One draft at a time (ERR_AGREEMENT_DRAFT_EXISTS). A version must start after every signed version of the same partner (ERR_AGREEMENT_VERSION_OVERLAP).',
        tags: TAGS,
        params: OrganisationParams,
        body: TermsBody,
        response: { 201: TermsSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentTerms(await terms.draft(callerOf(request), request.params.id, filled(request.body)))),
  );

  app.put(
    '/organisations/:id/agreement-versions/:versionId',
    {
      schema: {
        summary: 'Change a draft version (a signed version never changes: ERR_AGREEMENT_VERSION_SIGNED)',
        tags: TAGS,
        params: VersionParams,
        body: TermsBody,
        response: { 200: TermsSchema, ...errors },
      },
    },
    async (request) =>
      presentTerms(
        await terms.revise(
          callerOf(request),
          request.params.id,
          request.params.versionId,
          filled(request.body),
        ),
      ),
  );

  app.post(
    '/organisations/:id/agreement-versions/:versionId/signature',
    {
      schema: {
        summary: 'Sign a draft version: from then on it never changes',
        tags: TAGS,
        params: VersionParams,
        body: SignBody,
        response: { 200: TermsSchema, ...errors },
      },
    },
    async (request) =>
      presentTerms(
        await terms.sign(
          callerOf(request),
          request.params.id,
          request.params.versionId,
          filled(request.body),
        ),
      ),
  );

  app.delete(
    '/organisations/:id/agreement-versions/:versionId',
    {
      schema: {
        summary: 'Discard a draft version',
        tags: TAGS,
        params: VersionParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await terms.discard(callerOf(request), request.params.id, request.params.versionId);
      return reply.status(204).send(null);
    },
  );
};
