import { parse as parseSync } from 'csv-parse/sync';
import { parse as parseStream, type Options } from 'csv-parse';
import type { Readable } from 'node:stream';
import { hasForbiddenCharacters } from './text.js';

/**
 * Every CSV file Tandem reads goes through here: RFC 4180 (quoted fields may hold commas, quotes
 * and new lines), an optional byte order mark, a header that must name exactly the expected
 * columns, and every row with as many fields as the header. Problems carry the line number a
 * person sees in a text editor, where the header is line 1.
 */

export interface CsvRow<C extends string> {
  /** The line the row starts on; the header is line 1. */
  line: number;
  values: Record<C, string>;
}

export interface CsvProblem {
  /** 1 for the header or the file as a whole. */
  line: number;
  message: string;
}

const OPTIONS: Options = {
  bom: true,
  // Files from different machines mix line endings; csv-parse would otherwise take the first seen.
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  skip_empty_lines: true,
  info: true,
};

interface Parsed {
  record: string[];
  info: { lines: number; records: number };
}

function headerProblem(fields: string[], columns: readonly string[]): CsvProblem | undefined {
  const names = fields.map((name) => name.trim().toLowerCase());
  if (names.join(',') === columns.join(',')) return undefined;
  return { line: 1, message: `The first line must be ${columns.join(',')}` };
}

/** The row's problems of shape (field count, forbidden characters), before its values are read. */
function shapeProblems(fields: string[], columns: readonly string[], line: number): CsvProblem[] {
  const problems: CsvProblem[] = [];
  if (fields.length !== columns.length)
    problems.push({
      line,
      message: `Line ${line} has ${fields.length} ${fields.length === 1 ? 'value' : 'values'}; the header has ${columns.length}`,
    });
  fields.forEach((value, index) => {
    if (hasForbiddenCharacters(value))
      problems.push({
        line,
        message: `Line ${line}: ${columns[index] ?? `value ${index + 1}`} contains characters that are not allowed`,
      });
  });
  return problems;
}

function toRow<C extends string>(fields: string[], columns: readonly C[], line: number): CsvRow<C> {
  return {
    line,
    values: Object.fromEntries(columns.map((name, index) => [name, (fields[index] ?? '').trim()])) as Record<
      C,
      string
    >,
  };
}

/** The line a record starts on: csv-parse counts the lines read up to its end. */
function startLine(parsed: Parsed): number {
  const inner = parsed.record.reduce((sum, field) => sum + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
  return parsed.info.lines - inner;
}

function blank(fields: string[]): boolean {
  return fields.every((value) => value.trim() === '');
}

function malformed(error: unknown): CsvProblem {
  const { lines, message } = error as { lines?: number; message?: string };
  return {
    line: lines ?? 1,
    message: `The file is not valid CSV near line ${lines ?? 1}: ${message ?? ''}`.trim(),
  };
}

/** Reads a whole CSV text. Returns its rows, or every problem found (never some of each). */
export function readCsv<C extends string>(
  text: string,
  columns: readonly C[],
): { rows: Array<CsvRow<C>>; problems: CsvProblem[] } {
  let records: Parsed[];
  try {
    records = parseSync(text, OPTIONS) as unknown as Parsed[];
  } catch (error) {
    return { rows: [], problems: [malformed(error)] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: 'The file is empty' }] };
  const problem = headerProblem(header.record, columns);
  if (problem) return { rows: [], problems: [problem] };
  const rows: Array<CsvRow<C>> = [];
  const problems: CsvProblem[] = [];
  for (const parsed of body) {
    const line = startLine(parsed);
    if (blank(parsed.record)) continue;
    const found = shapeProblems(parsed.record, columns, line);
    if (found.length) problems.push(...found);
    else rows.push(toRow(parsed.record, columns, line));
  }
  if (!rows.length && !problems.length)
    problems.push({ line: 1, message: 'The file has no rows after its header' });
  return problems.length ? { rows: [], problems } : { rows, problems };
}

/**
 * Reads a CSV stream row by row, for files too large to hold: yields each row, or its problems
 * (the caller decides whether to carry on to collect more). A bad header ends the reading.
 */
export async function* streamCsv<C extends string>(
  input: Readable,
  columns: readonly C[],
): AsyncGenerator<CsvRow<C> | { problems: CsvProblem[] }> {
  const parser = input.pipe(parseStream(OPTIONS));
  let header = true;
  try {
    for await (const parsed of parser as AsyncIterable<Parsed>) {
      const line = startLine(parsed);
      if (header) {
        header = false;
        const problem = headerProblem(parsed.record, columns);
        if (problem) {
          yield { problems: [problem] };
          return;
        }
        continue;
      }
      if (blank(parsed.record)) continue;
      const found = shapeProblems(parsed.record, columns, line);
      yield found.length ? { problems: found } : toRow(parsed.record, columns, line);
    }
  } catch (error) {
    yield { problems: [malformed(error)] };
    return;
  }
  if (header) yield { problems: [{ line: 1, message: 'The file is empty' }] };
}
