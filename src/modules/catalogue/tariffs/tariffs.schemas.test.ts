import { describe, expect, it } from 'vitest';
import { formatPounds, parsePence } from '../../../kernel/money.js';
import { readTariff } from './tariffs.schemas.js';
import { readTariffCsv } from './tariffs.import.js';

describe('money', () => {
  it.each([
    ['12.50', 1250],
    ['£4.42', 442],
    ['7', 700],
    ['0.1', 10],
    ['0.07', 7],
    ['1,250.00', 125000],
    ['0.29', 29],
    ['10000000.00', 1_000_000_000],
  ])('reads %s exactly', (text, pence) => {
    expect(parsePence(text)).toEqual({ pence });
  });

  it('refuses prices over ten million pounds', () => {
    expect(parsePence('10000000.01')).toEqual({ problem: 'tooLarge' });
    expect(parsePence('123456789')).toEqual({ problem: 'tooLarge' });
  });

  it.each([
    ['-1.00', 'negative'],
    ['-£3', 'negative'],
    ['', 'missing'],
    ['abc', 'format'],
    ['1.234', 'format'],
    ['1e3', 'format'],
    ['NaN', 'format'],
  ])('refuses %s as %s', (text, problem) => {
    expect(parsePence(text)).toEqual({ problem });
  });

  it('formats pence as pounds', () => {
    expect(formatPounds(1250)).toBe('12.50');
    expect(formatPounds('7')).toBe('0.07');
    expect(formatPounds(0)).toBe('0.00');
  });
});

const HEADER = 'offering,organisation,unit_price,valid_from,valid_to';

describe('tariff CSV', () => {
  it('reads rows with their line numbers, quoted fields and a byte order mark', async () => {
    const read = await readTariffCsv(
      `\uFEFF${HEADER}\r\nIT-LAPTOP,,85.00,2026-04-01,\r\n\r\n"IT-FAULT","wdc","1,020.00",2026-04-01,2027-03-31\n`,
    );
    expect(read).toEqual({
      problems: [],
      rows: [
        {
          line: 2,
          value: {
            offering: 'IT-LAPTOP',
            organisation: null,
            pence: 8500,
            validFrom: '2026-04-01',
            validTo: null,
          },
        },
        {
          line: 4,
          value: {
            offering: 'IT-FAULT',
            organisation: 'WDC',
            pence: 102000,
            validFrom: '2026-04-01',
            validTo: '2027-03-31',
          },
        },
      ],
    });
  });

  it('insists on the header, and on at least one price', async () => {
    expect((await readTariffCsv('code,price\nA,1')).problems).toEqual([
      { line: 1, field: 'csv', message: `The first line must be ${HEADER}` },
    ]);
    expect((await readTariffCsv('')).problems).toEqual([
      { line: 1, field: 'csv', message: 'The file is empty' },
    ]);
    expect((await readTariffCsv(`${HEADER}\n`)).problems).toEqual([
      { line: 1, field: 'csv', message: 'catalogue.errors.csvEmpty' },
    ]);
  });

  it('refuses a row with more or fewer values than the header, naming its line, and reads the rest', async () => {
    const read = await readTariffCsv(
      `${HEADER}\nIT-LAPTOP,,85.00,2026-04-01,,surplus\nIT-LAPTOP,WDC\nIT-FAULT,,-1,2026-04-01,\n`,
    );
    expect(read.rows).toEqual([]);
    expect(read.problems).toEqual([
      { line: 2, field: 'csv', message: 'Line 2 has 6 values; the header has 5' },
      { line: 3, field: 'csv', message: 'Line 3 has 2 values; the header has 5' },
      { line: 4, field: 'unitPrice', message: 'catalogue.errors.priceNegative' },
    ]);
  });

  it('numbers a NUL byte, year 0000 and 30 February, and reports every problem of a line', async () => {
    const read = await readTariffCsv(
      `${HEADER}\nIT-LAPTOP,,85.00,0000-04-01,\nIT-LAPTOP,,8\u00005.00,2026-04-01,\nIT-LAPTOP,,-3,2026-02-30,\n`,
    );
    expect(read.problems).toEqual([
      { line: 2, field: 'validFrom', message: 'catalogue.errors.dateFormat' },
      { line: 3, field: 'csv', message: 'Line 3: unit_price contains characters that are not allowed' },
      { line: 4, field: 'validFrom', message: 'catalogue.errors.dateFormat' },
      { line: 4, field: 'unitPrice', message: 'catalogue.errors.priceNegative' },
    ]);
  });
});

describe('one price', () => {
  it('checks each field, the price and the order of the dates', () => {
    expect(readTariff({ offering: 'IT-X', unitPrice: '-2', validFrom: '2026-02-30' }).errors).toEqual({
      validFrom: 'catalogue.errors.dateFormat',
      unitPrice: 'catalogue.errors.priceNegative',
    });
    expect(
      readTariff({ offering: 'IT-X', unitPrice: '2', validFrom: '2026-04-01', validTo: '2026-03-01' }).errors,
    ).toEqual({
      validTo: 'catalogue.errors.validToBeforeFrom',
    });
    expect(readTariff({ offering: '', unitPrice: '', validFrom: '' }).errors).toEqual({
      offering: 'catalogue.errors.offeringMissing',
      unitPrice: 'catalogue.errors.priceMissing',
      validFrom: 'catalogue.errors.validFromMissing',
    });
  });
});
