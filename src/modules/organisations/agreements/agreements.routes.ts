import './agreements.messages.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf, inputValidator } from '../../../platform/api/index.js';
import {
  callerOf,
  datesAndErrors,
  submitForm,
  formBody,
  readDates,
  translate,
  type WantedDate,
} from '../../../platform/web/index.js';
import { londonDate } from '../../../kernel/dates.js';
import type { AgreementsService } from './agreements.service.js';
import { organisationsPolicy as policy } from '../organisations.policy.js';
import {
  AgreementBody,
  AgreementEndBody,
  AgreementParams,
  OrganisationParams,
} from './agreements.schemas.js';

type Values = Record<string, unknown>;
const added = inputOf(AgreementBody);
const ended = inputOf(AgreementEndBody);

/** The agreement's dates, as its forms ask for them. */
const VALID_FROM: WantedDate = { name: 'validFrom', what: 'agreements.validFromWhat' };
const VALID_TO: WantedDate = { name: 'validTo', what: 'agreements.validToWhat', optional: true };

/** Which service lines a partner takes, on pages: for platform administrators. */
export async function agreementsRoutes(app: FastifyInstance, options: { agreements: AgreementsService }) {
  const { agreements } = options;
  app.setValidatorCompiler(inputValidator);

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const view = await agreements.list(callerOf(request), id);
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [{ ...VALID_FROM, stored: londonDate() }, VALID_TO],
      data.errors ?? {},
      ['serviceLine', 'validFrom', 'validTo'],
    );
    const query = request.query as Record<string, string | undefined>;
    return reply.status(data.errors ? 400 : 200).page('organisations/agreements/views/agreements.njk', {
      title: translate('agreements.title'),
      view,
      values: data.values ?? {},
      dates,
      errorList,
      fields,
      notice: query.added
        ? translate('agreements.added')
        : query.ended
          ? translate('agreements.ended')
          : undefined,
    });
  };

  const endPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    params: { id: string; agreementId: string },
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const { organisation, agreement } = await agreements.get(
      callerOf(request),
      params.id,
      params.agreementId,
    );
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [{ ...VALID_TO, optional: false, stored: agreement.validTo }],
      data.errors ?? {},
      ['validTo'],
    );
    return reply.status(data.errors ? 400 : 200).page('organisations/agreements/views/agreement-end.njk', {
      title: translate('agreements.endTitle', {
        line: agreement.serviceLineName,
        organisation: organisation.name,
      }),
      organisation,
      agreement,
      dates,
      errorList,
      fields,
    });
  };

  app.get(
    '/organisations/:id/service-lines',
    { schema: { hide: true, params: OrganisationParams } },
    (request, reply) => listPage(request, reply, (request.params as { id: string }).id),
  );

  app.post(
    '/organisations/:id/service-lines',
    { schema: { hide: true, params: OrganisationParams } },
    (request, reply) => {
      const { id } = request.params as { id: string };
      // Refused before the form is read: a person who may not record agreements is not shown errors in one.
      policy.recordAgreements(callerOf(request).principal, id);
      const body = formBody(request);
      const again = (errors: FieldErrors) => listPage(request, reply, id, { values: body, errors });
      const read = readDates(body, [VALID_FROM, VALID_TO]);
      const input = added.fromForm(read.values);
      if (input.errors || Object.keys(read.errors).length) return again({ ...input.errors, ...read.errors });
      return submitForm(
        reply,
        async () => {
          await agreements.add(callerOf(request), id, input.value);
          return `/organisations/${id}/service-lines?added=1`;
        },
        again,
      );
    },
  );

  app.get(
    '/organisations/:id/service-lines/:agreementId/end',
    { schema: { hide: true, params: AgreementParams } },
    (request, reply) => endPage(request, reply, request.params as { id: string; agreementId: string }),
  );

  app.post(
    '/organisations/:id/service-lines/:agreementId/end',
    { schema: { hide: true, params: AgreementParams } },
    (request, reply) => {
      const params = request.params as { id: string; agreementId: string };
      policy.recordAgreements(callerOf(request).principal, params.id);
      const body = formBody(request);
      const again = (errors: FieldErrors) => endPage(request, reply, params, { values: body, errors });
      const read = readDates(body, [{ ...VALID_TO, optional: false }]);
      const input = ended.fromForm(read.values);
      if (input.errors || Object.keys(read.errors).length) return again({ ...input.errors, ...read.errors });
      return submitForm(
        reply,
        async () => {
          await agreements.end(callerOf(request), params.id, params.agreementId, input.value.validTo);
          return `/organisations/${params.id}/service-lines?ended=1`;
        },
        again,
      );
    },
  );
}
