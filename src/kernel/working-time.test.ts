import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  compileCalendar,
  due,
  workingMinutesBetween,
  WEEKDAYS,
  type CalendarDefinition,
  type Weekday,
  type WorkingCalendar,
} from './working-time.js';
import { referenceCalendar, referenceDue, referenceWorkingMinutesBetween } from './working-time.reference.js';

/** England and Wales, as published on gov.uk. */
const ENGLAND_AND_WALES_BANK_HOLIDAYS = [
  '2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26',
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
]; // prettier-ignore

type Interval = readonly [string, string];

function mondayToFriday(...intervals: Interval[]): CalendarDefinition['hours'] {
  return {
    monday: intervals,
    tuesday: intervals,
    wednesday: intervals,
    thursday: intervals,
    friday: intervals,
  };
}

function everyDay(...intervals: Interval[]): CalendarDefinition['hours'] {
  return Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, intervals]));
}

const office = compileCalendar({
  timeZone: 'Europe/London',
  hours: mondayToFriday(['09:00', '17:00']),
  closedDates: ENGLAND_AND_WALES_BANK_HOLIDAYS,
});

const splitDay = compileCalendar({
  timeZone: 'Europe/London',
  hours: mondayToFriday(['08:30', '12:30'], ['13:30', '17:00']),
  closedDates: ENGLAND_AND_WALES_BANK_HOLIDAYS,
});

/** Open on Sunday nights across the hour the clocks change in, as well as office hours. */
const nightShift = compileCalendar({
  timeZone: 'Europe/London',
  hours: { ...mondayToFriday(['09:00', '17:00']), sunday: [['00:00', '03:00']] },
  closedDates: ENGLAND_AND_WALES_BANK_HOLIDAYS,
});

/** Instants are written as local wall-clock time with the UTC offset in force, e.g. '2026-03-30T09:00+01:00'. */
const at = (isoWithOffset: string): Date => new Date(isoWithOffset);

/** The same instant in the UTC form Date#toISOString gives, so that failures show both sides comparably. */
const utc = (isoWithOffset: string): string => at(isoWithOffset).toISOString();

const dueIso = (calendar: WorkingCalendar, from: string, workingMinutes: number): string =>
  due(calendar, at(from), workingMinutes).toISOString();

function expectCalendarError(action: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CalendarError);
  expect((thrown as CalendarError).code).toBe(code);
}

