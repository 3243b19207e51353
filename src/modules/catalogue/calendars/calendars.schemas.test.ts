import { describe, expect, it } from 'vitest';
import { inputOf } from '../../../platform/api/index.js';
import { CalendarBody, calendarProblems, parseIntervalsText, parseMinutes } from './calendars.schemas.js';

const valid = {
  code: 'x-cal',
  name: 'X',
  hours: { monday: [['09:00', '17:00']] },
  holidays: 'scotland',
  closures: ['2026-12-24'],
};
const reader = inputOf(CalendarBody);

describe('calendars', () => {
  it('accepts a calendar and defaults the zone to Europe/London', () => {
    const { value, errors } = reader.check(valid);
    expect(errors).toBeUndefined();
    expect(value).toMatchObject({ code: 'X-CAL', timeZone: 'Europe/London', organisation: null });
  });

  it("names the kernel's code for an unknown zone or a backwards interval", () => {
    expect(calendarProblems({ timeZone: 'Mars/Olympus', hours: valid.hours as never })).toMatchObject({
      code: 'ERR_INVALID_TIME_ZONE',
      errors: { timeZone: 'catalogue.errors.timeZoneUnknown' },
    });
    expect(
      calendarProblems({ timeZone: 'Europe/London', hours: { tuesday: [['17:00', '09:00']] } }),
    ).toMatchObject({
      code: 'ERR_INVALID_INTERVAL',
      errors: { 'hours.tuesday': 'catalogue.errors.intervalInvalid' },
    });
    expect(
      calendarProblems({ timeZone: 'Mars/Olympus', hours: { tuesday: [['17:00', '09:00']] } }).errors,
    ).toEqual({
      timeZone: 'catalogue.errors.timeZoneUnknown',
      'hours.tuesday': 'catalogue.errors.intervalInvalid',
    });
    expect(calendarProblems({ timeZone: 'Europe/London', hours: {} })).toMatchObject({
      code: 'ERR_NO_WORKING_TIME',
      errors: { hours: 'catalogue.errors.hoursNone' },
    });
  });

  it('refuses closures that are not real dates, year 0000 and 30 February included', () => {
    for (const closures of [['2026-13-01'], ['0000-01-01'], ['2026-02-30'], ['24/12/2026']])
      expect(reader.check({ ...valid, closures }).errors).toEqual({
        closures: 'catalogue.errors.closuresFormat',
      });
  });

  it('reads opening hours as typed', () => {
    expect(parseIntervalsText('8:30-12:30, 13:15 - 17:00')).toEqual([
      ['08:30', '12:30'],
      ['13:15', '17:00'],
    ]);
    expect(parseIntervalsText('')).toEqual([]);
    expect(parseIntervalsText('nine to five')).toBeUndefined();
  });

  it('takes minutes as a whole number within a year', () => {
    expect(parseMinutes('60')).toBe(60);
    expect(parseMinutes(0)).toBe(0);
    expect(parseMinutes('-5')).toBeUndefined();
    expect(parseMinutes('abc')).toBeUndefined();
    expect(parseMinutes('1.5')).toBeUndefined();
    expect(parseMinutes('525601')).toBeUndefined();
  });
});
