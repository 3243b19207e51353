import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { periodInWords } from '../../../kernel/periods.js';
import { formatDateTime, formatMoney, callerOf } from '../../../platform/web/index.js';
import { notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import type { BillingServices } from '../billing.services.js';
import { billingRole } from '../billing.policy.js';
import { sendStatement } from '../statements/statements.api.js';
import type { LineEventsView, StatementRef } from '../statements/statements.service.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import { quantityInWords } from '../../metering/index.js';
import { percentOf, statementPage, statementRow, t } from './present.js';
import './recharges.messages.js';

type Query = Record<string, string | undefined>;

/** The statement an address names: `/statements/NUMBER…`, or a draft's `/recharges/RUN/statements/ORG…`. */
function refOf(request: FastifyRequest): StatementRef {
  const params = request.params as { number?: string; id?: string; organisation?: string };
  if (params.number !== undefined) return { number: params.number };
  if (!isUuid(params.id ?? '')) throw notFound('That statement');
  const { kind } = request.query as Query;
  return {
    runId: params.id!,
    organisation: params.organisation ?? '',
    kind: kind === 'credit_note' ? 'credit_note' : 'statement',
  };
}

/** A figure a line's source keeps in thousandths ("382500"), as people read it ("382.5"). */
function thousandths(value: unknown): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return /^-?\d+$/.test(text) ? quantityInWords(formatQuantity(BigInt(text)), null) : text;
}

/** What a line's source says, in words: the pool and driver values, a true-up, or purchased hours. */
function explanation(view: LineEventsView) {
  const source = view.line.source as Record<string, string | number | boolean | undefined>;
  if (view.line.kind === 'pool_share' && source.poolAmountPence !== undefined)
    return {
      heading: t('line.poolHeading'),
      text: t('line.poolText', {
        pool: formatMoney(String(source.poolAmountPence)),
        period: periodInWords(String(source.period ?? '')),
        driver: String(source.driver ?? '').replace(/_/g, ' '),
        value: thousandths(source.value),
        total: thousandths(source.totalValue),
        amount: formatMoney(view.line.amountPence),
      }),
    };
  if (view.line.kind === 'true_up')
    return {
      heading: t('line.trueUpHeading'),
      text: t('line.trueUpText', {
        estimated: percentOf(Number(source.estimatedShareBasisPoints ?? 0)),
        actual: percentOf(Number(source.actualShareBasisPoints ?? 0)),
        tolerance: percentOf(Number(source.toleranceBasisPoints ?? 0)),
      }),
    };
  if (source.blockHours !== undefined)
    return {
      heading: t('line.hoursHeading'),
      text: t('line.hoursText', {
        used: thousandths(source.hoursUsed),
        block: thousandths(source.blockHours),
        before: thousandths(source.hoursBefore),
      }),
    };
  return null;
}

/** Statements: a partner's own issued ones, the host's of every run; each line down to its events. */
export async function statementsPages(app: FastifyInstance, options: { billing: BillingServices }) {
  const { statements } = options.billing;

  app.get('/statements', async (request, reply) => {
    const caller = callerOf(request);
    const list = await statements.list(caller);
    const partner = billingRole(caller.principal) === 'partner';
    return reply.page('billing/pages/views/statements.njk', {
      title: partner
        ? t('statements.titleFor', { organisation: caller.principal.org.name })
        : t('statements.title'),
      partner,
      statements: list
        .filter((s) => s.number)
        .sort(
          (a, b) =>
            (b.issued_at?.getTime() ?? 0) - (a.issued_at?.getTime() ?? 0) || (a.number! < b.number! ? 1 : -1),
        )
        .map(statementRow),
    });
  });

  const statement = async (request: FastifyRequest, reply: FastifyReply) => {
    const view = await statements.get(callerOf(request), refOf(request));
    return reply.page('billing/pages/views/statement.njk', {
      title: statementPage(view).title,
      statement: statementPage(view),
      host: billingRole(callerOf(request).principal) !== 'partner',
    });
  };

  const line = async (request: FastifyRequest, reply: FastifyReply) => {
    const { line: lineText } = request.params as { line: string };
    const lineNo = /^\d{1,6}$/.test(lineText) ? Number(lineText) : NaN;
    if (!Number.isInteger(lineNo) || lineNo < 1) throw notFound('That line');
    const caller = callerOf(request);
    const ref = refOf(request);
    const query = request.query as Query;
    const view = await statements.get(caller, ref);
    const events = await statements.lineEvents(caller, ref, lineNo, { after: query.after, limit: 100 });
    const page = statementPage(view);
    const shown = page.serviceLines.flatMap((group) => group.lines).find((l) => l.line === lineNo)!;
    const kindQuery = query.kind === 'credit_note' ? 'kind=credit_note&' : '';
    return reply.page('billing/pages/views/line.njk', {
      title: shown.description,
      statement: page,
      line: shown,
      caption: t('line.caption', { line: lineNo, statement: page.number ?? page.title }),
      explanation: explanation(events),
      totals: events.totals
        ? {
            events: events.totals.events,
            quantity: quantityInWords(events.totals.quantity, events.line.unit),
          }
        : null,
      events: events.events.map((e) => ({
        occurred: formatDateTime(e.occurredAt),
        quantity: quantityInWords(e.quantity, null),
        source: t(`sources.${e.source}`),
        note: e.note,
        reverses: e.reverses !== null,
        request: e.requestReference,
        requestHref: e.requestReference ? `/requests/${encodeURIComponent(e.requestReference)}` : null,
      })),
      nextHref: events.next
        ? `${page.href.split('?')[0]}/lines/${lineNo}?${kindQuery}after=${events.next}`
        : null,
    });
  };

  const download = (format: 'csv' | 'pdf') => async (request: FastifyRequest, reply: FastifyReply) =>
    sendStatement(reply, await statements.get(callerOf(request), refOf(request)), format);

  for (const base of ['/statements/:number', '/recharges/:id/statements/:organisation']) {
    app.get(base, statement);
    app.get(`${base}/lines/:line`, line);
    app.get(`${base}/statement.pdf`, download('pdf'));
    app.get(`${base}/lines.csv`, download('csv'));
  }
}