describe('due', () => {
  // prettier-ignore
  it.each([
    // situation, calendar, from, working minutes, due
    ['starting exactly at opening',                                office,     '2026-03-02T09:00+00:00', 60,   '2026-03-02T10:00+00:00'],
    ['work that fills the day ends at closing, not next opening',  office,     '2026-03-02T09:00+00:00', 480,  '2026-03-02T17:00+00:00'],
    ['starting before opening counts from opening',                office,     '2026-03-02T07:30+00:00', 30,   '2026-03-02T09:30+00:00'],
    ['starting exactly at closing counts from next opening',       office,     '2026-03-02T17:00+00:00', 1,    '2026-03-03T09:01+00:00'],
    ['a full day from closing ends at the next closing',           office,     '2026-03-02T17:00+00:00', 480,  '2026-03-03T17:00+00:00'],
    ['starting on a weekend counts from Monday',                   office,     '2026-03-07T12:00+00:00', 60,   '2026-03-09T10:00+00:00'],
    ['two working weeks end on the second Friday at closing',      office,     '2026-03-02T09:00+00:00', 4800, '2026-03-13T17:00+00:00'],
    ['across spring clock change: GMT Friday into BST Monday',     office,     '2026-03-27T16:00+00:00', 120,  '2026-03-30T10:00+01:00'],
    ['across autumn clock change: BST Friday into GMT Monday',     office,     '2026-10-23T16:00+01:00', 120,  '2026-10-26T10:00+00:00'],
    ['on the spring change day itself',                            nightShift, '2026-03-28T12:00+00:00', 90,   '2026-03-29T02:30+01:00'],
    ['the spring change night holds two hours',                    nightShift, '2026-03-29T00:00+00:00', 120,  '2026-03-29T03:00+01:00'],
    ['first pass through the repeated autumn hour',                nightShift, '2026-10-25T00:00+01:00', 90,   '2026-10-25T01:30+01:00'],
    ['second pass through the repeated autumn hour',               nightShift, '2026-10-25T00:00+01:00', 150,  '2026-10-25T01:30+00:00'],
    ['the autumn change night holds four hours',                   nightShift, '2026-10-25T00:00+01:00', 240,  '2026-10-25T03:00+00:00'],
    ['over Easter: Good Friday and Easter Monday closed',          office,     '2026-04-02T16:00+01:00', 120,  '2026-04-07T10:00+01:00'],
    ['starting during a bank holiday',                             office,     '2026-04-03T10:00+01:00', 60,   '2026-04-07T10:00+01:00'],
    ['over Christmas: 25th and substitute Boxing Day 28th closed', office,     '2026-12-24T16:00+00:00', 120,  '2026-12-29T10:00+00:00'],
    ['split day: starting in the lunch break',                     splitDay,   '2026-03-02T12:45+00:00', 30,   '2026-03-02T14:00+00:00'],
    ['split day: morning work ends at 12:30, not after lunch',     splitDay,   '2026-03-02T08:30+00:00', 240,  '2026-03-02T12:30+00:00'],
    ['split day: straddling lunch',                                splitDay,   '2026-03-02T12:00+00:00', 60,   '2026-03-02T14:00+00:00'],
    ['split day: a full day ends at closing',                      splitDay,   '2026-03-02T08:30+00:00', 450,  '2026-03-02T17:00+00:00'],
    ['split day: from closing Thursday before Easter',             splitDay,   '2026-04-02T17:00+01:00', 450,  '2026-04-07T17:00+01:00'],
  ] as const)('%s', (_situation, calendar, from, minutes, expected) => {
    expect(dueIso(calendar, from, minutes)).toBe(utc(expected));
  });

  it('returns the start itself for zero minutes, even outside opening hours', () => {
    const saturday = at('2026-03-07T12:00+00:00');
    const result = due(office, saturday, 0);
    expect(result.getTime()).toBe(saturday.getTime());
    expect(result).not.toBe(saturday);
  });

  it('accepts fractional minutes to the millisecond', () => {
    expect(dueIso(office, '2026-03-02T09:00+00:00', 0.5)).toBe('2026-03-02T09:00:30.000Z');
    expect(dueIso(office, '2026-03-02T09:00+00:00', 1 / 60_000)).toBe('2026-03-02T09:00:00.001Z');
  });

  it.each([-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s minutes', (minutes) => {
    expectCalendarError(() => due(office, at('2026-03-02T09:00+00:00'), minutes), 'ERR_INVALID_MINUTES');
  });

  it('rejects an invalid start', () => {
    expectCalendarError(() => due(office, new Date(Number.NaN), 60), 'ERR_INVALID_INSTANT');
  });

  it('rejects a due date beyond the supported years', () => {
    expectCalendarError(() => due(office, at('9999-12-31T16:00+00:00'), 120), 'ERR_OUT_OF_RANGE');
  });

  it('gives up when closures leave no working time for years', () => {
    const mondays: string[] = [];
    for (let day = Date.UTC(2026, 0, 5); day < Date.UTC(2032, 0, 1); day += 7 * 86_400_000) {
      mondays.push(new Date(day).toISOString().slice(0, 10));
    }
    const calendar = compileCalendar({
      timeZone: 'Europe/London',
      hours: { monday: [['09:00', '17:00']] },
      closedDates: mondays,
    });
    expectCalendarError(() => due(calendar, at('2026-01-01T00:00+00:00'), 60), 'ERR_NO_WORKING_TIME');
  });

  it('only accepts calendars made by compileCalendar', () => {
    const counterfeit: WorkingCalendar = { timeZone: 'Europe/London' };
    expect(() => due(counterfeit, at('2026-03-02T09:00+00:00'), 60)).toThrow(TypeError);
  });
});

