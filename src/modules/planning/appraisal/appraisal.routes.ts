import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/index.js';
import {
  callerOf,
  fieldErrorsOf,
  formBody,
  formatDate,
  formatDateTime,
  translate,
  translatePlural,
} from '../../../platform/web/index.js';
import { planningPolicy, planningRole } from '../planning.policy.js';
import { caseApproved } from '../planning.errors.js';
import { formVersion, pinErrors } from '../planning.forms.js';
import type { AppraisalService } from './appraisal.service.js';
import { caseBody } from './appraisal.input.js';
import { casePage } from './appraisal.present.js';
import { EMPTY_CASE, detailsChange, detailsField, shortlistRows } from './appraisal.forms.js';
import { editingRoutes } from './appraisal.editing.js';

const t = (key: string, params: Record<string, string | number> = {}) => translate(`planning.${key}`, params);
const BASE = '/planning/business-cases';
const NOTICES: Record<string, string> = {
  created: 'pages.notices.created',
  saved: 'pages.notices.saved',
  approved: 'pages.notices.approved',
  removed: 'pages.notices.removed',
};

type Params = { id: string };

/** The pages of business cases: the list, a case, creating one (by form or from its JSON) and approving it. */
export async function appraisalRoutes(app: FastifyInstance, options: { appraisal: AppraisalService }) {
  const { appraisal } = options;
  const notice = (request: FastifyRequest) => {
    const key = (request.query as Record<string, string | undefined>).done;
    return key && NOTICES[key] ? t(NOTICES[key]) : undefined;
  };

  const detailsForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    data: {
      id?: string;
      version?: number;
      body: ReturnType<typeof caseBody>;
      form?: Record<string, unknown>;
    },
    errors?: Record<string, string>,
    rowOf: number[] = [],
  ) => {
    const { errorList, fields } = pinErrors(errors ?? {}, (path) => detailsField(path, rowOf));
    const form = data.form;
    const value = (name: 'title' | 'baseYear' | 'horizonYears') =>
      form ? ((form[name] as string | undefined) ?? '') : data.body[name] ? String(data.body[name]) : '';
    return reply.status(errors ? 400 : 200).page('planning/appraisal/views/case-form.njk', {
      title: data.id ? t('pages.details.editTitle') : t('pages.details.newTitle'),
      action: data.id ? `${BASE}/${data.id}/edit` : BASE,
      back: data.id ? `${BASE}/${data.id}` : BASE,
      version: data.version,
      values: {
        title: value('title'),
        baseYear: value('baseYear') || '2026-27',
        horizonYears: value('horizonYears') || '10',
      },
      rows: shortlistRows(data.body, form),
      kinds: ['business_as_usual', 'do_minimum', 'other'].map((kind) => ({
        value: kind,
        text: t(`kinds.${kind}`),
      })),
      errorList,
      fields,
    });
  };

  app.get(BASE, async (request, reply) => {
    const caller = callerOf(request);
    const list = await appraisal.list(caller);
    return reply.page('planning/appraisal/views/business-cases.njk', {
      title: t('pages.list.title'),
      cases: list.map((c) => ({ ...c, statusText: t(`statuses.${c.status}`) })),
      canBuild: planningRole(caller.principal) === 'builder',
      notice: notice(request),
    });
  });

  app.get(`${BASE}/new`, async (request, reply) => {
    planningPolicy.buildPlans(callerOf(request).principal);
    return detailsForm(request, reply, { body: EMPTY_CASE });
  });

  /** "Add another option" on the details form: the same form with one more row, nothing saved. */
  const withRow = (form: Record<string, unknown>) => ({
    ...form,
    rows: String(Math.min(20, (Number(form.rows) || 4) + 1)),
  });

  app.post(BASE, async (request, reply) => {
    const form = formBody(request);
    if (form.action === 'addRow') {
      planningPolicy.buildPlans(callerOf(request).principal);
      return detailsForm(request, reply, { body: EMPTY_CASE, form: withRow(form) });
    }
    const { change, rowOf } = detailsChange(form);
    try {
      const id = await appraisal.create(callerOf(request), change(EMPTY_CASE));
      return reply.redirect(`${BASE}/${id}?done=created`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return detailsForm(request, reply, { body: EMPTY_CASE, form }, errors, rowOf);
    }
  });

  const uploadPage = (reply: FastifyReply, json = '', errors?: Record<string, string>) =>
    reply.status(errors ? 400 : 200).page('planning/appraisal/views/upload.njk', {
      title: t('pages.upload.title'),
      json,
      problems: Object.entries(errors ?? {}).map(([path, message]) => ({ path, text: translate(message) })),
      errorList: errors
        ? [{ text: t('pages.upload.problems', { count: Object.keys(errors).length }), href: '#json' }]
        : [],
      fields: errors
        ? { json: { text: t('pages.upload.problems', { count: Object.keys(errors).length }) } }
        : {},
    });

  app.get(`${BASE}/upload`, async (request, reply) => {
    planningPolicy.buildPlans(callerOf(request).principal);
    return uploadPage(reply);
  });

  app.post(`${BASE}/upload`, async (request, reply) => {
    const json = typeof formBody(request).json === 'string' ? (formBody(request).json as string) : '';
    let body: unknown;
    try {
      body = JSON.parse(json);
    } catch {
      return uploadPage(reply, json, { json: t('pages.upload.notJson') });
    }
    try {
      const id = await appraisal.create(callerOf(request), body);
      return reply.redirect(`${BASE}/${id}?done=created`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return uploadPage(reply, json, errors);
    }
  });

  app.get(`${BASE}/:id`, async (request, reply) => {
    const caller = callerOf(request);
    const found = await appraisal.get(caller, (request.params as Params).id);
    const builder = planningRole(caller.principal) === 'builder';
    return reply.page('planning/appraisal/views/case.njk', {
      title: found.title,
      found,
      statusText: t(`statuses.${found.status}`),
      summary: [
        { key: { text: t('pages.list.baseYear') }, value: { text: found.baseYear } },
        {
          key: { text: t('pages.list.horizon') },
          value: { text: translatePlural('planning.pages.list.years', found.horizonYears) },
        },
        { key: { text: t('pages.list.preferred') }, value: { text: found.preferred ?? '' } },
        found.approvedAt
          ? {
              key: { text: t('pages.case.approvedBy') },
              value: {
                text: t('pages.case.approvedOn', {
                  name: found.approvedByName ?? '',
                  date: formatDate(found.approvedAt),
                }),
              },
            }
          : { key: { text: t('pages.list.updated') }, value: { text: formatDateTime(found.updatedAt) } },
      ],
      canEdit: builder && found.status === 'draft',
      canApprove: found.status === 'draft' && hasRole(caller.principal, 'executive'),
      view: casePage(found),
      notice: notice(request),
    });
  });

  app.get(`${BASE}/:id/case.json`, async (request, reply) => {
    const found = await appraisal.get(callerOf(request), (request.params as Params).id);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="business-case-${found.id}.json"`)
      .send(JSON.stringify(caseBody(found.input), null, 2));
  });

  app.get(`${BASE}/:id/edit`, async (request, reply) => {
    const caller = callerOf(request);
    const found = await appraisal.get(caller, (request.params as Params).id);
    planningPolicy.buildPlans(caller.principal);
    if (found.status !== 'draft') throw caseApproved();
    return detailsForm(request, reply, { id: found.id, version: found.version, body: caseBody(found.input) });
  });

  app.post(`${BASE}/:id/edit`, async (request, reply) => {
    const { id } = request.params as Params;
    const form = formBody(request);
    if (form.action === 'addRow') {
      const found = await appraisal.get(callerOf(request), id);
      planningPolicy.buildPlans(callerOf(request).principal);
      const body = caseBody(found.input);
      return detailsForm(request, reply, { id, version: formVersion(form), body, form: withRow(form) });
    }
    const { change, rowOf } = detailsChange(form);
    try {
      await appraisal.change(callerOf(request), id, formVersion(form), change);
      return reply.redirect(`${BASE}/${id}?done=saved`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const found = await appraisal.get(callerOf(request), id);
      return detailsForm(
        request,
        reply,
        { id, version: formVersion(form), body: caseBody(found.input), form },
        errors,
        rowOf,
      );
    }
  });

  app.get(`${BASE}/:id/approve`, async (request, reply) => {
    const caller = callerOf(request);
    const found = await appraisal.get(caller, (request.params as Params).id);
    const view = casePage(found);
    return reply.page('planning/appraisal/views/approve.njk', {
      title: t('pages.approve.title', { title: found.title }),
      found,
      preferred: view.rows.find((row) => row.preferred),
      canApprove: found.status === 'draft' && hasRole(caller.principal, 'executive'),
    });
  });

  app.post(`${BASE}/:id/approve`, async (request, reply) => {
    const { id } = request.params as Params;
    await appraisal.approve(callerOf(request), id, formVersion(formBody(request)));
    return reply.redirect(`${BASE}/${id}?done=approved`, 303);
  });

  app.post(`${BASE}/:id/remove`, async (request, reply) => {
    await appraisal.remove(callerOf(request), (request.params as Params).id);
    return reply.redirect(`${BASE}?done=removed`, 303);
  });

  await editingRoutes(app, { appraisal });
}
