import { Readable } from 'node:stream';
import { streamCsv } from '../../../platform/csv.js';
import { translate } from '../../../platform/web/index.js';
import { readTariff, type TariffInput } from './tariffs.schemas.js';

/** The columns of a price file, in order, as its first line names them. */
export const TARIFF_CSV_COLUMNS = [
  'offering',
  'organisation',
  'unit_price',
  'valid_from',
  'valid_to',
] as const;

/** A problem with one line of an import: the field (or `csv` for the line as a whole) and a message key or text. */
export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

/**
 * Reads a price file through the project's CSV reader: every row it can read, and every problem of
 * every row (a row with two problems reports both), each with its line; the header is line 1.
 */
export async function readTariffCsv(
  csv: string,
): Promise<{ rows: Array<{ line: number; value: TariffInput }>; problems: ImportProblem[] }> {
  const rows: Array<{ line: number; value: TariffInput }> = [];
  const problems: ImportProblem[] = [];
  let seen = 0;
  for await (const item of streamCsv(Readable.from([csv]), TARIFF_CSV_COLUMNS)) {
    if ('problems' in item) {
      problems.push(...item.problems.map((problem) => ({ ...problem, field: 'csv' })));
      continue;
    }
    seen++;
    const { line, values } = item;
    const checked = readTariff({
      offering: values.offering,
      organisation: values.organisation,
      unitPrice: values.unit_price,
      validFrom: values.valid_from,
      validTo: values.valid_to,
    });
    if (checked.errors)
      problems.push(...Object.entries(checked.errors).map(([field, message]) => ({ line, field, message })));
    else rows.push({ line, value: checked.value });
  }
  if (seen === 0 && problems.length === 0)
    problems.push({ line: 1, field: 'csv', message: 'catalogue.errors.csvEmpty' });
  return { rows, problems };
}

/** A problem as a sentence that names its line ("Line 3: Unit price cannot be negative"). */
export function problemLine(problem: ImportProblem): string {
  const text = translate(problem.message);
  return /^Line \d+\b/.test(text) ? text : `${translate('catalogue.tariffs.line')} ${problem.line}: ${text}`;
}
