import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dateFromParts, isIsoDate, londonDate, parseInstant, parseIsoDate } from './dates.js';

describe('parseIsoDate', () => {
  it.each([
    ['2026-02-28', '2026-02-28'],
    ['2028-02-29', '2028-02-29'],
    ['2000-02-29', '2000-02-29'],
    [' 2026-12-31 ', '2026-12-31'],
    ['2026-02-29', undefined],
    ['1900-02-29', undefined],
    ['2026-02-30', undefined],
    ['2026-04-31', undefined],
    ['0000-01-01', undefined],
    ['1899-12-31', undefined],
    ['3000-01-01', undefined],
    ['2026-13-01', undefined],
    ['2026-00-10', undefined],
    ['2026-1-01', undefined],
    ['27/03/2026', undefined],
    ['2026-03-27\u0000', undefined],
    ['', undefined],
  ])('%j → %j', (text, expected) => {
    expect(parseIsoDate(text)).toBe(expected);
  });

  it('agrees with the calendar for every day of the accepted years', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        (d) => {
          const text = d.toISOString().slice(0, 10);
          expect(parseIsoDate(text)).toBe(text);
          expect(isIsoDate(text)).toBe(true);
        },
      ),
    );
  });

  it('refuses what is not a string', () => {
    expect(parseIsoDate(20260327)).toBeUndefined();
    expect(isIsoDate(null)).toBe(false);
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-03-27T16:00:00Z', '2026-03-27T16:00:00.000Z'],
    ['2026-03-27T16:00Z', '2026-03-27T16:00:00.000Z'],
    ['2026-03-29T02:30:00+01:00', '2026-03-29T01:30:00.000Z'],
    ['2026-03-27T16:00:00.123Z', '2026-03-27T16:00:00.123Z'],
  ])('%s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-03-27T16:00:00',
    '2026-02-30T10:00:00Z',
    '0000-01-01T00:00:00Z',
    '2026-03-27T24:00:00Z',
    '2026-03-27T10:60:00Z',
    '27/03/2026 16:00',
    'now',
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('dateFromParts', () => {
  it('reads the three boxes of a GOV.UK date input', () => {
    expect(dateFromParts('27', '3', '2026')).toBe('2026-03-27');
    expect(dateFromParts(' 1 ', '01', '2027')).toBe('2027-01-01');
  });
  it.each([
    ['30', '2', '2026'],
    ['1', '1', '26'],
    ['', '1', '2026'],
    ['x', '1', '2026'],
    ['1', '1', '0000'],
  ])('refuses %s/%s/%s', (d, m, y) => {
    expect(dateFromParts(d, m, y)).toBeUndefined();
  });
});

describe('londonDate', () => {
  it('is the date in England, across midnight in summer time', () => {
    expect(londonDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});
