import { stringify } from 'csv-stringify/sync';
import { poundsOf } from '../billing.money.js';
import type { JournalRow, StatementView } from './statements.service.js';

export const LINE_CSV_COLUMNS = [
  'statement',
  'kind',
  'status',
  'organisation',
  'organisation_name',
  'period',
  'corrects',
  'service_line',
  'line',
  'line_kind',
  'offering',
  'description',
  'quantity',
  'unit',
  'unit_price_pence',
  'unit_price',
  'amount_pence',
  'amount',
] as const;

/**
 * Every line of the statements given, one row each, as CSV: amounts in pence and in pounds. Text
 * that a spreadsheet would run as a formula is escaped.
 */
export function statementLinesCsv(statements: StatementView[]): string {
  const rows: Array<Array<string | number | null>> = [[...LINE_CSV_COLUMNS]];
  for (const statement of statements)
    for (const group of statement.serviceLines)
      for (const line of group.lines)
        rows.push([
          statement.number ?? 'draft',
          statement.kind,
          statement.status,
          statement.organisation.code,
          statement.organisation.name,
          statement.period,
          statement.corrects,
          group.code,
          line.line,
          line.kind,
          line.offering?.code ?? null,
          line.description,
          line.quantity,
          line.unit,
          line.unitPricePence,
          line.unitPricePence === null ? null : poundsOf(BigInt(line.unitPricePence)),
          line.amountPence,
          poundsOf(BigInt(line.amountPence)),
        ]);
  return stringify(rows, { escape_formulas: true });
}

export const JOURNAL_CSV_COLUMNS = [
  'statement',
  'organisation',
  'period',
  'cost_centre',
  'account',
  'amount',
  'narrative',
] as const;

/** The journal for the ledger, as CSV: amounts in pounds, credit notes negative. */
export function journalCsv(rows: JournalRow[]): string {
  return stringify(
    [
      [...JOURNAL_CSV_COLUMNS],
      ...rows.map((row) => [
        row.statement,
        row.organisation,
        row.period,
        row.costCentre,
        row.account,
        poundsOf(row.amountPence),
        row.narrative,
      ]),
    ],
    { escape_formulas: true },
  );
}
