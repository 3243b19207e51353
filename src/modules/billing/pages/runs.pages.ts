import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, notFound, type FieldErrors } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { periodInWords } from '../../../kernel/periods.js';
import { callerOf, formBody, formErrors, formatDate, formatMoney } from '../../../platform/web/index.js';
import type { BillingServices } from '../billing.services.js';
import { billingRole } from '../billing.policy.js';
import { canSeeTeckal, type TeckalIndicator } from '../teckal/teckal.service.js';
import { journalCsv, statementLinesCsv } from '../statements/statements.csv.js';
import type { Run } from '../runs/runs.repository.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import { percentOf, runRow, statementRow, t } from './present.js';
import './recharges.messages.js';

const RUNS = '/recharges';
const START_FIELDS = ['period', 'kind', 'organisations'];
const ACTIONS = ['compute', 'review', 'issue', 'discard'] as const;
type Action = (typeof ACTIONS)[number];

type Query = Record<string, string | undefined>;

/** The Teckal indicator as its panel shows it. */
function teckalPanel(indicator: TeckalIndicator) {
  return {
    share: percentOf(indicator.shareBasisPoints),
    limit: percentOf(indicator.limitBasisPoints),
    status: indicator.status,
    tag: {
      text: t(`teckal.${indicator.status}`),
      classes: { within: 'govuk-tag--green', approaching: 'govuk-tag--yellow', over: 'govuk-tag--red' }[
        indicator.status
      ],
    },
    years: indicator.years.map((year) => ({
      year: periodInWords(year.financialYear),
      turnover: formatMoney(year.turnoverPence),
      others: formatMoney(year.othersPence),
      share: percentOf(year.shareBasisPoints),
    })),
    turnover: formatMoney(indicator.turnoverPence),
    others: formatMoney(indicator.othersPence),
  };
}

/** The service's field problems as the start form words them. */
function startErrors(errors: FieldErrors): FieldErrors {
  const worded: FieldErrors = {};
  for (const [field, problem] of Object.entries(errors)) {
    if (field === 'period')
      worded.period = String(problem).includes('true-up')
        ? t('runs.errors.periodTrueUp')
        : t('runs.errors.period');
    else if (field === 'organisations')
      worded.organisations = t('runs.errors.organisations', { detail: String(problem).replace(/^.*: /, '') });
    else if (field === 'kind') worded.kind = t('runs.errors.kind');
    else worded[field] = problem;
  }
  return worded;
}

