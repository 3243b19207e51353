import { parseInstant } from '../kernel/dates.js';

/**
 * What time it is, for the rules that depend on it: SLA clocks, due dates, "today". With
 * `TANDEM_NOW` set (an ISO instant with a zone, "2026-03-27T16:00:00Z") the time stands still at
 * that instant, so a demo or a test reads the same every run; otherwise it is the real clock.
 *
 * Machinery that needs time to pass (job polling, leases on outgoing mail, session expiry in the
 * database) keeps to the real clock whatever this says.
 */

export class ClockSettingError extends Error {}

/**
 * The fixed instant `TANDEM_NOW` names, or undefined when it is unset or empty. A value that is not
 * an ISO instant with a zone is refused, so a typing slip never quietly runs on the real clock.
 */
export function fixedNowFrom(env: NodeJS.ProcessEnv): Date | undefined {
  const raw = env.TANDEM_NOW;
  if (raw === undefined || raw.trim() === '') return undefined;
  const instant = parseInstant(raw);
  if (!instant) {
    throw new ClockSettingError(
      `TANDEM_NOW must be an ISO instant with a zone, for example 2026-03-27T16:00:00Z; it is "${raw}"`,
    );
  }
  return instant;
}

// Read from the environment on first use, so that importing this module never throws.
let fixed: Date | undefined | null = null;

/** The current instant: the real clock, or the instant `TANDEM_NOW` fixes. A new Date each call. */
export function now(): Date {
  if (fixed === null) fixed = fixedNowFrom(process.env);
  return fixed ? new Date(fixed.getTime()) : new Date();
}

/**
 * Fixes the clock at `instant` (tests), or with undefined goes back to what the environment says.
 * Affects this process only.
 */
export function setFixedNow(instant: Date | undefined): void {
  fixed = instant === undefined ? null : new Date(instant.getTime());
}
