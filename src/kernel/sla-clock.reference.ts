/**
 * A slow, obvious model of the SLA clocks for tests: it walks the history one minute at a time,
 * asking of each minute what the request's status was and whether it was working time. Whole
 * minutes only. Nothing here is shared with the fast implementation but the meaning of the words.
 */
import { STOPPED_STATUSES, type RequestStatus } from './request-states.js';
import type {
  ClockEvent,
  ClockHistory,
  ClockPolicy,
  ClockState,
  ClockTarget,
  Priority,
} from './sla-clock.js';
import {
  referenceLocalDate,
  referenceWorkingMinute,
  type ReferenceCalendar,
} from './working-time.reference.js';

const MINUTE_MS = 60_000;

export interface ReferencePolicy extends Omit<ClockPolicy, 'calendar'> {
  calendar: ReferenceCalendar;
}

export interface ReferenceReading {
  target: number;
  elapsed: number;
  paused: number;
  due: number | null;
  state: ClockState;
  stoppedAt: number | null;
  breachedAt: number | null;
}

/** The request as it stood during the minute starting at `minute`: events at or before it apply. */
function stateAt(history: ClockHistory, minute: number) {
  let status: RequestStatus = history.status ?? 'submitted';
  let priority: Priority = history.priority;
  let responseStop: number | null = null;
  let lastStop: number | null = STOPPED_STATUSES.includes(status) ? history.submittedAt.getTime() : null;
  for (const event of history.events as ClockEvent[]) {
    const at = Math.max(event.at.getTime(), history.submittedAt.getTime());
    if (at > minute) break;
    if (event.type === 'priority') priority = event.to;
    else {
      if (
        responseStop === null &&
        (event.type === 'response' || event.byHost || STOPPED_STATUSES.includes(event.to))
      )
        responseStop = at;
      if (event.type === 'status') {
        const was = STOPPED_STATUSES.includes(status);
        status = event.to;
        if (STOPPED_STATUSES.includes(status)) {
          if (!was) lastStop = at;
        } else lastStop = null;
      }
    }
  }
  return { status, priority, responseStop, lastStop };
}

function referenceTarget(
  policy: ReferencePolicy,
  isWorking: (minute: number) => boolean,
  submittedAt: number,
  target: ClockTarget,
): number {
  if (target.unit === 'working_minutes') return target.amount;
  const firstDate = referenceLocalDate(policy.calendar, submittedAt);
  const dates: string[] = [];
  let lastCounted = 0;
  let counted = 0;
  for (let minute = submittedAt; minute < submittedAt + 400 * 24 * 60 * MINUTE_MS; minute += MINUTE_MS) {
    if (!isWorking(minute)) continue;
    const date = referenceLocalDate(policy.calendar, minute);
    if (date > firstDate && !dates.includes(date)) {
      if (dates.length === target.amount) return lastCounted;
      dates.push(date);
    }
    counted += 1;
    if (dates.length > 0) lastCounted = counted;
  }
  throw new Error('too little working time for the reference');
}

/** Both clocks at `now` (a whole minute), minute by minute. */
export function referenceClocks(policy: ReferencePolicy, history: ClockHistory, now: number) {
  const isWorking = referenceWorkingMinute(policy.calendar);
  const start = history.submittedAt.getTime();
  const final = stateAt(history, now);
  const targets = policy.targets[final.priority];
  const read = (which: 'response' | 'resolution'): ReferenceReading => {
    const target = referenceTarget(policy, isWorking, start, targets[which]);
    let elapsed = 0;
    let paused = 0;
    let breachedAt: number | null = null;
    for (let minute = start; minute < now; minute += MINUTE_MS) {
      if (!isWorking(minute)) continue;
      const at = stateAt(history, minute);
      const stopped = which === 'response' ? at.responseStop !== null : STOPPED_STATUSES.includes(at.status);
      if (stopped) continue;
      if (policy.pauseStates.includes(at.status)) paused += 1;
      else {
        elapsed += 1;
        if (elapsed === target && breachedAt === null) breachedAt = minute + MINUTE_MS;
      }
    }
    const stoppedAt = which === 'response' ? final.responseStop : final.lastStop;
    const isPaused = stoppedAt === null && policy.pauseStates.includes(final.status);
    let state: ClockState;
    let due: number | null = breachedAt;
    if (breachedAt !== null) state = 'breached';
    else if (stoppedAt !== null) state = 'met';
    else if (isPaused) state = 'paused';
    else state = elapsed * 100 >= target * policy.warningPercent ? 'warning' : 'on_track';
    if (breachedAt === null && !isPaused) {
      let left = target - elapsed;
      let minute = stoppedAt ?? now;
      if (left === 0) due = minute;
      while (left > 0) {
        if (isWorking(minute)) left -= 1;
        minute += MINUTE_MS;
        if (left === 0) due = minute;
      }
    }
    return { target, elapsed, paused, due, state, stoppedAt, breachedAt };
  };
  return { response: read('response'), resolution: read('resolution') };
}