describe('workingMinutesBetween', () => {
  // prettier-ignore
  it.each([
    // situation, calendar, from, to, working minutes
    ['one working day',                                           office,     '2026-03-02T09:00+00:00',    '2026-03-02T17:00+00:00',    480],
    ['a whole week, counted from midnight',                       office,     '2026-03-02T00:00+00:00',    '2026-03-09T00:00+00:00',    2400],
    ['Easter fortnight loses Good Friday and Easter Monday',      office,     '2026-03-30T00:00+01:00',    '2026-04-13T00:00+01:00',    3840],
    ['Christmas fortnight loses the 25th, 28th and 1st',          office,     '2026-12-21T00:00+00:00',    '2027-01-04T00:00+00:00',    3360],
    ['days stay eight hours across the spring change',            office,     '2026-03-27T09:00+00:00',    '2026-03-30T17:00+01:00',    960],
    ['days stay eight hours across the autumn change',            office,     '2026-10-23T09:00+01:00',    '2026-10-26T17:00+00:00',    960],
    ['00:00–03:00 is two real hours on the spring change night',  nightShift, '2026-03-28T00:00+00:00',    '2026-03-30T00:00+01:00',    120],
    ['00:00–03:00 is four real hours on the autumn change night', nightShift, '2026-10-24T00:00+01:00',    '2026-10-26T00:00+00:00',    240],
    ['split day excludes lunch',                                  splitDay,   '2026-03-02T12:00+00:00',    '2026-03-02T14:00+00:00',    60],
    ['a range inside the lunch break',                            splitDay,   '2026-03-02T12:35+00:00',    '2026-03-02T13:25+00:00',    0],
    ['a range that ends before opening',                          office,     '2026-03-02T07:00+00:00',    '2026-03-02T08:30+00:00',    0],
    ['part minutes are counted as fractions',                     office,     '2026-03-02T09:00:30+00:00', '2026-03-02T09:01:00+00:00', 0.5],
  ] as const)('%s', (_situation, calendar, from, to, expected) => {
    expect(workingMinutesBetween(calendar, at(from), at(to))).toBe(expected);
  });

  it('is zero when the end is not after the start', () => {
    const monday = at('2026-03-02T10:00+00:00');
    expect(workingMinutesBetween(office, monday, monday)).toBe(0);
    expect(workingMinutesBetween(office, monday, at('2026-03-02T09:00+00:00'))).toBe(0);
  });

  it('rejects invalid instants', () => {
    expectCalendarError(
      () => workingMinutesBetween(office, at('2026-03-02T10:00+00:00'), new Date(Number.NaN)),
      'ERR_INVALID_INSTANT',
    );
  });
});

describe('other time zones', () => {
  const roundTheClock = (timeZone: string) =>
    compileCalendar({ timeZone, hours: everyDay(['00:00', '24:00']), closedDates: [] });

  it.each([
    ['America/New_York', '2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00', 23 * 60],
    ['America/New_York', '2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00', 25 * 60],
    ['Australia/Sydney', '2026-04-05T00:00+11:00', '2026-04-06T00:00+10:00', 25 * 60],
    ['Australia/Lord_Howe', '2026-04-05T00:00+11:00', '2026-04-06T00:00+10:30', 24.5 * 60],
    ['Asia/Kolkata', '2026-03-29T00:00+05:30', '2026-03-30T00:00+05:30', 24 * 60],
  ])('a local day in %s from %s lasts as long as the clock says', (timeZone, from, to, minutes) => {
    expect(workingMinutesBetween(roundTheClock(timeZone), at(from), at(to))).toBe(minutes);
  });

  it('reads opening hours in each calendar’s own zone', () => {
    const newYork = compileCalendar({
      timeZone: 'America/New_York',
      hours: mondayToFriday(['09:00', '17:00']),
      closedDates: [],
    });
    expect(dueIso(office, '2026-06-01T08:00+00:00', 60)).toBe(utc('2026-06-01T10:00+01:00'));
    expect(dueIso(newYork, '2026-06-01T08:00+00:00', 60)).toBe(utc('2026-06-01T10:00-04:00'));
  });

  it('canonicalises the zone name', () => {
    expect(
      compileCalendar({
        timeZone: 'europe/london',
        hours: mondayToFriday(['09:00', '17:00']),
        closedDates: [],
      }).timeZone,
    ).toBe('Europe/London');
  });
});

