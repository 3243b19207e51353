/**
 * SLA clocks as a pure function of a request's history: replaying the same history at the same
 * instant always gives the same figures, so clocks can be recomputed at any time and never drift.
 *
 * Each request has two clocks, response and resolution, both started at submission and measured in
 * working time on the SLA policy's calendar.
 *
 * - The response clock stops for good at the first public reply or status change by host staff
 *   (or when the request is resolved, closed, rejected or withdrawn by anyone).
 * - The resolution clock stops while the request is resolved (or closed, rejected, withdrawn), and
 *   runs again if it is reopened.
 * - Neither runs while the request is in one of the policy's pause states; the working time that
 *   passes then is counted as paused.
 * - The target is the current priority's: a priority change applies retroactively to the time
 *   already elapsed, so raising the priority can breach a request at once, in the past.
 * - A target in working days is the working time from submission to the close of the calendar's
 *   Nth working day after the day of submission.
 */
import { closeOfWorkingDay, due, workingMinutesBetween, type WorkingCalendar } from './working-time.js';
import { STOPPED_STATUSES, type RequestStatus } from './request-states.js';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface ClockTarget {
  amount: number;
  unit: 'working_minutes' | 'working_days';
}

export interface ClockPolicy {
  calendar: WorkingCalendar;
  targets: Readonly<Record<Priority, { readonly response: ClockTarget; readonly resolution: ClockTarget }>>;
  /** A clock is in `warning` once its elapsed time reaches this percentage of the target. */
  warningPercent: number;
  /** Statuses in which both clocks are paused. */
  pauseStates: readonly RequestStatus[];
}

export type ClockEvent =
  | { readonly at: Date; readonly type: 'status'; readonly to: RequestStatus; readonly byHost: boolean }
  | { readonly at: Date; readonly type: 'priority'; readonly to: Priority }
  /** A public reply by host staff. */
  | { readonly at: Date; readonly type: 'response' };

export interface ClockHistory {
  submittedAt: Date;
  /** The priority at submission. */
  priority: Priority;
  /** The status at submission: `submitted`, or `awaiting_approval` when approval is needed. */
  status?: RequestStatus;
  /** In the order they happened; events at the same instant apply in the order given. */
  events: readonly ClockEvent[];
}

