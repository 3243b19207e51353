import type { Scope } from '../../../platform/db/index.js';
import { inScope, type Database } from '../../../platform/db/index.js';
import { validationFailed } from '../../../platform/errors.js';
import { isIsoDate } from '../../../kernel/dates.js';
import { recordHostAudit } from '../../audit/index.js';
import { calendarsRepository as repo } from './calendars.repository.js';
import { DIVISIONS, type Division } from './calendars.schemas.js';

/** Checks a file in the shape of gov.uk's bank-holidays.json; returns the problem or the events by division. */
export function readBankHolidayFile(
  data: unknown,
): { divisions: Map<Division, Array<{ date: string; title: string }>> } | { problem: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { problem: 'expected an object of divisions' };
  const divisions = new Map<Division, Array<{ date: string; title: string }>>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!(DIVISIONS as readonly string[]).includes(key)) return { problem: `unknown division "${key}"` };
    const events = (value as { events?: unknown })?.events;
    if (!Array.isArray(events)) return { problem: `${key} has no list of events` };
    // One holiday a day: where a file names two (substitute days), the first title stands.
    const byDate = new Map<string, { date: string; title: string }>();
    for (const event of events as Array<Record<string, unknown>>) {
      if (!isIsoDate(event?.date) || typeof event.title !== 'string' || !event.title.trim())
        return { problem: `${key}: every event needs a date (YYYY-MM-DD) and a title` };
      if (!byDate.has(event.date)) byDate.set(event.date, { date: event.date, title: event.title.trim() });
    }
    divisions.set(key as Division, [...byDate.values()]);
  }
  if (divisions.size === 0) return { problem: 'no divisions in the file' };
  return { divisions };
}

/** Loads a bank holiday file (gov.uk's shape), replacing each division's holidays over the dates it covers. */
export async function loadBankHolidays(
  db: Database,
  scope: Scope,
  data: unknown,
): Promise<Map<string, number>> {
  const file = readBankHolidayFile(data);
  if ('problem' in file) throw validationFailed({ file: file.problem });
  return inScope(db, scope, async (tx) => {
    const counts = new Map<string, number>();
    for (const [division, events] of file.divisions) {
      await repo.replaceBankHolidays(tx, division, events);
      counts.set(division, events.length);
    }
    await recordHostAudit(tx, {
      actorUserId: scope.userId ?? null,
      action: 'bank-holidays.load',
      entityType: 'bank_holidays',
      after: Object.fromEntries(counts),
    });
    return counts;
  });
}
