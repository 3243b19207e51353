import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The shape gov.uk publishes at https://www.gov.uk/bank-holidays.json. */
interface BankHolidayEvent {
  title: string;
  date: string;
  notes: string;
  bunting: boolean;
}

const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
type Division = (typeof DIVISIONS)[number];

const bankHolidays = JSON.parse(
  readFileSync(new URL('./bank-holidays.json', import.meta.url), 'utf8'),
) as Record<Division, { division: string; events: BankHolidayEvent[] }>;

const YEARS = Array.from({ length: 2028 - 2018 + 1 }, (_, index) => 2018 + index);

/** Easter Sunday by year, checked by hand against published tables. */
const EASTER_SUNDAYS: Record<number, string> = {
  2018: '2018-04-01',
  2019: '2019-04-21',
  2020: '2020-04-12',
  2021: '2021-04-04',
  2022: '2022-04-17',
  2023: '2023-04-09',
  2024: '2024-03-31',
  2025: '2025-04-20',
  2026: '2026-04-05',
  2027: '2027-03-28',
  2028: '2028-04-16',
};

const events = (division: Division): BankHolidayEvent[] => bankHolidays[division].events;

const find = (division: Division, date: string): BankHolidayEvent | undefined =>
  events(division).find((event) => event.date === date);

const daysFrom = (isoDate: string, days: number): string =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('bank-holidays.json', () => {
  it('has exactly the three gov.uk divisions, each naming itself', () => {
    expect(Object.keys(bankHolidays)).toEqual([...DIVISIONS]);
    for (const division of DIVISIONS) expect(bankHolidays[division].division).toBe(division);
  });

  describe.each(DIVISIONS)('%s', (division) => {
    it('has events of the gov.uk shape', () => {
      for (const event of events(division)) {
        expect(Object.keys(event).sort()).toEqual(['bunting', 'date', 'notes', 'title']);
        expect(event.title).toMatch(/\S/);
        expect(['', 'Substitute day']).toContain(event.notes);
        expect(typeof event.bunting).toBe('boolean');
        expect(new Date(`${event.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(event.date);
      }
    });

    it('lists dates in order without repeats', () => {
      const dates = events(division).map((event) => event.date);
      expect(dates).toEqual([...new Set(dates)].sort());
    });

    it('falls only on weekdays', () => {
      const weekends = events(division).filter((event) => [0, 6].includes(new Date(event.date).getUTCDay()));
      expect(weekends).toEqual([]);
    });

    it.each(YEARS)('covers %i', (year) => {
      const inYear = events(division).filter((event) => event.date.startsWith(`${year}-`));
      const usual = { 'england-and-wales': 8, scotland: 9, 'northern-ireland': 10 }[division];
      expect(inYear.length).toBeGreaterThanOrEqual(usual);
      expect(inYear.length).toBeLessThanOrEqual(usual + 2);
    });

    it('has Good Friday two days before Easter Sunday every year', () => {
      for (const year of YEARS) {
        expect(find(division, daysFrom(EASTER_SUNDAYS[year]!, -2))?.title).toBe('Good Friday');
      }
    });

    it.each([
      ['2020-05-08', 'Early May bank holiday (VE day)'],
      ['2022-06-02', 'Spring bank holiday'],
      ['2022-06-03', 'Platinum Jubilee bank holiday'],
      ['2022-09-19', 'Bank Holiday for the State Funeral of Queen Elizabeth II'],
      ['2023-05-08', 'Bank holiday for the coronation of King Charles III'],
    ])('has the one-off %s', (date, title) => {
      expect(find(division, date)?.title).toBe(title);
    });

    it('does not keep the days the one-offs replaced', () => {
      expect(find(division, '2020-05-04')).toBeUndefined();
      expect(find(division, '2022-05-30')).toBeUndefined();
    });
  });

  it.each([
    ['england-and-wales', '2026-04-03', 'Good Friday', ''],
    ['england-and-wales', '2026-04-06', 'Easter Monday', ''],
    ['england-and-wales', '2026-12-25', 'Christmas Day', ''],
    ['england-and-wales', '2026-12-28', 'Boxing Day', 'Substitute day'],
    ['england-and-wales', '2027-12-27', 'Christmas Day', 'Substitute day'],
    ['england-and-wales', '2028-01-03', 'New Year’s Day', 'Substitute day'],
    ['scotland', '2026-01-02', '2nd January', ''],
    ['scotland', '2026-08-03', 'Summer bank holiday', ''],
    ['scotland', '2025-12-01', 'St Andrew’s Day', 'Substitute day'],
    ['scotland', '2028-01-04', '2nd January', 'Substitute day'],
    ['northern-ireland', '2026-03-17', 'St Patrick’s Day', ''],
    ['northern-ireland', '2024-03-18', 'St Patrick’s Day', 'Substitute day'],
    ['northern-ireland', '2026-07-13', 'Battle of the Boyne (Orangemen’s Day)', 'Substitute day'],
  ] as const)('%s has %s: %s', (division, date, title, notes) => {
    expect(find(division, date)).toMatchObject({ title, notes });
  });

  it('gives Scotland no Easter Monday', () => {
    expect(events('scotland').filter((event) => event.title === 'Easter Monday')).toEqual([]);
  });
});
