import { describe, expect, it } from 'vitest';
import { instantAtWallClock } from './wall-clock.js';

const at = (date: string, hour: number, minute: number, zone?: string) => {
  const found = instantAtWallClock(date, hour, minute, zone);
  return found.kind === 'instant' ? found.instant.toISOString() : found.kind;
};

describe('a time on the UK wall clock', () => {
  it.each([
    ['2026-01-15', 9, 0, '2026-01-15T09:00:00.000Z'], // GMT
    ['2026-07-15', 9, 0, '2026-07-15T08:00:00.000Z'], // BST
    ['2026-03-27', 16, 0, '2026-03-27T16:00:00.000Z'],
    ['2026-03-28', 23, 59, '2026-03-28T23:59:00.000Z'],
    ['2026-12-31', 0, 0, '2026-12-31T00:00:00.000Z'],
  ])('%s %i:%i is %s', (date, hour, minute, iso) => {
    expect(at(date, hour, minute)).toBe(iso);
  });

  it('names no instant in the hour skipped when the clocks go forward (29 March 2026, 1am to 2am)', () => {
    expect(at('2026-03-29', 0, 59)).toBe('2026-03-29T00:59:00.000Z');
    expect(at('2026-03-29', 1, 0)).toBe('skipped');
    expect(at('2026-03-29', 1, 59)).toBe('skipped');
    expect(at('2026-03-29', 2, 0)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the first of the two in the hour repeated when they go back (25 October 2026)', () => {
    expect(at('2026-10-25', 0, 59)).toBe('2026-10-24T23:59:00.000Z');
    expect(at('2026-10-25', 1, 30)).toBe('2026-10-25T00:30:00.000Z');
    expect(at('2026-10-25', 2, 0)).toBe('2026-10-25T02:00:00.000Z');
  });

  it('works in other zones too', () => {
    expect(at('2026-07-15', 9, 0, 'UTC')).toBe('2026-07-15T09:00:00.000Z');
    expect(at('2026-07-15', 9, 0, 'America/New_York')).toBe('2026-07-15T13:00:00.000Z');
  });
});
