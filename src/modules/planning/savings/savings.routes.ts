import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldErrors } from '../../../platform/errors.js';
import {
  callerOf,
  fieldErrorsOf,
  formBody,
  formErrors,
  formatMoney,
  translate,
} from '../../../platform/web/index.js';
import { planningRole } from '../planning.policy.js';
import type { ImportProblem, SavingsService } from './savings.service.js';
import { ledgerPage } from './savings.present.js';

const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.savings.${key}`, params);
const LEDGER = '/planning/savings';
const BASELINES = '/planning/savings/baselines';
const BASELINE_FIELDS = ['organisation', 'serviceLine', 'year', 'amount', 'source'];

type Query = Record<string, string | undefined>;

/** The savings ledger's pages: the ledger, the tolerance, baselines by form and by CSV. */
export async function savingsRoutes(app: FastifyInstance, options: { savings: SavingsService }) {
  const { savings } = options;

  const ledger = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: FieldErrors,
    tolerance?: string,
  ) => {
    const caller = callerOf(request);
    const query = request.query as Query;
    const view = await savings.ledgerSummary(caller, query.organisation);
    const { errorList, fields } = formErrors(errors ?? {}, ['percent']);
    const page = ledgerPage(view, query);
    return reply.status(errors ? 400 : 200).page('planning/savings/views/ledger.njk', {
      title:
        view.scope === 'partner'
          ? t('partnerTitle', { organisation: caller.principal.org.name })
          : t('title'),
      scope: view.scope,
      view: page,
      canKeep: planningRole(caller.principal) === 'builder',
      tolerance: tolerance ?? page.tolerancePercent,
      notice: query.done === 'tolerance' ? t('notices.tolerance') : undefined,
      errorList,
      fields,
    });
  };

  app.get(LEDGER, (request, reply) => ledger(request, reply));

  app.post(`${LEDGER}/tolerance`, async (request, reply) => {
    const percent = formBody(request).percent;
    try {
      await savings.setTolerance(callerOf(request), percent);
      return reply.redirect(`${LEDGER}?done=tolerance`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return ledger(request, reply, errors, typeof percent === 'string' ? percent : '');
    }
  });

  const baselinesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: {
      values?: Record<string, unknown>;
      errors?: FieldErrors;
      csv?: string;
      rows?: ImportProblem[];
    } = {},
  ) => {
    const caller = callerOf(request);
    const query = request.query as Query;
    const year = query.year && /^\d{4}-\d{2}$/.test(query.year) ? query.year : undefined;
    const list = await savings.baselines(caller, year);
    const canKeep = planningRole(caller.principal) === 'builder';
    const choices = canKeep ? await savings.choices(caller) : { organisations: [], lines: [] };
    const problems = (data.rows ?? []).map((row) => ({
      line: row.line,
      text: t('baselines.lineProblem', { line: row.line, problem: translate(row.message) }),
    }));
    const { errorList, fields } = formErrors(data.errors ?? {}, BASELINE_FIELDS);
    const values = data.values ?? {};
    return reply
      .status(data.errors || problems.length ? 400 : 200)
      .page('planning/savings/views/baselines.njk', {
        title: t('baselines.title'),
        baselines: list.map((b) => ({ ...b, amount: formatMoney(b.amountPence) })),
        year,
        years: [...new Set(list.map((b) => b.year))],
        canKeep,
        organisations: [{ value: '', text: t('baselines.choose') }].concat(
          choices.organisations.map((o) => ({
            value: o.code,
            text: o.name,
            selected: values.organisation === o.code,
          })),
        ),
        lines: [{ value: '', text: t('baselines.choose') }].concat(
          choices.lines.map((l) => ({
            value: l.code,
            text: l.name,
            selected: values.serviceLine === l.code,
          })),
        ),
        values,
        csv: data.csv ?? '',
        problems,
        errorList: problems.length ? problems.map((p) => ({ text: p.text, href: '#csv' })) : errorList,
        fields: problems.length ? { csv: { text: t('baselines.fix', { count: problems.length }) } } : fields,
        notice:
          query.done === 'baseline'
            ? t('notices.baseline')
            : query.done === 'imported'
              ? t('notices.imported', {
                  added: Number(query.added) || 0,
                  changed: Number(query.changed) || 0,
                  unchanged: Number(query.unchanged) || 0,
                })
              : undefined,
      });
  };

  app.get(BASELINES, (request, reply) => baselinesPage(request, reply));

  app.post(BASELINES, async (request, reply) => {
    const values = formBody(request);
    try {
      await savings.recordBaseline(callerOf(request), values);
      return reply.redirect(`${BASELINES}?done=baseline`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return baselinesPage(request, reply, { values, errors });
    }
  });

  app.post(`${BASELINES}/import`, async (request, reply) => {
    const form = formBody(request);
    const csv = typeof form.csv === 'string' ? form.csv : '';
    try {
      const counts = await savings.importBaselines(callerOf(request), csv);
      return reply.redirect(
        `${BASELINES}?done=imported&added=${counts.added}&changed=${counts.changed}&unchanged=${counts.unchanged}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'ERR_IMPORT_REJECTED') throw error;
      return baselinesPage(request, reply, {
        csv,
        rows: (error.details?.rows as ImportProblem[] | undefined) ?? [],
      });
    }
  });
}
