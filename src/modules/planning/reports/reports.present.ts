/**
 * The pack as sections of tables, the same for the page, the PDF and the spreadsheet: each cell has
 * the text people read and the value a spreadsheet keeps (a number in pounds, a count, a fraction),
 * so the three never disagree. Words come from the message catalogue (`reports`).
 */
import { formatDate, formatDateTime, formatMoney, translate } from '../../../platform/web/index.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import type { Figures, Rag } from '../savings/savings.ledger.js';
import type { ChargeFigures, Named, ReportPack, SlaFigures } from './reports.pack.js';

export const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`reports.${key}`, params);

/** How a cell's value is kept in a spreadsheet. */
export type CellKind = 'text' | 'count' | 'money' | 'percent' | 'quantity';

export interface Cell {
  text: string;
  kind: CellKind;
  /** Exact: whole pence for money, thousandths for a quantity, basis points for a percentage. */
  value: string | number | bigint | null;
  /** A RAG status, shown as a tag on the page. */
  rag?: Rag | 'none';
}

export interface PackTable {
  id: string;
  /** Names the table and, shortened, its worksheet. */
  caption: string;
  sheet: string;
  columns: Array<{ label: string; numeric: boolean }>;
  rows: Cell[][];
  /** A last row of totals, when the columns add up. */
  total?: Cell[];
}

export interface PackSection {
  id: 'sla' | 'volumes' | 'charges' | 'savings' | 'teckal';
  heading: string;
  notes: string[];
  tables: PackTable[];
}

const COUNTS = new Intl.NumberFormat('en-GB');

const text = (value: string): Cell => ({ text: value, kind: 'text', value });
const count = (value: number): Cell => ({ text: COUNTS.format(value), kind: 'count', value });
const money = (pence: bigint | null): Cell =>
  pence === null
    ? { text: t('notMeasured'), kind: 'money', value: null }
    : { text: formatMoney(pence), kind: 'money', value: pence };

