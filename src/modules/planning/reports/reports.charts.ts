/**
 * One chart per section of the pack's page, drawn on the server (planning.charts.ts), each beside a
 * table of the same figures. A section with nothing to draw has no chart.
 */
import { formatMoney } from '../../../platform/web/index.js';
import { barChart } from '../planning.charts.js';
import type { ReportPack } from './reports.pack.js';
import { percentText, t, type PackSection } from './reports.present.js';

const COUNTS = new Intl.NumberFormat('en-GB');
const countOf = (value: bigint) => COUNTS.format(Number(value));

/** The SVG of each section's chart, by section; empty where there is nothing to draw. */
export function packCharts(pack: ReportPack): Record<PackSection['id'], string> {
  const quarter = pack.quarter.code;
  const sla = pack.sla;
  const savings = pack.savings;
  const teckal = pack.teckal;
  return {
    sla: sla.byLine.length
      ? barChart({
          id: 'sla-chart',
          title: t('sla.chartTitle', { quarter }),
          description: t('sla.chartDescription', {
            count: sla.byLine.length,
            summary: t('sla.chartSummary', {
              met: sla.total.resolutionMet,
              resolved: sla.total.resolved,
              percent:
                sla.total.resolutionMetBasisPoints === null
                  ? t('notMeasured')
                  : percentText(sla.total.resolutionMetBasisPoints),
            }),
          }),
          series: [t('series.met'), t('series.breached')],
          groups: sla.byLine.map((line) => ({
            label: line.name || line.code,
            values: [BigInt(line.resolutionMet), BigInt(line.resolutionBreached)],
          })),
          format: countOf,
        })
      : '',
    volumes: pack.volumes.byLine.length
      ? barChart({
          id: 'volumes-chart',
          title: t('volumes.chartTitle', { quarter }),
          description: t('volumes.chartDescription', {
            count: pack.volumes.byLine.length,
            raised: pack.volumes.total.raised,
            resolved: pack.volumes.total.resolved,
          }),
          series: [t('series.raised'), t('series.resolved')],
          groups: pack.volumes.byLine.map((line) => ({
            label: line.name || line.code,
            values: [BigInt(line.raised), BigInt(line.resolved)],
          })),
          format: countOf,
        })
      : '',
    charges: pack.charges.byLine.length
      ? barChart({
          id: 'charges-chart',
          title: t('charges.chartTitle', { quarter }),
          description: t('charges.chartDescription', {
            count: pack.charges.byLine.length,
            total: formatMoney(pack.charges.total.netPence),
          }),
          series: [t('series.net')],
          groups: pack.charges.byLine.map((line) => ({
            label: line.name || line.code,
            values: [line.netPence],
          })),
          format: (pence) => formatMoney(pence),
        })
      : '',
    savings:
      savings && savings.byLine.length
        ? barChart({
            id: 'savings-chart',
            title: t('savings.chartTitle', { year: savings.year }),
            description: t('savings.chartDescription', {
              count: savings.byLine.length,
              planned: formatMoney(savings.totals.plannedPence),
              achieved:
                savings.totals.achievedPence === null
                  ? t('notMeasured')
                  : formatMoney(savings.totals.achievedPence),
            }),
            series: [t('series.planned'), t('series.achieved')],
            groups: savings.byLine.map((line) => ({
              label: line.name || line.code,
              values: [line.plannedPence, line.achievedPence],
            })),
            format: (pence) => formatMoney(pence),
          })
        : '',
    teckal: teckal
      ? barChart({
          id: 'teckal-chart',
          title: t('teckal.chartTitle', { year: pack.financialYear }),
          description: t('teckal.chartDescription', {
            limit: percentText(teckal.limitBasisPoints),
            share: percentText(teckal.shareBasisPoints),
          }),
          series: [t('series.share'), t('series.limit')],
          groups: teckal.years.map((y) => ({
            label: y.financialYear,
            values: [BigInt(y.shareBasisPoints), BigInt(teckal.limitBasisPoints)],
          })),
          format: (basisPoints) => percentText(Number(basisPoints)),
        })
      : '',
  };
}
