import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { callerOf, formBody, formErrors, formatMoney, translate } from '../../../platform/web/index.js';
import { parsePence } from '../../../kernel/money.js';
import { notice, pageSchema, submit, type Values } from '../catalogue.pages.js';
import type { VariantsService } from './variants.service.js';
import { PageVariantParams, VariantBody } from './offerings.schemas.js';
import {
  builderView,
  checkedWithQuestions,
  draftsOf,
  postedQuestions,
  type QuestionDraft,
} from './question-builder.js';

const FIELDS = ['name', 'description', 'hidden', 'extraFields', 'slaPolicy', 'organisation'];
const reader = inputOf(VariantBody);

type View = Awaited<ReturnType<VariantsService['variant']>>;

/** What a variant changes, in words: prices as money, policies by name, visibility said. */
function differenceRows(view: View) {
  const policyName = (code: string) => view.policies.find((p) => p.code === code)?.name ?? code;
  const money = (pounds: string) => {
    const parsed = parsePence(pounds);
    return 'pence' in parsed ? formatMoney(parsed.pence) : '';
  };
  return view.differences.map((d) => {
    switch (d.field) {
      case 'price':
        return {
          ...d,
          standard: money(d.standard) || translate('catalogue.noPrice'),
          variant: money(d.variant),
        };
      case 'slaPolicy':
        return { ...d, standard: policyName(d.standard), variant: policyName(d.variant) };
      case 'hidden':
        return {
          ...d,
          standard: translate('catalogue.variants.visibility.visible'),
          variant: translate('catalogue.variants.visibility.hidden'),
        };
      case 'extraFields':
        return { ...d, standard: translate('common.none') };
      default:
        return d;
    }
  });
}

export async function variantsRoutes(app: FastifyInstance, options: { variants: VariantsService }) {
  const { variants } = options;

  const render = (
    request: FastifyRequest,
    reply: FastifyReply,
    view: View,
    data: { values?: Values; questions?: QuestionDraft[]; focus?: number | 'add'; errors?: FieldErrors } = {},
  ) => {
    const variant = view.variant;
    const questions = data.questions ?? draftsOf(variant?.extraFields ?? []);
    const builder = builderView(questions, data.focus, 'extraFields', FIELDS);
    const { errorList, fields } = formErrors(data.errors ?? {}, builder.order, { hidden: 'hidden' });
    const values = data.values ?? {
      name: variant?.name ?? '',
      description: variant?.description ?? '',
      hidden: variant?.hidden ? 'yes' : '',
      slaPolicy: view.policies.find((p) => p.id === variant?.slaPolicyId)?.code ?? '',
    };
    return reply.status(data.errors ? 400 : 200).page('catalogue/offerings/views/variant.njk', {
      title: translate('catalogue.variants.editTitle', {
        offering: view.offering.name,
        partner: view.partner.name,
      }),
      view,
      differences: differenceRows(view),
      values,
      ...builder.view,
      errorList,
      fields,
      notice: notice(request, { saved: 'catalogue.variants.saved' }),
    });
  };

  app.get(
    '/catalogue/offerings/:code/variants/:partner',
    pageSchema(PageVariantParams),
    async (request, reply) => {
      const { code, partner } = request.params as { code: string; partner: string };
      return render(request, reply, await variants.variant(callerOf(request), code, partner));
    },
  );

  app.post(
    '/catalogue/offerings/:code/variants/:partner',
    pageSchema(PageVariantParams),
    async (request, reply) => {
      const { code, partner } = request.params as { code: string; partner: string };
      const body = formBody(request);
      const { questions, change } = postedQuestions(body, 'extraFields');
      if (change)
        return render(request, reply, await variants.variant(callerOf(request), code, partner), {
          values: body,
          ...change,
        });
      return submit(
        reply,
        checkedWithQuestions(
          (extraFields) =>
            reader.fromForm({ ...body, extraFields, hidden: body.hidden === 'yes' ? 'yes' : 'no' }),
          questions,
          'extraFields',
        ),
        async (input) => {
          await variants.save(callerOf(request), code, partner, input);
          return `/catalogue/offerings/${code}/variants/${partner}?saved=1`;
        },
        async (errors) =>
          render(request, reply, await variants.variant(callerOf(request), code, partner), {
            values: body,
            questions,
            errors,
          }),
      );
    },
  );

  app.get('/catalogue/divergence', async (request, reply) =>
    reply.page('catalogue/offerings/views/divergence.njk', {
      title: translate('catalogue.divergence.title'),
      view: await variants.divergence(callerOf(request)),
    }),
  );
}
