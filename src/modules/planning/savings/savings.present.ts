/**
 * What the savings ledger's page shows: the partnership's years first (a chart and its table), then
 * one year by partner and by service line, then one partner's lines — or, for a partner, its own.
 */
import { formatMoney, translate } from '../../../platform/web/index.js';
import { barChart } from '../planning.charts.js';
import type { Figures, Rag } from './savings.ledger.js';
import type { LedgerView } from './savings.service.js';

const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.savings.${key}`, params);

const TAGS: Record<Rag | 'none', string> = {
  green: 'govuk-tag--green',
  amber: 'govuk-tag--yellow',
  red: 'govuk-tag--red',
  none: 'govuk-tag--grey',
};

const money = (pence: bigint | null) => (pence === null ? '—' : formatMoney(pence));

function cells(f: Figures) {
  const rag = f.rag ?? 'none';
  return {
    planned: money(f.plannedPence),
    achieved: money(f.achievedPence),
    gap: money(f.gapPence),
    rag: { text: t(`rag.${rag}`), classes: TAGS[rag], key: rag },
    missingBaselines: f.missingBaselines,
  };
}

export function ledgerPage(ledger: LedgerView, query: { year?: string; organisation?: string }) {
  const years = ledger.years;
  const charged = years.filter((y) => y.monthsCharged > 0);
  const selected =
    years.find((y) => y.year === query.year) ?? charged[charged.length - 1] ?? years[years.length - 1];
  const latest = charged[charged.length - 1];
  const chart = years.length
    ? barChart({
        id: 'ledger-chart',
        title: t('chartTitle'),
        description: t('chartDescription', {
          count: years.length,
          summary: latest
            ? t('chartSummary', {
                year: latest.year,
                achieved: money(latest.totals.achievedPence),
                planned: money(latest.totals.plannedPence),
              })
            : '',
        }),
        series: [t('planned'), t('achieved')],
        groups: years.map((y) => ({
          label: y.year,
          values: [y.totals.plannedPence, y.totals.achievedPence],
        })),
        format: (pence) => formatMoney(pence),
      })
    : '';
  const organisation = query.organisation?.trim().toUpperCase();
  const detailRows = selected
    ? ledger.rows.filter(
        (row) =>
          row.year === selected.year &&
          (ledger.scope === 'partner' ||
            (organisation !== undefined && ledger.organisation(row.orgId).code === organisation)),
      )
    : [];
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, 'en-GB');
  return {
    chart,
    years: years.map((y) => ({
      year: y.year,
      months: y.monthsCharged === 0 ? t('notCharged') : t('monthsOf', { months: y.monthsCharged }),
      ...cells(y.totals),
    })),
    selected: selected?.year,
    selectedMonths: selected?.monthsCharged ?? 0,
    yearChoices: years.map((y) => ({ value: y.year, text: y.year, selected: y.year === selected?.year })),
    byPartner: (selected?.byPartner ?? [])
      .map((p) => {
        const named = ledger.organisation(p.orgId);
        return { code: named.code, name: named.name || named.code, ...cells(p) };
      })
      .sort(byName),
    byLine: (selected?.byLine ?? [])
      .map((l) => {
        const named = ledger.serviceLine(l.serviceLineId);
        return { code: named.code, name: named.name || named.code, ...cells(l) };
      })
      .sort(byName),
    detailName:
      ledger.scope === 'partner' ? undefined : detailRows[0] && ledger.organisation(detailRows[0].orgId).name,
    detail: detailRows.map((row) => ({
      line: ledger.serviceLine(row.serviceLineId).name || ledger.serviceLine(row.serviceLineId).code,
      baseline: row.baselinePence === null ? t('noBaseline') : money(row.baselinePence),
      charged: money(row.chargedPence),
      ...cells(row),
    })),
    missingBaselines: selected?.totals.missingBaselines ?? 0,
    tolerancePercent: (ledger.toleranceBasisPoints / 100).toString(),
  };
}
