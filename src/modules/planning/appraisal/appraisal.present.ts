/**
 * What the business case's page shows, worked out from the stored case and its appraisal: money in
 * pounds as people read it, each option's cash flows by year, the chart and its description.
 */
import { Decimal } from 'decimal.js';
import { parseAmountPence } from '../../../kernel/appraisal.js';
import { formatMoney, translate } from '../../../platform/web/index.js';
import { barChart } from '../planning.charts.js';
import { SECTIONS, yearAfter } from './appraisal.input.js';
import { CATEGORIES } from './appraisal.forms.js';
import type { AppraisedCase } from './appraisal.service.js';

const t = (key: string, params: Record<string, string | number> = {}) => translate(`planning.${key}`, params);

/** Pounds as the kernel writes them ("-966.18") as people read them ("-£966.18"). */
export function money(pounds: string): string {
  return formatMoney(pounds.replace('.', ''));
}

function penceOf(pounds: string): bigint {
  const negative = pounds.startsWith('-');
  const pence = parseAmountPence(negative ? pounds.slice(1) : pounds) ?? 0n;
  return negative ? -pence : pence;
}

function percent(fraction: string): string {
  return `${new Decimal(fraction).times(100).toFixed()}%`;
}

/** Text as paragraphs (split at blank lines), each as its lines. */
function paragraphs(text: string): string[][] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('\n'));
}

export function casePage(found: AppraisedCase) {
  const { input, results } = found;
  const byCode = new Map(results.options.map((result) => [result.code, result]));
  const rows = input.options.map((option) => {
    const result = byCode.get(option.code)!;
    return {
      code: option.code,
      name: option.name || option.code,
      kind: t(`kinds.${option.kind}`),
      preferred: option.preferred,
      pvCosts: money(result.pvCosts),
      pvBenefits: money(result.pvBenefits),
      npsv: money(result.npsv),
      npsvVsBau: money(result.npsvVsBau),
      bcr: result.bcr ?? t('pages.case.noBcr'),
      payback:
        result.paybackYear === null
          ? t('pages.case.noPayback')
          : t('pages.case.paybackIn', {
              year: result.paybackYear,
              financialYear: yearAfter(input.baseYear, result.paybackYear),
            }),
    };
  });
  const preferred = input.options.find((option) => option.preferred)!;
  const best = [...results.options].sort((a, b) => (penceOf(b.npsv) > penceOf(a.npsv) ? 1 : -1))[0]!;
  const chart = barChart({
    id: 'case-chart',
    title: t('pages.case.chartTitle'),
    description: t('pages.case.chartDescription', {
      count: rows.length,
      best: best.code,
      npsv: money(best.npsv),
      preferred: preferred.code,
    }),
    series: [t('pages.case.pvCosts'), t('pages.case.pvBenefits')],
    groups: input.options.map((option) => {
      const result = byCode.get(option.code)!;
      return { label: option.code, values: [penceOf(result.pvCosts), penceOf(result.pvBenefits)] };
    }),
    format: (pence) => formatMoney(pence),
  });
  const options = input.options.map((option) => {
    const byYear = new Map<number, Map<string, bigint>>();
    for (const flow of [...option.costs, ...option.benefits]) {
      const cells = byYear.get(flow.year) ?? new Map<string, bigint>();
      cells.set(flow.category, (cells.get(flow.category) ?? 0n) + (parseAmountPence(flow.amount) ?? 0n));
      byYear.set(flow.year, cells);
    }
    const totals = CATEGORIES.map((category) =>
      [...byYear.values()].reduce((sum, cells) => sum + (cells.get(category) ?? 0n), 0n),
    );
    return {
      code: option.code,
      name: option.name || option.code,
      kind: t(`kinds.${option.kind}`),
      years: [...byYear.keys()]
        .sort((a, b) => a - b)
        .map((year) => ({
          year,
          financialYear: yearAfter(input.baseYear, year),
          cells: CATEGORIES.map((category) => {
            const pence = byYear.get(year)!.get(category);
            return pence === undefined ? '' : formatMoney(pence);
          }),
        })),
      totals: totals.map((pence) => formatMoney(pence)),
      bias: Object.entries(option.optimismBias ?? {}).map(([category, bias]) => ({
        category: t(`categoryHeadings.${category}`),
        upper: percent(String(bias.upper)),
        mitigation: percent(String(bias.mitigation)),
        reason: bias.reason ?? '',
      })),
    };
  });
  const cashableByYear = new Map<string, bigint>();
  for (const flow of preferred.benefits)
    if (flow.category === 'cashable') {
      const year = yearAfter(input.baseYear, flow.year);
      cashableByYear.set(year, (cashableByYear.get(year) ?? 0n) + (parseAmountPence(flow.amount) ?? 0n));
    }
  const attributed = new Map<string, bigint>();
  for (const saving of found.savings)
    attributed.set(saving.year, (attributed.get(saving.year) ?? 0n) + saving.amountPence);
  const years = [...new Set([...cashableByYear.keys(), ...attributed.keys()])].sort();
  return {
    rows,
    chart,
    preferred: preferred.code,
    switching: results.switchingValues.map((value) => ({
      category: t(`categoryHeadings.${value.category}`),
      percent: value.percent === null ? t('pages.case.noSwitching') : `${value.percent}%`,
    })),
    options,
    categories: CATEGORIES.map((category) => t(`categoryHeadings.${category}`)),
    sections: SECTIONS.map((name) => ({
      name,
      heading: t(`sections.${name}`),
      paragraphs: paragraphs(input.sections[name]),
    })),
    rates: input.discountRates.map((band) => ({
      years:
        band.to === null
          ? t('pages.case.ratesFrom', { from: band.from })
          : t('pages.case.ratesBetween', { from: band.from, to: band.to }),
      rate: percent(band.rate),
    })),
    savings: found.savings.map((saving) => ({ ...saving, amount: formatMoney(saving.amountPence) })),
    reconciliation: years.map((year) => ({
      year,
      attributed: formatMoney(attributed.get(year) ?? 0n),
      cashable: formatMoney(cashableByYear.get(year) ?? 0n),
    })),
  };
}