/** Basis points as a percentage to one decimal place, halves up: 6667 → "66.7%". */
export function percentText(basisPoints: number): string {
  const tenths = Math.floor((basisPoints + 5) / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

const percent = (basisPoints: number | null): Cell =>
  basisPoints === null
    ? { text: t('notMeasured'), kind: 'percent', value: null }
    : { text: percentText(basisPoints), kind: 'percent', value: basisPoints };

const quantity = (thousandths: bigint): Cell => ({
  text: formatQuantity(thousandths),
  kind: 'quantity',
  value: thousandths,
});

const named = (n: Named): Cell => text(n.name || n.code || t('notMeasured'));
const column = (key: string, numeric = true) => ({ label: t(`columns.${key}`), numeric });

function slaTable(
  id: string,
  caption: string,
  sheet: string,
  first: string,
  rows: Array<Named & SlaFigures>,
  total: SlaFigures,
): PackTable {
  const cells = (f: SlaFigures) => [
    count(f.resolved),
    count(f.resolutionMet),
    count(f.resolutionBreached),
    percent(f.resolutionMetBasisPoints),
    count(f.responseMet),
    count(f.responseBreached),
    percent(f.responseMetBasisPoints),
  ];
  return {
    id,
    caption,
    sheet,
    columns: [
      column(first, false),
      ...['resolved', 'resolutionMet', 'resolutionBreached', 'resolutionPercent'].map((k) => column(k)),
      ...['responseMet', 'responseBreached', 'responsePercent'].map((k) => column(k)),
    ],
    rows: rows.map((row) => [named(row), ...cells(row)]),
    total: [text(t('total')), ...cells(total)],
  };
}

function chargesTable(
  id: string,
  caption: string,
  sheet: string,
  first: string,
  rows: Array<Named & ChargeFigures>,
  total: ChargeFigures,
): PackTable {
  const cells = (f: ChargeFigures) => [
    money(f.statementsPence),
    money(f.creditNotesPence),
    money(f.netPence),
  ];
  return {
    id,
    caption,
    sheet,
    columns: [column(first, false), column('statements'), column('creditNotes'), column('net')],
    rows: rows.map((row) => [named(row), ...cells(row)]),
    total: [text(t('total')), ...cells(total)],
  };
}

function savingsTable(
  id: string,
  caption: string,
  sheet: string,
  first: string,
  rows: Array<Named & Figures>,
  total: Figures,
): PackTable {
  const cells = (f: Figures): Cell[] => {
    const rag = f.rag ?? 'none';
    return [
      money(f.plannedPence),
      money(f.achievedPence),
      money(f.gapPence),
      { ...text(t(`rag.${rag}`)), rag },
    ];
  };
  return {
    id,
    caption,
    sheet,
    columns: [
      column(first, false),
      column('planned'),
      column('achieved'),
      column('gap'),
      column('status', false),
    ],
    rows: rows.map((row) => [named(row), ...cells(row)]),
    total: [text(t('total')), ...cells(total)],
  };
}

/** The pack's title: the partnership's or the partner's. */
export function packTitle(pack: ReportPack): string {
  return pack.scope === 'partnership'
    ? t('partnershipTitle')
    : t('partnerTitle', { organisation: pack.organisation.name });
}

/** "2026-Q3: 1 July 2026 to 30 September 2026, in financial year 2026-27." */
export function periodLine(pack: ReportPack): string {
  return t('period', {
    quarter: pack.quarter.code,
    from: formatDate(pack.quarter.from),
    to: formatDate(pack.quarter.to),
    year: pack.financialYear,
  });
}

export function producedLine(pack: ReportPack): string {
  return t('produced', { when: formatDateTime(pack.producedAt) });
}

/** Every section of the pack, in order; the Teckal indicator only in the partnership's. */
export function packSections(pack: ReportPack): PackSection[] {
  const quarter = pack.quarter.code;
  const partnership = pack.scope === 'partnership';
  const sections: PackSection[] = [];

  const slaTables = [
    slaTable(
      'sla-lines',
      t('sla.byLineCaption', { quarter }),
      t('sheets.sla'),
      'serviceLine',
      pack.sla.byLine,
      pack.sla.total,
    ),
  ];
  if (partnership)
    slaTables.push(
      slaTable(
        'sla-partners',
        t('sla.byPartnerCaption', { quarter }),
        t('sheets.slaByPartner'),
        'partner',
        pack.sla.byPartner,
        pack.sla.total,
      ),
    );
  sections.push({ id: 'sla', heading: t('sla.heading'), notes: [t('sla.intro')], tables: slaTables });

  sections.push({
    id: 'volumes',
    heading: t('volumes.heading'),
    notes: [t('volumes.intro')],
    tables: [
      {
        id: 'volumes-lines',
        caption: t('volumes.byLineCaption', { quarter }),
        sheet: t('sheets.volumes'),
        columns: [column('serviceLine', false), column('raised'), column('resolved')],
        rows: pack.volumes.byLine.map((row) => [named(row), count(row.raised), count(row.resolved)]),
        total: [text(t('total')), count(pack.volumes.total.raised), count(pack.volumes.total.resolved)],
      },
      {
        id: 'volumes-usage',
        caption: t('volumes.usageCaption', { quarter }),
        sheet: t('sheets.usage'),
        columns: [
          column('offering', false),
          column('serviceLine', false),
          column('unit', false),
          column('quantity'),
          column('events'),
        ],
        rows: pack.volumes.usage.map((row) => [
          text(row.offeringName || row.offering || t('notMeasured')),
          text(row.serviceLine),
          text(row.unit.replace(/_/g, ' ')),
          quantity(row.quantityThousandths),
          count(row.events),
        ]),
      },
    ],
  });

  const chargeTables = [
    chargesTable(
      'charges-lines',
      t('charges.byLineCaption', { quarter }),
      t('sheets.charges'),
      'serviceLine',
      pack.charges.byLine,
      pack.charges.total,
    ),
  ];
  if (partnership)
    chargeTables.push(
      chargesTable(
        'charges-partners',
        t('charges.byPartnerCaption', { quarter }),
        t('sheets.chargesByPartner'),
        'partner',
        pack.charges.byPartner,
        pack.charges.total,
      ),
    );
  sections.push({
    id: 'charges',
    heading: t('charges.heading'),
    notes: [t('charges.intro')],
    tables: chargeTables,
  });

  const savings = pack.savings;
  if (!savings) {
    sections.push({
      id: 'savings',
      heading: t('savings.heading'),
      notes: [t('savings.none', { year: pack.financialYear })],
      tables: [],
    });
  } else {
    const year = savings.year;
    const tables = [
      savingsTable(
        'savings-lines',
        t('savings.byLineCaption', { year }),
        t('sheets.savings'),
        'serviceLine',
        savings.byLine,
        savings.totals,
      ),
    ];
    if (partnership)
      tables.push(
        savingsTable(
          'savings-partners',
          t('savings.byPartnerCaption', { year }),
          t('sheets.savingsByPartner'),
          'partner',
          savings.byPartner,
          savings.totals,
        ),
      );
    sections.push({
      id: 'savings',
      heading: t('savings.heading'),
      notes: [
        t('savings.intro', { year, months: savings.monthsCharged }),
        t('savings.tolerance', { percent: String(savings.toleranceBasisPoints / 100) }),
      ],
      tables,
    });
  }

  if (partnership) {
    const teckal = pack.teckal;
    const limit = teckal ? percentText(teckal.limitBasisPoints) : '';
    sections.push({
      id: 'teckal',
      heading: t('teckal.heading'),
      notes: teckal
        ? [
            t('teckal.intro', { year: pack.financialYear, limit }),
            t('teckal.statusLine', {
              share: percentText(teckal.shareBasisPoints),
              turnover: formatMoney(BigInt(teckal.turnoverPence)),
              status: t(`teckal.status.${teckal.status}`),
            }),
          ]
        : [t('teckal.hidden')],
      tables: teckal
        ? [
            {
              id: 'teckal-years',
              caption: t('teckal.caption', { year: pack.financialYear }),
              sheet: t('sheets.teckal'),
              columns: [column('year', false), column('turnover'), column('others'), column('share')],
              rows: teckal.years.map((y) => [
                text(y.financialYear),
                money(BigInt(y.turnoverPence)),
                money(BigInt(y.othersPence)),
                percent(y.shareBasisPoints),
              ]),
              total: [
                text(t('total')),
                money(BigInt(teckal.turnoverPence)),
                money(BigInt(teckal.othersPence)),
                percent(teckal.shareBasisPoints),
              ],
            },
          ]
        : [],
    });
  }
  return sections;
}