export const CLOCK_STATES = ['on_track', 'warning', 'breached', 'paused', 'met'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

export interface ClockReading {
  /** Working minutes allowed. */
  target: number;
  /** Working minutes the clock has run. */
  elapsed: number;
  /** Working minutes that passed while the clock was paused. */
  paused: number;
  /** Working minutes left before the target, 0 once reached. */
  remaining: number;
  /**
   * When elapsed reaches (or reached) the target: in the past once breached; otherwise when it would,
   * were the clock to run on from now (or from its stop). Null while paused and not yet breached.
   */
  due: Date | null;
  state: ClockState;
  /** When the clock stopped, while it is stopped. */
  stoppedAt: Date | null;
  /** When elapsed reached the target, if it has. */
  breachedAt: Date | null;
}

export interface ClockReadings {
  response: ClockReading;
  resolution: ClockReading;
}

/** Working minutes a target stands for, for a request submitted at `submittedAt`. */
export function targetMinutes(calendar: WorkingCalendar, submittedAt: Date, target: ClockTarget): number {
  if (target.unit === 'working_minutes') return target.amount;
  return workingMinutesBetween(
    calendar,
    submittedAt,
    closeOfWorkingDay(calendar, submittedAt, target.amount),
  );
}

const STOPPED: ReadonlySet<RequestStatus> = new Set(STOPPED_STATUSES);
/** What one clock has counted so far, as the history is walked. */
class Tally {
  elapsed = 0;
  paused = 0;
  breachedAt: number | null = null;
  stoppedAt: number | null = null;
  /** Where each stretch of running time began, with the elapsed total before it, for the breach instant. */
  readonly runs: Array<{ from: number; before: number; minutes: number }> = [];

  add(from: number, minutes: number, running: boolean, paused: boolean): void {
    if (minutes === 0) return;
    if (running) {
      this.runs.push({ from, before: this.elapsed, minutes });
      this.elapsed += minutes;
    } else if (paused) this.paused += minutes;
  }
}

/** Reads both clocks of a request at `now`. Events after `now` are ignored. */
export function readClocks(policy: ClockPolicy, history: ClockHistory, now: Date): ClockReadings {
  const { calendar } = policy;
  const pauses = policy.pauseStates;
  const start = history.submittedAt.getTime();
  const end = Math.max(start, now.getTime());

  let status: RequestStatus = history.status ?? 'submitted';
  let priority = history.priority;
  let responded = false;
  const response = new Tally();
  const resolution = new Tally();

  let cursor = start;
  // Events after `now` are ignored: they come last.
  const { events } = history;
  let count = 0;
  while (count < events.length && events[count]!.at.getTime() <= end) count += 1;
  // Each event in turn, the time up to it counted first; then the time up to the end.
  for (let index = 0; index <= count; index += 1) {
    const event = index < count ? events[index] : undefined;
    const until = event ? Math.max(event.at.getTime(), start) : end;
    if (until > cursor) {
      const resolutionStopped = STOPPED.has(status);
      // Both clocks stopped: nothing to count (a closed request read months later costs nothing).
      if (!(responded && resolutionStopped)) {
        const minutes = workingMinutesBetween(calendar, new Date(cursor), new Date(until));
        const paused = pauses.includes(status);
        response.add(cursor, minutes, !responded && !paused, !responded && paused);
        resolution.add(cursor, minutes, !resolutionStopped && !paused, !resolutionStopped && paused);
      }
      cursor = until;
    }
    if (!event) break;
    if (event.type === 'priority') {
      priority = event.to;
      continue;
    }
    if (event.type === 'response' || event.byHost || STOPPED.has(event.to)) {
      if (!responded) response.stoppedAt = cursor;
      responded = true;
    }
    if (event.type === 'status') {
      const wasStopped = STOPPED.has(status);
      status = event.to;
      const isStopped = STOPPED.has(status);
      if (isStopped && !wasStopped) resolution.stoppedAt = cursor;
      if (!isStopped) resolution.stoppedAt = null;
    }
  }

  const targets = policy.targets[priority];
  const paused = pauses.includes(status);
  return {
    response: reading(calendar, response, targetMinutes(calendar, history.submittedAt, targets.response), {
      paused: !responded && paused,
      warningPercent: policy.warningPercent,
      now: end,
    }),
    resolution: reading(
      calendar,
      resolution,
      targetMinutes(calendar, history.submittedAt, targets.resolution),
      { paused: resolution.stoppedAt === null && paused, warningPercent: policy.warningPercent, now: end },
    ),
  };
}

function reading(
  calendar: WorkingCalendar,
  tally: Tally,
  target: number,
  options: { paused: boolean; warningPercent: number; now: number },
): ClockReading {
  const stoppedAt = tally.stoppedAt === null ? null : new Date(tally.stoppedAt);
  let breachedAt: Date | null = null;
  if (tally.elapsed >= target) {
    // The stretch of running time in which the elapsed total crossed the target.
    const run = tally.runs.find((candidate) => candidate.before + candidate.minutes >= target);
    breachedAt = run ? due(calendar, new Date(run.from), target - run.before) : new Date(options.now);
  }
  const remaining = Math.max(0, target - tally.elapsed);
  let state: ClockState;
  let dueAt: Date | null;
  if (breachedAt) {
    state = 'breached';
    dueAt = breachedAt;
  } else if (stoppedAt) {
    state = 'met';
    dueAt = due(calendar, stoppedAt, remaining);
  } else if (options.paused) {
    state = 'paused';
    dueAt = null;
  } else {
    state = tally.elapsed * 100 >= target * options.warningPercent ? 'warning' : 'on_track';
    dueAt = due(calendar, new Date(options.now), remaining);
  }
  return {
    target,
    elapsed: tally.elapsed,
    paused: tally.paused,
    remaining,
    due: dueAt,
    state,
    stoppedAt,
    breachedAt,
  };
}