/** The recharge runs' pages: the list with the Teckal indicator and a new run, a run, its downloads. */
export async function runsPages(app: FastifyInstance, options: { billing: BillingServices }) {
  const { runs, statements, teckal } = options.billing;

  const runsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    failed?: { values: Record<string, unknown>; errors: FieldErrors },
  ) => {
    const caller = callerOf(request);
    const list = await runs.list(caller);
    const indicator = canSeeTeckal(caller.principal) ? await teckal.indicator(caller) : null;
    const { errorList, fields } = formErrors(failed?.errors ?? {}, START_FIELDS, { kind: 'kind' });
    const query = request.query as Query;
    return reply.status(failed ? 400 : 200).page('billing/pages/views/runs.njk', {
      title: t('runs.title'),
      runs: list.map(runRow),
      teckal: indicator ? teckalPanel(indicator) : null,
      canRun: billingRole(caller.principal) === 'finance',
      values: failed?.values ?? { kind: 'charge' },
      errorList,
      fields,
      notice: query.done === 'discarded' ? t('run.notices.discarded') : undefined,
    });
  };

  app.get(RUNS, (request, reply) => runsPage(request, reply));

  app.post(RUNS, async (request, reply) => {
    const values = formBody(request);
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const organisations = text(values.organisations)
      .split(/[\s,;]+/)
      .filter(Boolean);
    try {
      const { run } = await runs.create(callerOf(request), {
        period: text(values.period),
        kind: text(values.kind),
        organisations,
      });
      return reply.redirect(`${RUNS}/${run.id}?done=started`, 303);
    } catch (error) {
      if (
        !(error instanceof DomainError) ||
        (error.code !== 'ERR_VALIDATION' && error.code !== 'ERR_INVALID_PERIOD')
      )
        throw error;
      const fields = (error.details?.fields ?? { period: error.message }) as FieldErrors;
      return runsPage(request, reply, { values, errors: startErrors(fields) });
    }
  });

  const runOf = async (request: FastifyRequest): Promise<Run> => {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) throw notFound('That recharge run');
    return runs.get(callerOf(request), id);
  };

  const runPage = async (request: FastifyRequest, reply: FastifyReply, problem?: string) => {
    const caller = callerOf(request);
    const run = await runOf(request);
    const list = await statements.list(caller, { runId: run.id });
    const query = request.query as Query;
    const done = query.done ?? '';
    const notices: Record<string, string> = {
      started: t('runs.started', { period: periodInWords(run.period) }),
      computed: t('run.notices.computed'),
      unchanged: t('run.notices.unchanged'),
      reviewed: t('run.notices.reviewed'),
      issued: t('run.notices.issued'),
    };
    const finance = billingRole(caller.principal) === 'finance';
    return reply.status(problem ? 409 : 200).page('billing/pages/views/run.njk', {
      title: `${t(`kinds.${run.kind}`)}: ${periodInWords(run.period)}`,
      run: runRow(run),
      organisations: run.orgIds
        ? list.map((s) => s.org_name).filter((n, i, all) => all.indexOf(n) === i)
        : null,
      warnings: run.warnings,
      unpriced: run.unpriced.map((u) => ({
        organisation: u.organisation,
        offering: u.offering,
        days:
          u.firstDay === u.lastDay
            ? formatDate(u.firstDay)
            : t('run.dates', { from: formatDate(u.firstDay), to: formatDate(u.lastDay) }),
        quantity: formatQuantity(BigInt(u.quantity)),
        events: u.events,
      })),
      statements: list
        .sort((a, b) => a.org_name.localeCompare(b.org_name) || a.kind.localeCompare(b.kind))
        .map(statementRow),
      actions: finance
        ? {
            compute: run.status !== 'issued',
            review: run.status === 'draft' && run.computedAt !== null,
            issue: run.status === 'reviewed',
            discard: run.status !== 'issued',
          }
        : null,
      linesHref: `${RUNS}/${run.id}/lines.csv`,
      journalHref: `${RUNS}/${run.id}/journal.csv`,
      notice: Object.hasOwn(notices, done) ? notices[done] : undefined,
      errorList: problem ? [{ text: problem, href: '#actions' }] : [],
    });
  };

  app.get(`${RUNS}/:id`, (request, reply) => runPage(request, reply));

  for (const action of ACTIONS)
    app.post(`${RUNS}/:id/${action}`, async (request, reply) => {
      const caller = callerOf(request);
      const run = await runOf(request);
      try {
        const done = await perform(action, run.id);
        return reply.redirect(
          done === 'discarded' ? `${RUNS}?done=discarded` : `${RUNS}/${run.id}?done=${done}`,
          303,
        );
      } catch (error) {
        const refused =
          error instanceof DomainError &&
          (error.code.startsWith('ERR_RUN_') ||
            error.code === 'ERR_PERIOD_ALREADY_CHARGED' ||
            error.code === 'ERR_STATEMENT_ISSUED');
        if (!refused) throw error;
        return runPage(request, reply, error.message);
      }

      async function perform(what: Action, id: string): Promise<string> {
        if (what === 'compute') return (await runs.compute(caller, id)).changed ? 'computed' : 'unchanged';
        if (what === 'review') return (await runs.review(caller, id), 'reviewed');
        if (what === 'issue') return (await runs.issue(caller, id), 'issued');
        await runs.discard(caller, id);
        return 'discarded';
      }
    });

  app.get(`${RUNS}/:id/lines.csv`, async (request, reply) => {
    const run = await runOf(request);
    const csv = statementLinesCsv(await statements.ofRun(callerOf(request), run.id));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="recharge-${run.period}-lines.csv"`)
      .send(csv);
  });

  app.get(`${RUNS}/:id/journal.csv`, async (request, reply) => {
    const run = await runOf(request);
    const csv = journalCsv(await statements.journal(callerOf(request), run.id));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="recharge-${run.period}-journal.csv"`)
      .send(csv);
  });
}
