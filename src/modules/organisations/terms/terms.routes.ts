import './terms.messages.js';
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
import { organisationsPolicy as policy } from '../organisations.policy.js';
import type { TermsService, TermsView } from './terms.service.js';
import {
  CHARGING_MODELS,
  DATA_SHARING_ROLES,
  OrganisationParams,
  SignBody,
  TermsBody,
  VersionParams,
} from './terms.schemas.js';

type Values = Record<string, unknown>;
type Params = { id: string; versionId: string };
const drafted = inputOf(TermsBody);
const signed = inputOf(SignBody);
const t = (key: string, params: Record<string, string | number> = {}) => translate(`terms.${key}`, params);

const EFFECTIVE_FROM: WantedDate = { name: 'effectiveFrom', what: 'terms.effectiveFromWhat' };
const REVIEW_ON: WantedDate = { name: 'reviewOn', what: 'terms.reviewOnWhat' };
const SIGNED_ON: WantedDate = { name: 'signedOn', what: 'terms.signedOnWhat' };
const FORM_ORDER = [
  'effectiveFrom',
  'reviewOn',
  'noticeMonths',
  'exitCostSharing',
  'dataSharingRole',
  'lines',
  'notes',
];

/** A line's field on the form: a charging model per service line, empty when it is not covered. */
const modelField = (code: string) => `model-${code}`;

/** The form's fields as the schema reads them: the lines from one select per service line. */
function termsFrom(body: Values, lineCodes: readonly string[]) {
  const read = readDates(body, [EFFECTIVE_FROM, REVIEW_ON]);
  const lines = lineCodes
    .map((code) => ({ serviceLine: code, chargingModel: body[modelField(code)] }))
    .filter((line) => typeof line.chargingModel === 'string' && line.chargingModel !== '');
  const checked = drafted.fromForm({ ...read.values, lines });
  return { checked, dateErrors: read.errors };
}

/** Problems on the lines, wherever the schema found them, shown once beside the lines. */
function linesTogether(errors: FieldErrors): FieldErrors {
  const together: FieldErrors = {};
  for (const [name, message] of Object.entries(errors)) {
    const key = name.startsWith('lines') ? 'lines' : name;
    together[key] ??= message;
  }
  return together;
}

const stateTag = (state: TermsView['state']) =>
  ({
    draft: 'govuk-tag--grey',
    in_force: 'govuk-tag--green',
    future: 'govuk-tag--blue',
    superseded: 'govuk-tag--grey',
  })[state];

