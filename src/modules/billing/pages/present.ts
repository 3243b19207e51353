import { lastDayBefore, periodInWords } from '../../../kernel/periods.js';
import { formatDate, formatDateTime, formatMoney, translate } from '../../../platform/web/index.js';
import { quantityInWords } from '../../metering/index.js';
import type { Run } from '../runs/runs.repository.js';
import type { StatementView } from '../statements/statements.service.js';
import type { StoredStatement } from '../statements/statements.repository.js';

export const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`recharges.${key}`, params);

const STATUS_TAGS: Record<string, string> = {
  draft: 'govuk-tag--grey',
  reviewed: 'govuk-tag--blue',
  issued: 'govuk-tag--green',
};

/** A run's or statement's status as a GOV.UK tag. */
export function statusTag(status: string) {
  return { text: t(`statuses.${status}`), classes: STATUS_TAGS[status] ?? 'govuk-tag--grey' };
}

/** A basis-point share (1234) as a percentage with two places: "12.34%". */
export function percentOf(basisPoints: number): string {
  const sign = basisPoints < 0 ? '-' : '';
  const whole = Math.abs(basisPoints);
  return `${sign}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, '0')}%`;
}

/** A run as its rows and summaries show it. */
export function runRow(run: Run) {
  return {
    id: run.id,
    href: `/recharges/${run.id}`,
    period: periodInWords(run.period),
    dates: t('run.dates', {
      from: formatDate(run.periodFrom),
      to: formatDate(lastDayBefore(run.periodUntil)),
    }),
    kind: t(`kinds.${run.kind}`),
    status: run.status,
    statusTag: statusTag(run.status),
    statements: run.statementCount,
    total: formatMoney(run.totalPence),
    created: formatDate(run.createdAt),
    computed: run.computedAt ? formatDateTime(run.computedAt) : null,
    reviewed: run.reviewedAt ? formatDateTime(run.reviewedAt) : null,
    issued: run.issuedAt ? formatDateTime(run.issuedAt) : null,
  };
}

/** Where a statement's page is: by number once issued, by run and organisation while a draft. */
export function statementHref(statement: {
  number: string | null;
  runId: string;
  organisation: string;
  kind: string;
}): string {
  if (statement.number) return `/statements/${encodeURIComponent(statement.number)}`;
  const base = `/recharges/${statement.runId}/statements/${encodeURIComponent(statement.organisation)}`;
  return statement.kind === 'credit_note' ? `${base}?kind=credit_note` : base;
}

/** A stored statement as a row of a list. */
export function statementRow(statement: StoredStatement) {
  return {
    number: statement.number,
    kind: t(`statementKinds.${statement.kind}`),
    organisation: statement.org_name,
    period: periodInWords(statement.period),
    issued: statement.issued_at ? formatDate(statement.issued_at) : null,
    total: formatMoney(statement.total_pence),
    href: statementHref({
      number: statement.number,
      runId: statement.run_id,
      organisation: statement.org_code,
      kind: statement.kind,
    }),
  };
}

/** A statement for its page: its lines grouped by service line, every figure in words and pounds. */
export function statementPage(view: StatementView) {
  const href = statementHref({
    number: view.number,
    runId: view.runId,
    organisation: view.organisation.code,
    kind: view.kind,
  });
  const kind = t(`statementKinds.${view.kind}`);
  const [path, query] = href.split('?');
  const lineHref = (line: number) => `${path}/lines/${line}${query ? `?${query}` : ''}`;
  return {
    href,
    kind,
    title: view.number
      ? t('statement.title', { kind, number: view.number })
      : t('statement.draftTitle', { kind: kind.toLowerCase(), organisation: view.organisation.name }),
    number: view.number,
    organisation: view.organisation.name,
    period: periodInWords(view.period),
    dates: t('run.dates', { from: formatDate(view.periodFrom), to: formatDate(view.periodTo) }),
    issued: view.issuedAt ? formatDate(view.issuedAt) : null,
    corrects: view.corrects,
    correctsHref: view.corrects ? `/statements/${encodeURIComponent(view.corrects)}` : null,
    statusTag: statusTag(view.status),
    total: formatMoney(view.totalPence),
    pdfHref: `${path}/statement.pdf${query ? `?${query}` : ''}`,
    csvHref: `${path}/lines.csv${query ? `?${query}` : ''}`,
    runHref: `/recharges/${view.runId}`,
    serviceLines: view.serviceLines.map((group) => ({
      name: group.name,
      total: formatMoney(group.totalPence),
      lines: group.lines.map((line) => ({
        line: line.line,
        description: line.description,
        offering: line.offering?.name ?? null,
        quantity: line.quantity === null ? '' : quantityInWords(line.quantity, line.unit),
        unitPrice: line.unitPricePence === null ? '' : formatMoney(line.unitPricePence),
        amount: formatMoney(line.amountPence),
        href: lineHref(line.line),
      })),
    })),
  };
}
