import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf, withProblems } from '../../../platform/api/index.js';
import { callerOf, formBody, formErrors, translate } from '../../../platform/web/index.js';
import { CodeParams } from '../catalogue.schemas.js';
import { notice, pageSchema, submit, type Values } from '../catalogue.pages.js';
import { targetRows } from '../sla-policies/targets.js';
import { tariffRow } from '../tariffs/tariffs.routes.js';
import type { OfferingsService, Resolved } from './offerings.service.js';
import { NewOfferingBody, OfferingBody, STATUSES, UNITS } from './offerings.schemas.js';
import { priceProblem } from '../tariffs/tariffs.schemas.js';
import {
  builderView,
  checkedWithQuestions,
  draftsOf,
  postedQuestions,
  type QuestionDraft,
} from './question-builder.js';

const FIELDS = [
  'serviceLine',
  'code',
  'name',
  'description',
  'lgslId',
  'unit',
  'price',
  'formFields',
  'slaPolicy',
  'approvalRequired',
  'status',
];
const reader = inputOf(OfferingBody);
const newReader = inputOf(NewOfferingBody);

/** The offering form with its questions from the builder, every problem found in one pass. */
function offeringFromForm(body: Values, questions: QuestionDraft[]) {
  return checkedWithQuestions(
    (formFields) => reader.fromForm({ ...body, formFields }),
    questions,
    'formFields',
  );
}

/** The form of a new offering, which may give its standard price too. */
function newOfferingFromForm(body: Values, questions: QuestionDraft[]) {
  const checked = checkedWithQuestions(
    (formFields) => newReader.fromForm({ ...body, formFields }),
    questions,
    'formFields',
  );
  return withProblems(checked, body.price ? priceProblem(body.price, 'price') : {});
}

/** An offering as its page shows it: its SLA targets as sentences. */
const withTargets = (offering: Resolved) => ({
  ...offering,
  slaPolicy: offering.slaPolicy && {
    ...offering.slaPolicy,
    targetRows: targetRows(offering.slaPolicy.targets),
  },
});

export async function offeringsRoutes(app: FastifyInstance, options: { offerings: OfferingsService }) {
  const { offerings } = options;

  app.get('/catalogue', async (request, reply) => {
    const caller = callerOf(request);
    const home = await offerings.home(caller);
    const groups = new Map<string, { code: string; name: string; offerings: Resolved[] }>();
    for (const offering of home.offerings) {
      const group = groups.get(offering.serviceLine.code) ?? { ...offering.serviceLine, offerings: [] };
      group.offerings.push(offering);
      groups.set(offering.serviceLine.code, group);
    }
    return reply.page('catalogue/offerings/views/catalogue.njk', {
      title: translate('catalogue.title'),
      manager: home.manager,
      pricesOpen: 'pricesOpen' in home && home.pricesOpen,
      lines: home.lines,
      groups: [...groups.values()],
      // The host's staff (and platform administrators, who act in it) may open each line's page.
      linesOpen: caller.principal.org.role === 'host',
      notice: notice(request, { lineAdded: 'catalogue.serviceLineAdded' }),
    });
  });

  app.get('/catalogue/offerings/:code', pageSchema(CodeParams), async (request, reply) => {
    const page = await offerings.page(callerOf(request), (request.params as { code: string }).code);
    if ('manage' in page)
      return reply.page('catalogue/offerings/views/offering-manage.njk', {
        title: page.manage.offering.name,
        view: { ...page.manage, tariffs: page.manage.tariffs.map((tariff) => tariffRow(tariff)) },
        notice: notice(request, { added: 'catalogue.offeringAdded', saved: 'catalogue.offeringSaved' }),
      });
    return reply.page('catalogue/offerings/views/offering.njk', {
      title: page.resolved.name,
      offering: withTargets(page.resolved),
    });
  });

  const offeringForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: {
      code?: string;
      values?: Values;
      questions?: QuestionDraft[];
      focus?: number | 'add';
      errors?: FieldErrors;
    },
  ) => {
    const { lines, policies, offering, slaPolicy } = await offerings.form(callerOf(request), data.code);
    const questions = data.questions ?? draftsOf(offering?.formFields ?? []);
    const builder = builderView(questions, data.focus, 'formFields', FIELDS);
    const { errorList, fields } = formErrors(data.errors ?? {}, builder.order, {
      approvalRequired: 'approvalRequired',
      status: 'status',
    });
    const values =
      data.values ??
      (offering
        ? {
            ...offering,
            serviceLine: offering.serviceLineCode,
            slaPolicy: slaPolicy?.code,
            approvalRequired: offering.approvalRequired ? 'yes' : 'no',
            lgslId: offering.lgslId ?? '',
          }
        : { approvalRequired: 'no', status: 'active', unit: 'request' });
    return reply.status(data.errors ? 400 : 200).page('catalogue/offerings/views/offering-form.njk', {
      title: translate(data.code ? 'catalogue.editOffering' : 'catalogue.addOffering'),
      action: data.code ? `/catalogue/offerings/${data.code}` : '/catalogue/offerings',
      code: data.code,
      values,
      ...builder.view,
      lines,
      policies,
      units: UNITS,
      statuses: STATUSES,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/offerings/new', (request, reply) => offeringForm(request, reply, {}));

  app.post('/catalogue/offerings', async (request, reply) => {
    const body = formBody(request);
    const { questions, change } = postedQuestions(body, 'formFields');
    if (change) return offeringForm(request, reply, { values: body, ...change });
    return submit(
      reply,
      newOfferingFromForm(body, questions),
      async (input) =>
        `/catalogue/offerings/${(await offerings.add(callerOf(request), input)).offering.code}?added=1`,
      (errors) => offeringForm(request, reply, { values: body, questions, errors }),
    );
  });

  app.get('/catalogue/offerings/:code/edit', pageSchema(CodeParams), (request, reply) =>
    offeringForm(request, reply, { code: (request.params as { code: string }).code }),
  );

  app.post('/catalogue/offerings/:code', pageSchema(CodeParams), async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    const { questions, change } = postedQuestions(body, 'formFields');
    if (change) return offeringForm(request, reply, { code, values: body, ...change });
    return submit(
      reply,
      offeringFromForm({ ...body, code }, questions),
      async (input) =>
        `/catalogue/offerings/${(await offerings.change(callerOf(request), code, input)).offering.code}?saved=1`,
      (errors) => offeringForm(request, reply, { code, values: body, questions, errors }),
    );
  });
}
