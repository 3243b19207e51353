/**
 * UTC offsets of a time zone at any instant, fast: the working-time kernel asks for every day of every
 * due date.
 *
 * Intl.DateTimeFormat costs microseconds per call, far too slow to consult for every day of every due date.
 * Instead each zone's history is surveyed once per block of time, recording the spans over which its offset
 * is constant; after that, finding the offset is a map lookup and a short scan.
 */

const SECOND_MS = 1000;
const DAY_MS = 24 * 60 * 60 * SECOND_MS;

/** A stretch of time [start, end) over which a zone's local time is UTC plus `offsetMs`. */
interface OffsetSpan {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

const SURVEY_BLOCK_MS = 128 * DAY_MS;

/**
 * Offsets are sampled this far apart and bisected where they differ. A change and its reversal inside one
 * step would go unnoticed; tz history has no such pair of transitions less than a day apart.
 */
const SURVEY_STEP_MS = DAY_MS;

export class ZoneOffsets {
  private readonly spansByBlock = new Map<number, readonly OffsetSpan[]>();
  private readonly formatter: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  /** The span containing `instant`. Spans end at block boundaries as well as at real offset changes. */
  spanAt(instant: number): OffsetSpan {
    const block = Math.floor(instant / SURVEY_BLOCK_MS);
    let spans = this.spansByBlock.get(block);
    if (spans === undefined) {
      spans = this.survey(block * SURVEY_BLOCK_MS, (block + 1) * SURVEY_BLOCK_MS);
      this.spansByBlock.set(block, spans);
    }
    for (const span of spans) {
      if (instant < span.end) return span;
    }
    throw new Error(`Offset survey of ${this.timeZone} does not cover ${new Date(instant).toISOString()}`);
  }

  private survey(blockStart: number, blockEnd: number): OffsetSpan[] {
    const spans: OffsetSpan[] = [];
    let spanStart = blockStart;
    let spanOffset = this.offsetAt(blockStart);
    let sampled = blockStart;
    while (sampled < blockEnd) {
      const next = Math.min(sampled + SURVEY_STEP_MS, blockEnd);
      if (this.offsetAt(next) === spanOffset) {
        sampled = next;
        continue;
      }
      const change = this.firstChangeAfter(sampled, next, spanOffset);
      if (change < blockEnd) {
        spans.push({ start: spanStart, end: change, offsetMs: spanOffset });
        spanStart = change;
        spanOffset = this.offsetAt(change);
      }
      sampled = change;
    }
    spans.push({ start: spanStart, end: blockEnd, offsetMs: spanOffset });
    return spans;
  }

  /** Bisects (before, after] for the first instant whose offset is not `offsetBefore`. Offsets change on whole seconds. */
  private firstChangeAfter(before: number, after: number, offsetBefore: number): number {
    let low = before;
    let high = after;
    while (high - low > SECOND_MS) {
      const middle = low + Math.floor((high - low) / (2 * SECOND_MS)) * SECOND_MS;
      if (this.offsetAt(middle) === offsetBefore) low = middle;
      else high = middle;
    }
    return high;
  }

  /** Local time minus UTC at `instant`, in milliseconds. */
  private offsetAt(instant: number): number {
    const formatted = this.formatter.format(instant);
    const match = LONG_OFFSET.exec(formatted);
    if (match === null) {
      throw new Error(`Unrecognised UTC offset '${formatted}' for ${this.timeZone}`);
    }
    const [, sign, hours, minutes, seconds] = match;
    if (sign === undefined) return 0;
    const magnitude = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds ?? 0)) * SECOND_MS;
    return sign === '+' ? magnitude : -magnitude;
  }
}

/** The tail of an en-US 'longOffset' rendering: "GMT", "GMT+01:00", "GMT-00:01:15". ICU may use U+2212 for minus. */
const LONG_OFFSET = /GMT(?:([+\-\u2212])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Surveys are shared by every calendar in the same zone. */
const zoneOffsetsByTimeZone = new Map<string, ZoneOffsets>();

export function zoneOffsetsFor(timeZone: string): ZoneOffsets {
  let offsets = zoneOffsetsByTimeZone.get(timeZone);
  if (offsets === undefined) {
    offsets = new ZoneOffsets(timeZone);
    zoneOffsetsByTimeZone.set(timeZone, offsets);
  }
  return offsets;
}
