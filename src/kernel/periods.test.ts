import { describe, expect, it } from 'vitest';
import { lastDayBefore, parsePeriod, periodInWords } from './periods.js';

describe('periods in words', () => {
  it('names a month, a calendar quarter and a financial year as people read them', () => {
    expect(periodInWords('2026-10')).toBe('October 2026');
    expect(periodInWords('2026-Q3')).toBe('July to September 2026');
    expect(periodInWords('2026-q1')).toBe('January to March 2026');
    expect(periodInWords('2026-27')).toBe('April 2026 to March 2027');
    expect(periodInWords('1999-00')).toBe('April 1999 to March 2000');
  });

  it('gives back text that is not a period as it was', () => {
    expect(periodInWords('2026-13')).toBe('2026-13');
    expect(periodInWords('2026-28')).toBe('2026-28');
    expect(parsePeriod('2026-28')).toBeUndefined();
  });
});

describe('a period’s last day', () => {
  it('is the day before the day after it, across months, years and a leap day', () => {
    expect(lastDayBefore('2026-11-01')).toBe('2026-10-31');
    expect(lastDayBefore('2027-01-01')).toBe('2026-12-31');
    expect(lastDayBefore('2028-03-01')).toBe('2028-02-29');
    expect(lastDayBefore(parsePeriod('2026-27')!.until)).toBe('2027-03-31');
  });
});
