import { describe, expect, it } from 'vitest';
import { dateInputErrors, dateInputFrom, readDateInput } from './date-input.js';
import { formErrors } from './forms.js';

const what = 'the date the price starts';
const date = (day: string, month: string, year: string, options: { optional?: boolean } = {}) =>
  readDateInput({ 'starts-day': day, 'starts-month': month, 'starts-year': year }, 'starts', {
    what,
    ...options,
  });

describe('reading a GOV.UK date input', () => {
  it('reads the three boxes as one date, as people type them', () => {
    const read = date('27', '3', '2026');
    expect([read.value, read.error, read.invalid]).toEqual(['2026-03-27', undefined, []]);
    expect(date(' 1 ', '01', '2026').value).toBe('2026-01-01');
    expect(date('29', '2', '2028').value).toBe('2028-02-29');
  });

  it('keeps what was typed, to show it again', () => {
    expect(date('31', '4', '2026').values).toEqual({ day: '31', month: '4', year: '2026' });
  });

  it('asks for the date by what it is when nothing is entered, or accepts nothing when optional', () => {
    expect(date('', '', '').value).toBeUndefined();
    expect(date('', '', '')).toMatchObject({
      error: 'Enter the date the price starts',
      invalid: ['day', 'month', 'year'],
    });
    expect(readDateInput({}, 'starts', { what })).toMatchObject({ error: 'Enter the date the price starts' });
    const skipped = date('', '', '', { optional: true });
    expect([skipped.value, skipped.error, skipped.invalid]).toEqual([undefined, undefined, []]);
  });

  it('says which parts are missing, and marks only those', () => {
    expect(date('27', '', '2026')).toMatchObject({
      error: 'The date the price starts must include a month',
      invalid: ['month'],
    });
    expect(date('', '', '2026')).toMatchObject({
      error: 'The date the price starts must include a day and a month',
      invalid: ['day', 'month'],
    });
    // Optional dates still have to be whole once begun.
    expect(date('27', '3', '', { optional: true }).error).toBe(
      'The date the price starts must include a year',
    );
  });

  it('refuses dates that do not exist, marking the part that is wrong', () => {
    expect(date('31', '4', '2026')).toMatchObject({
      error: 'The date the price starts must be a real date',
      invalid: ['day'],
    });
    expect(date('29', '2', '2026').invalid).toEqual(['day']);
    expect(date('1', '13', '2026')).toMatchObject({
      error: 'The date the price starts must be a real date',
      invalid: ['month'],
    });
    expect(date('0', '0', '2026').invalid).toEqual(['month']);
    expect(date('twenty', '3', '2026')).toMatchObject({
      error: 'The date the price starts must be a real date',
      invalid: ['day'],
    });
    expect(date('27', '3', '2026-').invalid).toEqual(['year']);
  });

  it('asks for a year of 4 numbers, within the years Tandem keeps', () => {
    expect(date('27', '3', '26')).toMatchObject({
      error: 'The date the price starts must include a year with 4 numbers, for example 2026',
      invalid: ['year'],
    });
    expect(date('27', '3', '0026').error).toBe(
      'The date the price starts must be in a year from 1900 to 2999',
    );
    expect(date('27', '3', '3026').invalid).toEqual(['year']);
  });

  it('takes the name of the date from the message catalogue when given a key', () => {
    expect(readDateInput({}, 'starts', { what: 'common.none' }).error).toBe('Enter None');
  });
});

describe('reading a date and a time, on the UK wall clock', () => {
  const at = (day: string, month: string, year: string, hour: string, minute: string) =>
    readDateInput(
      {
        'closes-day': day,
        'closes-month': month,
        'closes-year': year,
        'closes-hour': hour,
        'closes-minute': minute,
      },
      'closes',
      { what: 'the time the office closes', time: true },
    );

  it('reads hours and minutes as a UK time, in winter and in summer', () => {
    expect(at('27', '3', '2026', '16', '00').value).toBe('2026-03-27T16:00:00.000Z');
    expect(at('1', '7', '2026', '9', '5').value).toBe('2026-07-01T08:05:00.000Z');
  });

  it('says what is missing, times included', () => {
    expect(at('27', '3', '2026', '', '')).toMatchObject({
      error: 'The time the office closes must include an hour and a minute',
      invalid: ['hour', 'minute'],
    });
    expect(at('', '3', '2026', '', '30').error).toBe(
      'The time the office closes must include a day and an hour',
    );
  });

  it('refuses times that are not on a 24-hour clock', () => {
    expect(at('27', '3', '2026', '24', '00')).toMatchObject({
      error: 'The time the office closes must be a real time, from 0 to 23 hours and 0 to 59 minutes',
      invalid: ['hour'],
    });
    expect(at('27', '3', '2026', '4pm', '60').invalid).toEqual(['hour', 'minute']);
  });

  it('refuses a time in the hour skipped when the clocks go forward, and takes the first of a repeated one', () => {
    expect(at('29', '3', '2026', '1', '30')).toMatchObject({
      error:
        'The time the office closes is not a time that happens in the UK: the clocks go forward from 1am to 2am that night',
      invalid: ['hour', 'minute'],
    });
    expect(at('29', '3', '2026', '2', '00').value).toBe('2026-03-29T01:00:00.000Z');
    expect(at('25', '10', '2026', '1', '30').value).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('filling a date input from a stored value', () => {
  it('splits a date into its boxes without leading zeros', () => {
    expect(dateInputFrom('starts', '2026-03-07')).toMatchObject({
      value: '2026-03-07',
      values: { day: '7', month: '3', year: '2026' },
    });
    expect(dateInputFrom('starts', null).values).toEqual({});
  });

  it('shows an instant on the UK wall clock', () => {
    expect(dateInputFrom('closes', new Date('2026-07-01T15:30:00Z'), { time: true }).values).toEqual({
      day: '1',
      month: '7',
      year: '2026',
      hour: '16',
      minute: '30',
    });
  });

  it('reads back what it wrote', () => {
    const shown = dateInputFrom('closes', '2026-10-25T01:30:00.000Z', { time: true });
    const body = Object.fromEntries(Object.entries(shown.values).map(([part, v]) => [`closes-${part}`, v]));
    // 1:30am GMT on the night the clocks go back: the second 1:30am, which the form cannot tell apart.
    expect(readDateInput(body, 'closes', { what: 'the time', time: true }).value).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    const summer = dateInputFrom('closes', '2026-07-01T15:30:00.000Z', { time: true });
    const again = Object.fromEntries(Object.entries(summer.values).map(([part, v]) => [`closes-${part}`, v]));
    expect(readDateInput(again, 'closes', { what: 'the time', time: true }).value).toBe(
      '2026-07-01T15:30:00.000Z',
    );
  });
});

describe('date problems in the error summary', () => {
  it('links each to the first box that is wrong, in words naming the field', () => {
    const starts = date('27', '', '2026');
    const ends = readDateInput({ 'ends-day': '31', 'ends-month': '4', 'ends-year': '2026' }, 'ends', {
      what: 'the date the price ends',
    });
    const { errors, ids } = dateInputErrors([starts, ends, date('1', '1', '2026')]);
    expect(
      formErrors({ ...errors, name: 'Enter a name' }, ['name', 'starts', 'ends'], ids).errorList,
    ).toEqual([
      { text: 'Enter a name', href: '#name' },
      { text: 'The date the price starts must include a month', href: '#starts-month' },
      { text: 'The date the price ends must be a real date', href: '#ends-day' },
    ]);
  });
});
