import { due } from '../../../kernel/working-time.js';
import type { ClockPolicy, ClockReading, ClockReadings, ClockState } from '../../../kernel/sla-clock.js';

/** The clocks as kept on the request and its queue row, for queues that need no replay. */
export interface StoredClocks {
  responseState: ClockState;
  responseDueAt: Date | null;
  resolutionState: ClockState;
  resolutionDueAt: Date | null;
  /** The next instant a running clock changes state by time alone (warning, then breach), or null. */
  nextCheckAt: Date | null;
  /** The queue's sort key: the earliest due instant of the clocks still running, or null. */
  queueDueAt: Date | null;
  /** The queue's state: the worst of the clocks still running, else the resolution clock's own. */
  queueState: ClockState;
}

/** Worst first: what a queue shows when two clocks run. */
const SEVERITY: readonly ClockState[] = ['breached', 'warning', 'on_track', 'paused', 'met'];

/** The instant a running clock will next change state if nothing happens but time passing. */
function nextChange(policy: ClockPolicy, reading: ClockReading, now: Date): Date | null {
  if (reading.stoppedAt || reading.state === 'breached' || reading.state === 'paused') return null;
  if (reading.state === 'warning') return reading.due;
  const untilWarning = (reading.target * policy.warningPercent) / 100 - reading.elapsed;
  return due(policy.calendar, now, Math.max(0, untilWarning));
}

function earliest(dates: Array<Date | null>): Date | null {
  let found: Date | null = null;
  for (const date of dates) if (date && (!found || date < found)) found = date;
  return found;
}

export function storedClocksOf(policy: ClockPolicy, readings: ClockReadings, now: Date): StoredClocks {
  const running = [readings.response, readings.resolution].filter((reading) => reading.stoppedAt === null);
  const queueState =
    running.length === 0
      ? readings.resolution.state
      : SEVERITY.find((state) => running.some((reading) => reading.state === state))!;
  return {
    responseState: readings.response.state,
    responseDueAt: readings.response.due,
    resolutionState: readings.resolution.state,
    resolutionDueAt: readings.resolution.due,
    nextCheckAt: earliest(running.map((reading) => nextChange(policy, reading, now))),
    queueDueAt: earliest(running.map((reading) => reading.due)),
    queueState,
  };
}