describe('compileCalendar', () => {
  const valid: CalendarDefinition = {
    timeZone: 'Europe/London',
    hours: mondayToFriday(['09:00', '17:00']),
    closedDates: [],
  };

  it.each(['Europe/Londres', '', 'GMT+1 please'])('rejects the time zone %j', (timeZone) => {
    expectCalendarError(() => compileCalendar({ ...valid, timeZone }), 'ERR_INVALID_TIME_ZONE');
  });

  it.each([
    ['an interval ending before it starts', [['17:00', '09:00']]],
    ['an empty interval', [['09:00', '09:00']]],
    [
      'overlapping intervals',
      [
        ['09:00', '13:00'],
        ['12:00', '17:00'],
      ],
    ],
    ['a single-digit hour', [['9:00', '17:00']]],
    ['minutes past 59', [['09:00', '12:60']]],
    ['a time past midnight', [['22:00', '24:30']]],
    ['opening at 24:00', [['24:00', '24:00']]],
    ['a lone time instead of a pair', [['09:00']]],
  ])('rejects %s', (_situation, intervals) => {
    const hours = { monday: intervals } as unknown as CalendarDefinition['hours'];
    expectCalendarError(() => compileCalendar({ ...valid, hours }), 'ERR_INVALID_INTERVAL');
  });

  it('rejects a weekday it does not know', () => {
    const hours = { Monday: [['09:00', '17:00']] } as unknown as CalendarDefinition['hours'];
    expectCalendarError(() => compileCalendar({ ...valid, hours }), 'ERR_INVALID_WEEKDAY');
  });

  it.each(['2026-02-30', '2026-2-3', '03/04/2026', 'tomorrow'])('rejects the closed date %j', (date) => {
    expectCalendarError(() => compileCalendar({ ...valid, closedDates: [date] }), 'ERR_INVALID_DATE');
  });

  it.each([
    ['no weekdays at all', {}],
    ['weekdays with no intervals', { monday: [], saturday: [] }],
  ])('rejects a calendar with %s', (_situation, hours) => {
    expectCalendarError(() => compileCalendar({ ...valid, hours }), 'ERR_NO_WORKING_TIME');
  });

  it('joins intervals that touch into one stretch', () => {
    const calendar = compileCalendar({
      ...valid,
      hours: mondayToFriday(['12:00', '17:00'], ['09:00', '12:00']),
    });
    expect(dueIso(calendar, '2026-03-02T09:00+00:00', 180)).toBe(utc('2026-03-02T12:00+00:00'));
    expect(dueIso(calendar, '2026-03-02T09:00+00:00', 480)).toBe(utc('2026-03-02T17:00+00:00'));
  });

  it('lets an interval run to midnight and on into the next day', () => {
    const calendar = compileCalendar({
      ...valid,
      hours: { monday: [['22:00', '24:00']], tuesday: [['00:00', '02:00']] },
    });
    expect(dueIso(calendar, '2026-03-02T22:00+00:00', 240)).toBe(utc('2026-03-03T02:00+00:00'));
  });

  it('accepts closed dates from any iterable, such as a generator', () => {
    function* closures() {
      yield '2026-03-02';
    }
    const calendar = compileCalendar({ ...valid, closedDates: closures() });
    expect(dueIso(calendar, '2026-03-02T09:00+00:00', 60)).toBe(utc('2026-03-03T10:00+00:00'));
  });
});

