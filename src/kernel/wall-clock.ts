/**
 * From a time on a wall clock in a time zone (what a person types: "29 March 2026, 01:30, UK time")
 * to the instant it names. Across a clock change a wall-clock time can name no instant (the hour
 * skipped when clocks go forward) or two (the hour repeated when they go back).
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const formats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock at `ms`, read as if it were UTC: wall time − `ms` is the zone's offset then. */
function wallClockAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormat(timeZone).formatToParts(new Date(ms)))
    parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute);
}

export type WallClockInstant =
  | { kind: 'instant'; instant: Date }
  /** The wall clock never showed this time that day: the clocks went forward past it. */
  | { kind: 'skipped' };

/**
 * The instant at which the wall clock in `timeZone` showed `date` (`YYYY-MM-DD`) at `hour`:`minute`.
 * When the clocks went back and the time was shown twice, the first: a person typing "1:30am" on
 * that night means the first 1:30am unless told otherwise, and a deadline is never made later.
 */
export function instantAtWallClock(
  date: string,
  hour: number,
  minute: number,
  timeZone = 'Europe/London',
): WallClockInstant {
  const [year, month, day] = date.split('-').map(Number);
  const wall = Date.UTC(year!, month! - 1, day, hour, minute);
  // The zone's offset half a day either side covers any change of offset that day.
  const candidates = [wall - 12 * HOUR_MS, wall + 12 * HOUR_MS]
    .map((around) => wall - (wallClockAt(around, timeZone) - around))
    .filter((instant) => wallClockAt(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  return candidates.length ? { kind: 'instant', instant: new Date(candidates[0]!) } : { kind: 'skipped' };
}
