import { compileCalendar, type WorkingCalendar } from '../../../kernel/working-time.js';
import { isRequestStatus, type RequestStatus } from '../../../kernel/request-states.js';
import { PRIORITIES, type ClockPolicy, type ClockTarget, type Priority } from '../../../kernel/sla-clock.js';

/** A target as the catalogue keeps it. */
export interface SnapshotTarget {
  value: number;
  unit: 'working_minutes' | 'working_days';
}

/** The calendar a policy counts on, as it was when the request was submitted. */
export interface CalendarSnapshot {
  id: string;
  code: string;
  version: number;
  timeZone: string;
  hours: Record<string, Array<[string, string]>>;
  /** The bank-holiday division it closes on, or null. */
  holidays: string | null;
  closures: string[];
}

/**
 * The SLA policy in force for a request when it was submitted, kept on the request (requests.sla) so
 * that later changes to the policy or its calendar never alter its clocks, and so that the service
 * centre can run the clocks of a policy on a partner's own calendar without reading that calendar.
 */
export interface SlaSnapshot {
  policyId: string;
  code: string;
  name: string;
  version: number;
  warningPercent: number;
  pauseStates: RequestStatus[];
  targets: Record<Priority, { response: SnapshotTarget; resolution: SnapshotTarget }>;
  calendar: CalendarSnapshot;
}

const kernelTarget = (target: SnapshotTarget): ClockTarget => ({ amount: target.value, unit: target.unit });

// Compiling a calendar costs far more than a clock replay; requests share a handful of calendars.
const compiled = new Map<string, WorkingCalendar>();
const MOST_KEPT = 200;

/** The snapshot's calendar compiled with the bank holidays of its division, remembered by content. */
export function calendarOf(calendar: CalendarSnapshot, bankHolidays: readonly string[]): WorkingCalendar {
  const key = JSON.stringify([calendar.timeZone, calendar.hours, calendar.closures, bankHolidays]);
  let found = compiled.get(key);
  if (!found) {
    found = compileCalendar({
      timeZone: calendar.timeZone,
      hours: calendar.hours,
      closedDates: [...bankHolidays, ...calendar.closures],
    });
    if (compiled.size >= MOST_KEPT) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, found);
  }
  return found;
}

/** What the kernel's clocks need: the snapshot's targets and pause states, on its calendar. */
export function clockPolicyOf(sla: SlaSnapshot, bankHolidays: readonly string[]): ClockPolicy {
  const targets = Object.fromEntries(
    PRIORITIES.map((priority) => [
      priority,
      {
        response: kernelTarget(sla.targets[priority].response),
        resolution: kernelTarget(sla.targets[priority].resolution),
      },
    ]),
  ) as ClockPolicy['targets'];
  return {
    calendar: calendarOf(sla.calendar, bankHolidays),
    targets,
    warningPercent: sla.warningPercent,
    pauseStates: sla.pauseStates.filter(isRequestStatus),
  };
}