describe('agreement with the minute-by-minute reference', () => {
  const MINUTE_MS = 60_000;
  const DAY_MS = 86_400_000;
  const RANGE_START = Date.UTC(2025, 0, 1);
  const RANGE_END = Date.UTC(2028, 0, 1);

  /** 01:00 UTC on the last Sundays of March and October, when the UK's clocks change. */
  const UK_CLOCK_CHANGES = [2025, 2026, 2027].flatMap((year) =>
    [2, 9].map((month) => {
      const lastDay = new Date(Date.UTC(year, month + 1, 0));
      return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
    }),
  );

  /** Minute-aligned starts: anywhere in 2025–2027, or within four days of a UK clock change. */
  const startArbitrary = fc.oneof(
    fc
      .integer({ min: RANGE_START / MINUTE_MS, max: RANGE_END / MINUTE_MS - 1 })
      .map((minute) => minute * MINUTE_MS),
    fc
      .tuple(fc.constantFrom(...UK_CLOCK_CHANGES), fc.integer({ min: -4 * 24 * 60, max: 4 * 24 * 60 }))
      .map(([change, minutes]) => change + minutes * MINUTE_MS),
  );

  const wallClock = (minuteOfDay: number): string =>
    `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

  /** One or two non-overlapping intervals at arbitrary minutes, or a night shift across the clock-change hour. */
  const dayHoursArbitrary: fc.Arbitrary<Interval[]> = fc.oneof(
    { weight: 4, arbitrary: randomIntervals(1) },
    { weight: 3, arbitrary: randomIntervals(2) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Interval[]>(
        [['00:00', '03:00']],
        [['00:30', '01:30']],
        [['01:15', '02:45']],
        [
          ['00:00', '01:00'],
          ['02:00', '24:00'],
        ],
      ),
    },
  );

  function randomIntervals(count: number): fc.Arbitrary<Interval[]> {
    return fc
      .uniqueArray(fc.integer({ min: 0, max: 24 * 60 }), { minLength: 2 * count, maxLength: 2 * count })
      .map((bounds) => {
        const sorted = [...bounds].sort((a, b) => a - b);
        const intervals: Interval[] = [];
        for (let i = 0; i < sorted.length; i += 2) {
          intervals.push([wallClock(sorted[i]!), wallClock(sorted[i + 1]!)]);
        }
        return intervals;
      });
  }

  const hoursArbitrary = fc
    .array(fc.option(dayHoursArbitrary, { freq: 3 }), { minLength: 7, maxLength: 7 })
    .filter((days) => days.some((day) => day !== null))
    .map((days) => {
      const hours: Partial<Record<Weekday, Interval[]>> = {};
      days.forEach((day, index) => {
        if (day !== null) hours[WEEKDAYS[index]!] = day;
      });
      return hours;
    });

  const zoneArbitrary = fc.oneof(
    { weight: 4, arbitrary: fc.constant('Europe/London') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'America/New_York',
        'Australia/Sydney',
        'Asia/Kolkata',
        'Australia/Lord_Howe',
      ),
    },
  );

  interface Scenario {
    readonly definition: CalendarDefinition;
    readonly from: number;
    /** Working time in a normal week, to keep the reference's minute-by-minute walk to a few weeks. */
    readonly weeklyMinutes: number;
  }

  const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
    .record({
      timeZone: zoneArbitrary,
      hours: hoursArbitrary,
      from: startArbitrary,
      closureDays: fc.uniqueArray(fc.integer({ min: -2, max: 35 }), { maxLength: 8 }),
    })
    .map(({ timeZone, hours, from, closureDays }) => ({
      definition: {
        timeZone,
        hours,
        closedDates: closureDays.map((offset) => new Date(from + offset * DAY_MS).toISOString().slice(0, 10)),
      },
      from,
      weeklyMinutes: Object.values(hours).reduce(
        (total, intervals) =>
          total + intervals.reduce((sum, [open, close]) => sum + minutesOf(close) - minutesOf(open), 0),
        0,
      ),
    }));

  function minutesOf(wallClockTime: string): number {
    const [hours = 0, minutes = 0] = wallClockTime.split(':').map(Number);
    return hours * 60 + minutes;
  }

  /** Up to about 5,000 minutes, but no more than four normal weeks of this calendar. */
  const workingMinutesFor = (scenario: Scenario, raw: number): number =>
    raw % (4 * scenario.weeklyMinutes + 1);

  it('due matches the reference', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.integer({ min: 0, max: 5000 }), (scenario, raw) => {
        const minutes = workingMinutesFor(scenario, raw);
        const from = new Date(scenario.from);
        const expected = referenceDue(referenceCalendar(scenario.definition), from, minutes);
        expect(due(compileCalendar(scenario.definition), from, minutes).toISOString()).toBe(
          expected.toISOString(),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('workingMinutesBetween matches the reference', () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.integer({ min: 0, max: 28 * 24 * 60 }), (scenario, spanMinutes) => {
        const from = new Date(scenario.from);
        const to = new Date(scenario.from + spanMinutes * MINUTE_MS);
        const expected = referenceWorkingMinutesBetween(referenceCalendar(scenario.definition), from, to);
        expect(workingMinutesBetween(compileCalendar(scenario.definition), from, to)).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('counts a long stretch as the sum of its weeks, whole days counted by the week or one by one', () => {
    // Pieces under eight days are counted period by period; the whole, by the week where it can.
    fc.assert(
      fc.property(
        scenarioArbitrary,
        fc.integer({ min: 0, max: 800 * 24 * 60 }),
        fc.integer({ min: 1, max: 7 * 24 * 60 }),
        (scenario, spanMinutes, pieceMinutes) => {
          const calendar = compileCalendar(scenario.definition);
          const end = scenario.from + spanMinutes * MINUTE_MS;
          let pieces = 0;
          for (let at = scenario.from; at < end; at += pieceMinutes * MINUTE_MS)
            pieces += workingMinutesBetween(
              calendar,
              new Date(at),
              new Date(Math.min(end, at + pieceMinutes * MINUTE_MS)),
            );
          expect(workingMinutesBetween(calendar, new Date(scenario.from), new Date(end))).toBe(pieces);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('workingMinutesBetween undoes due', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: MINUTE_MS - 1 }),
        (scenario, minutes, millisecondsPastTheMinute) => {
          const calendar = compileCalendar(scenario.definition);
          for (const from of [scenario.from, scenario.from + millisecondsPastTheMinute]) {
            const start = new Date(from);
            expect(workingMinutesBetween(calendar, start, due(calendar, start, minutes))).toBe(minutes);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
