import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatTime,
  formatWorkingDays,
  formatWorkingMinutes,
} from './format.js';
import { en, translatePlural, type Messages } from './messages.js';

describe('working time in hours and minutes', () => {
  it.each([
    [0, '0 minutes'],
    [1, '1 minute'],
    [2, '2 minutes'],
    [45, '45 minutes'],
    [60, '1 hour'],
    [61, '1 hour 1 minute'],
    [90, '1 hour 30 minutes'],
    [120, '2 hours'],
    [240, '4 hours'],
    [1_500, '25 hours'],
    [60_000, '1,000 hours'],
  ])('%i minutes reads "%s"', (minutes, text) => {
    expect(formatWorkingMinutes(minutes)).toBe(text);
  });

  it('refuses what is not a whole number of minutes, rather than show something wrong', () => {
    for (const wrong of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => formatWorkingMinutes(wrong)).toThrow(RangeError);
    }
  });
});

describe('working days', () => {
  it.each([
    [0, '0 working days'],
    [1, '1 working day'],
    [2, '2 working days'],
    [1_000, '1,000 working days'],
  ])('%i reads "%s"', (days, text) => {
    expect(formatWorkingDays(days)).toBe(text);
  });

  it('refuses a part or a negative number of days', () => {
    expect(() => formatWorkingDays(0.5)).toThrow(RangeError);
    expect(() => formatWorkingDays(-2)).toThrow(RangeError);
  });
});

describe('money from whole pence', () => {
  it.each<[number | bigint | string, string]>([
    [0, '£0.00'],
    [1, '£0.01'],
    [5, '£0.05'],
    [100, '£1.00'],
    [360, '£3.60'],
    [100_000, '£1,000.00'],
    [145_000, '£1,450.00'],
    ['145000', '£1,450.00'],
    [-205, '-£2.05'],
    [-5, '-£0.05'],
    [-123_456_789, '-£1,234,567.89'],
    // Beyond where a number is exact: a bigint (or the text of one) is still read exactly.
    [12_345_678_901_234_567n, '£123,456,789,012,345.67'],
    ['12345678901234567', '£123,456,789,012,345.67'],
  ])('%s pence reads "%s"', (pence, text) => {
    expect(formatMoney(pence)).toBe(text);
  });

  it('refuses amounts that are not whole pence', () => {
    for (const wrong of [3.5, Number.NaN, '3.60', '£3', '', 2 ** 53]) {
      expect(() => formatMoney(wrong), String(wrong)).toThrow(RangeError);
    }
  });
});

describe('dates and times, in the UK', () => {
  it('writes a calendar date as GOV.UK does, whatever zone the server runs in', () => {
    expect(formatDate('2026-03-27')).toBe('27 March 2026');
    expect(formatDate('2026-01-01')).toBe('1 January 2026');
    expect(formatDate('2028-02-29')).toBe('29 February 2028');
  });

  it("gives an instant's date in the UK, which in summer is an hour ahead of UTC", () => {
    expect(formatDate(new Date('2026-03-27T23:30:00Z'))).toBe('27 March 2026'); // GMT
    expect(formatDate(new Date('2026-06-30T23:30:00Z'))).toBe('1 July 2026'); // BST: 00:30 on 1 July
    expect(formatDate('2026-06-30T23:30:00Z')).toBe('1 July 2026');
  });

  it.each([
    ['2026-03-27T16:00:00Z', '27 March 2026 at 4:00pm'],
    ['2026-03-27T09:05:00Z', '27 March 2026 at 9:05am'],
    ['2026-07-01T11:00:00Z', '1 July 2026 at midday'],
    ['2026-01-01T00:00:00Z', '1 January 2026 at midnight'],
    ['2026-01-01T00:01:00Z', '1 January 2026 at 12:01am'],
    ['2026-01-01T12:30:00Z', '1 January 2026 at 12:30pm'],
    // Clocks go forward at 1am GMT on 29 March 2026: 12:59am is followed by 2:00am.
    ['2026-03-29T00:59:00Z', '29 March 2026 at 12:59am'],
    ['2026-03-29T01:00:00Z', '29 March 2026 at 2:00am'],
    // Clocks go back at 2am BST on 25 October 2026: 1:30am happens twice, an hour apart.
    ['2026-10-25T00:30:00Z', '25 October 2026 at 1:30am'],
    ['2026-10-25T01:30:00Z', '25 October 2026 at 1:30am'],
    ['2026-10-25T02:30:00Z', '25 October 2026 at 2:30am'],
  ])('%s reads "%s"', (instant, text) => {
    expect(formatDateTime(new Date(instant))).toBe(text);
    expect(formatDateTime(instant)).toBe(text);
  });

  it('writes the time on its own too', () => {
    expect(formatTime(new Date('2026-06-01T15:45:00Z'))).toBe('4:45pm');
  });

  it('refuses what is not a date', () => {
    expect(() => formatDate('not a date')).toThrow(RangeError);
    expect(() => formatDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('another language', () => {
  // Enough of a Welsh catalogue to show that the words, plural forms and month names are its own.
  const cy: Messages = {
    ...en,
    locale: 'cy',
    format: {
      ...en.format,
      hours: { one: '{count} awr', two: '{count} awr', other: '{count} awr' },
      minutes: { one: '{count} munud', other: '{count} munud' },
      workingDays: {
        zero: '{count} diwrnod gwaith',
        one: '{count} diwrnod gwaith',
        two: '{count} ddiwrnod gwaith',
        other: '{count} diwrnod gwaith',
      },
      dateAtTime: '{date} am {time}',
      am: 'yb',
      pm: 'yh',
      midday: 'canol dydd',
      midnight: 'canol nos',
    },
  };

  it('picks the plural form by the language’s own rules, falling back to "other"', () => {
    expect(formatWorkingDays(2, cy)).toBe('2 ddiwrnod gwaith');
    expect(formatWorkingDays(3, cy)).toBe('3 diwrnod gwaith'); // "few": no form of its own
    expect(translatePlural('format.workingDays', 2)).toBe('2 working days');
    expect(formatWorkingMinutes(90, cy)).toBe('1 awr 30 munud');
  });

  it('names months and times in that language', () => {
    expect(formatDateTime('2026-03-27T16:00:00Z', cy)).toBe('27 Mawrth 2026 am 4:00yh');
    expect(formatMoney(-205, cy)).toBe('-£2.05');
  });
});