/** The terms of each partner's agreement, on pages: read by the host and the partner, kept by the host. */
export async function termsRoutes(app: FastifyInstance, options: { terms: TermsService }) {
  const { terms } = options;
  app.setValidatorCompiler(inputValidator);
  const base = (id: string) => `/organisations/${id}/terms`;

  const submit = (
    reply: FastifyReply,
    change: () => Promise<string>,
    again: (errors: FieldErrors) => Promise<FastifyReply>,
  ) => submitForm(reply, change, (errors) => again(linesTogether(errors)));

  app.get(
    '/organisations/:id/terms',
    { schema: { hide: true, params: OrganisationParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const view = await terms.list(callerOf(request), id);
      const query = request.query as Record<string, string | undefined>;
      return reply.page('organisations/terms/views/versions.njk', {
        title: t('title'),
        view,
        tags: Object.fromEntries(view.versions.map((v) => [v.id, stateTag(v.state)])),
        hasDraft: view.versions.some((v) => v.status === 'draft'),
        notice: query.done ? t(query.done === 'discarded' ? 'discarded' : 'saved') : undefined,
      });
    },
  );

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    version: TermsView | undefined,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const { organisation, lines } = await terms.lines(callerOf(request), id);
    const stored = (name: string, value: string | number | undefined) =>
      data.values ? (data.values[name] ?? '') : (value ?? '');
    const models = new Map(version?.lines.map((line) => [line.code, line.chargingModel]));
    const firstLine = lines[0] ? modelField(lines[0].code) : 'lines';
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [
        { ...EFFECTIVE_FROM, stored: version?.effectiveFrom ?? null },
        { ...REVIEW_ON, stored: version?.reviewOn ?? null },
      ],
      data.errors ?? {},
      FORM_ORDER,
      { dataSharingRole: 'dataSharingRole', lines: firstLine },
    );
    return reply.status(data.errors ? 400 : 200).page('organisations/terms/views/version-form.njk', {
      title: version
        ? t('editTitle', { number: version.version })
        : t('newTitle', { organisation: organisation.name }),
      organisation,
      action: version ? `${base(organisation.id)}/${version.id}/edit` : base(organisation.id),
      values: {
        noticeMonths: stored('noticeMonths', version?.noticeMonths),
        exitCostSharing: stored('exitCostSharing', version?.exitCostSharing),
        dataSharingRole: stored('dataSharingRole', version?.dataSharingRole),
        notes: stored('notes', version?.notes),
      },
      roles: DATA_SHARING_ROLES,
      models: CHARGING_MODELS,
      lines: lines.map((line) => ({
        ...line,
        field: modelField(line.code),
        model: data.values ? (data.values[modelField(line.code)] ?? '') : (models.get(line.code) ?? ''),
      })),
      dates,
      errorList,
      fields,
    });
  };

  app.get(
    '/organisations/:id/terms/new',
    { schema: { hide: true, params: OrganisationParams } },
    (request, reply) => formPage(request, reply, (request.params as { id: string }).id, undefined),
  );

  app.post(
    '/organisations/:id/terms',
    { schema: { hide: true, params: OrganisationParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      policy.keepTerms(callerOf(request).principal, id);
      const body = formBody(request);
      const again = (errors: FieldErrors) =>
        formPage(request, reply, id, undefined, { values: body, errors });
      const { lines } = await terms.lines(callerOf(request), id);
      const { checked, dateErrors } = termsFrom(
        body,
        lines.map((l) => l.code),
      );
      if (checked.errors || Object.keys(dateErrors).length)
        return again(linesTogether({ ...checked.errors, ...dateErrors }));
      return submit(
        reply,
        async () => `${base(id)}/${(await terms.draft(callerOf(request), id, checked.value)).id}?done=saved`,
        again,
      );
    },
  );

  app.get(
    '/organisations/:id/terms/:versionId',
    { schema: { hide: true, params: VersionParams } },
    async (request, reply) => {
      const params = request.params as Params;
      const { organisation, version, canKeep } = await terms.get(
        callerOf(request),
        params.id,
        params.versionId,
      );
      const done = (request.query as Record<string, string | undefined>).done;
      return reply.page('organisations/terms/views/version.njk', {
        title: t('version', { number: version.version }),
        organisation,
        version,
        tag: stateTag(version.state),
        canKeep,
        notice: done ? t(done === 'signed' ? 'signedNotice' : 'saved') : undefined,
      });
    },
  );

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const params = request.params as Params;
    const { version } = await terms.get(callerOf(request), params.id, params.versionId);
    policy.keepTerms(callerOf(request).principal, params.id);
    return formPage(request, reply, params.id, version, data);
  };

  app.get(
    '/organisations/:id/terms/:versionId/edit',
    { schema: { hide: true, params: VersionParams } },
    (request, reply) => editPage(request, reply),
  );

  app.post(
    '/organisations/:id/terms/:versionId/edit',
    { schema: { hide: true, params: VersionParams } },
    async (request, reply) => {
      const params = request.params as Params;
      policy.keepTerms(callerOf(request).principal, params.id);
      const body = formBody(request);
      const again = (errors: FieldErrors) => editPage(request, reply, { values: body, errors });
      const { lines } = await terms.lines(callerOf(request), params.id);
      const { checked, dateErrors } = termsFrom(
        body,
        lines.map((l) => l.code),
      );
      if (checked.errors || Object.keys(dateErrors).length)
        return again(linesTogether({ ...checked.errors, ...dateErrors }));
      return submit(
        reply,
        async () => {
          await terms.revise(callerOf(request), params.id, params.versionId, checked.value);
          return `${base(params.id)}/${params.versionId}?done=saved`;
        },
        again,
      );
    },
  );

  const signPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const params = request.params as Params;
    policy.keepTerms(callerOf(request).principal, params.id);
    const { organisation, version } = await terms.get(callerOf(request), params.id, params.versionId);
    const { errorList, fields, dates } = datesAndErrors(data.values, [SIGNED_ON], data.errors ?? {}, [
      'signedOn',
      'signedForPartner',
    ]);
    return reply.status(data.errors ? 400 : 200).page('organisations/terms/views/sign.njk', {
      title: t('signTitle', { number: version.version, organisation: organisation.name }),
      organisation,
      version,
      values: { signedForPartner: data.values?.signedForPartner ?? '' },
      dates,
      errorList,
      fields,
    });
  };

  app.get(
    '/organisations/:id/terms/:versionId/sign',
    { schema: { hide: true, params: VersionParams } },
    (request, reply) => signPage(request, reply),
  );

  app.post(
    '/organisations/:id/terms/:versionId/sign',
    { schema: { hide: true, params: VersionParams } },
    (request, reply) => {
      const params = request.params as Params;
      policy.keepTerms(callerOf(request).principal, params.id);
      const body = formBody(request);
      const again = (errors: FieldErrors) => signPage(request, reply, { values: body, errors });
      const read = readDates(body, [SIGNED_ON]);
      const input = signed.fromForm(read.values);
      if (input.errors || Object.keys(read.errors).length) return again({ ...input.errors, ...read.errors });
      return submit(
        reply,
        async () => {
          await terms.sign(callerOf(request), params.id, params.versionId, input.value);
          return `${base(params.id)}/${params.versionId}?done=signed`;
        },
        again,
      );
    },
  );

  app.post(
    '/organisations/:id/terms/:versionId/discard',
    { schema: { hide: true, params: VersionParams } },
    async (request, reply) => {
      const params = request.params as Params;
      await terms.discard(callerOf(request), params.id, params.versionId);
      return reply.redirect(`${base(params.id)}?done=discarded`, 303);
    },
  );
}
