import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, streamCsv } from './csv.js';

const COLUMNS = ['offering', 'organisation', 'unit_price'] as const;

describe('readCsv', () => {
  it('reads rows with the line each starts on, quoted fields included', () => {
    const { rows, problems } = readCsv(
      '\uFEFFoffering,organisation,unit_price\r\nIT-LAPTOP,WDC,3.60\n"PRINT, colour","W""D",\n\n"a\nb",MFRS,1\n',
      COLUMNS,
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, values: { offering: 'IT-LAPTOP', organisation: 'WDC', unit_price: '3.60' } },
      { line: 3, values: { offering: 'PRINT, colour', organisation: 'W"D', unit_price: '' } },
      { line: 5, values: { offering: 'a\nb', organisation: 'MFRS', unit_price: '1' } },
    ]);
  });

  it('refuses a row with more or fewer values than the header, naming its line, and keeps none', () => {
    const { rows, problems } = readCsv(
      'offering,organisation,unit_price\nA,B,1\nA,B,1,extra\nA,B\n',
      COLUMNS,
    );
    expect(rows).toEqual([]);
    expect(problems).toEqual([
      { line: 3, message: 'Line 3 has 4 values; the header has 3' },
      { line: 4, message: 'Line 4 has 2 values; the header has 3' },
    ]);
  });

  it('refuses control characters and names the column', () => {
    const { problems } = readCsv('offering,organisation,unit_price\nA\u0000,B,1\n', COLUMNS);
    expect(problems).toEqual([
      { line: 2, message: 'Line 2: offering contains characters that are not allowed' },
    ]);
  });

  it('refuses a wrong header, an empty file and a file with no rows', () => {
    expect(readCsv('a,b,c\n1,2,3\n', COLUMNS).problems[0]?.message).toBe(
      'The first line must be offering,organisation,unit_price',
    );
    expect(readCsv('', COLUMNS).problems).toEqual([{ line: 1, message: 'The file is empty' }]);
    expect(readCsv('offering,organisation,unit_price\n', COLUMNS).problems).toEqual([
      { line: 1, message: 'The file has no rows after its header' },
    ]);
  });

  it('reports an unclosed quote as not valid CSV', () => {
    const { problems } = readCsv('offering,organisation,unit_price\n"A,B,1\n', COLUMNS);
    expect(problems[0]?.message).toMatch(/not valid CSV/);
  });
});

describe('streamCsv', () => {
  it('yields rows and problems in order with their lines', async () => {
    const seen: unknown[] = [];
    for await (const item of streamCsv(
      Readable.from(['offering,organisation,unit_price\nA,B,1\n', 'C,D\nE,F,2\n']),
      COLUMNS,
    ))
      seen.push(item);
    expect(seen).toEqual([
      { line: 2, values: { offering: 'A', organisation: 'B', unit_price: '1' } },
      { problems: [{ line: 3, message: 'Line 3 has 2 values; the header has 3' }] },
      { line: 4, values: { offering: 'E', organisation: 'F', unit_price: '2' } },
    ]);
  });

  it('stops at a wrong header', async () => {
    const seen: unknown[] = [];
    for await (const item of streamCsv(Readable.from(['x,y,z\nA,B,1\n']), COLUMNS)) seen.push(item);
    expect(seen).toHaveLength(1);
  });
});
