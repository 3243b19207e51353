import './catalogue.messages.js';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { isRole, type Principal } from '../../platform/auth/index.js';
import { inScope, type Database } from '../../platform/db/index.js';
import { DomainError } from '../../platform/errors.js';
import { translate } from '../../platform/web/index.js';
import { CalendarError, due } from '../../kernel/working-time.js';
import { parseInstant } from '../../kernel/dates.js';
import { calendarsRepository } from './calendars/calendars.repository.js';
import { calendarsService, workingCalendar } from './calendars/calendars.service.js';
import { loadBankHolidays } from './calendars/bank-holidays.js';
import { parseMinutes } from './calendars/calendars.schemas.js';
import { tariffsService } from './tariffs/tariffs.service.js';
import { problemLine, type ImportProblem } from './tariffs/tariffs.import.js';

export const CATALOGUE_USAGE = `  calendar import FILE.json [--as EMAIL]
                                Create or replace calendars (a JSON list in the API's shape), as a service manager
  calendar due --calendar CODE --from ISO --minutes N
                                When N working minutes from an instant will have elapsed
  tariffs import FILE.csv [--as EMAIL]
                                Import prices (offering,organisation,unit_price,valid_from,valid_to): all or none
  holidays load FILE            Load bank holidays from a file shaped like gov.uk's bank-holidays.json
                                --as names the host's service manager to act as; without it, the only one`;

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

function problem(message: string): DomainError {
  return new DomainError('ERR_BAD_REQUEST', message);
}

function readFile(file: string | undefined): string {
  if (!file) throw problem('name the file to read');
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw problem(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The host's service manager the command acts as: the one named, or the only one there is. */
async function actingServiceManager(db: Database, email: string | undefined): Promise<Principal> {
  const candidates = await inScope(db, OPERATOR, (tx) =>
    tx
      .selectFrom('memberships as m')
      .innerJoin('organisations as o', 'o.id', 'm.org_id')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'u.id as userId',
        'u.email',
        'u.name',
        'o.id as orgId',
        'o.code',
        'o.name as orgName',
        'm.roles',
      ])
      .where('o.role', '=', 'host')
      .where('u.disabled_at', 'is', null)
      .where((eb) => eb(eb.val('service_manager'), '=', eb.fn<string>('any', ['m.roles'])))
      .$if(email !== undefined, (q) => q.where('u.email', '=', email!.trim().toLowerCase()))
      .execute(),
  );
  if (candidates.length !== 1) {
    throw problem(
      email
        ? `${email} is not a service manager of the host`
        : 'say which service manager to act as with --as EMAIL',
    );
  }
  const found = candidates[0]!;
  const org = {
    orgId: found.orgId,
    code: found.code,
    name: found.orgName,
    role: 'host' as const,
    roles: found.roles.filter(isRole),
  };
  return {
    userId: found.userId,
    email: found.email,
    name: found.name,
    org,
    memberships: [org],
    via: 'token',
  };
}

function explain(error: unknown): never {
  if (error instanceof DomainError) {
    const rows = (error.details?.rows as ImportProblem[] | undefined) ?? [];
    const fields = (error.details?.fields as Record<string, string> | undefined) ?? {};
    const lines = rows.length
      ? rows.map((row) => `  ${problemLine(row).replace(/^Line /, 'line ')}`)
      : Object.entries(fields).map(([field, key]) => `  ${field}: ${translate(key)}`);
    throw new DomainError(
      error.code,
      [`${error.message} (${error.code})`, ...lines].join('\n'),
      error.details,
    );
  }
  throw error;
}

/** `tandem calendar …`, `tandem tariffs …` and `tandem holidays …`. */
export async function runCatalogueCommand(
  db: Database,
  argv: string[],
  out: (line: string) => void,
): Promise<void> {
  const [command, sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        as: { type: 'string' },
        calendar: { type: 'string' },
        from: { type: 'string' },
        minutes: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw problem((error as Error).message.split('\n')[0] ?? 'unreadable options');
  }
  const { values, positionals } = parsed;

  if (command === 'calendar' && sub === 'import') {
    let list: unknown;
    try {
      list = JSON.parse(readFile(positionals[0]));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw problem(`${positionals[0]} is not valid JSON`);
    }
    const principal = await actingServiceManager(db, values.as);
    const result = await calendarsService(db).importAll({ principal }, list).catch(explain);
    out(`Calendars: ${result.created} created, ${result.replaced} replaced.`);
    return;
  }

  if (command === 'calendar' && sub === 'due') {
    const from = parseInstant(values.from);
    const minutes = parseMinutes(values.minutes);
    if (!values.calendar) throw problem('--calendar CODE is required');
    if (!from) throw problem('--from must be an ISO 8601 instant with a zone, like 2026-03-27T16:00:00Z');
    if (minutes === undefined) throw problem('--minutes must be a whole number from 0 to 525600');
    const code = values.calendar.toUpperCase();
    // The operator may use any calendar, partners' included: every organisation is in scope.
    const everyone = await inScope(db, OPERATOR, async (tx) =>
      (await tx.selectFrom('organisations').select('id').execute()).map((org) => org.id),
    );
    const at = await inScope(db, { orgIds: everyone, platformAdmin: true }, async (tx) => {
      const found = (await calendarsRepository.list(tx, everyone)).filter(
        (calendar) => calendar.code === code,
      );
      if (found.length > 1) throw problem(`more than one host has a calendar with the code ${code}`);
      const calendar = found[0];
      if (!calendar) throw problem(`no calendar has the code ${code}`);
      try {
        return due(await workingCalendar(tx, calendar), from, minutes);
      } catch (error) {
        if (error instanceof CalendarError) throw new DomainError(error.code, error.message);
        throw error;
      }
    });
    out(at.toISOString());
    return;
  }

  if (command === 'tariffs' && sub === 'import') {
    const csv = readFile(positionals[0]);
    const principal = await actingServiceManager(db, values.as);
    const { added } = await tariffsService(db)
      .importTariffs({ principal }, csv, (done, total) => out(`checked ${done}/${total}`))
      .catch(explain);
    out(`Prices imported: ${added}.`);
    return;
  }

  if (command === 'holidays' && sub === 'load') {
    let data: unknown;
    try {
      data = JSON.parse(readFile(positionals[0]));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw problem(`${positionals[0]} is not valid JSON`);
    }
    const counts = await loadBankHolidays(db, OPERATOR, data).catch(explain);
    for (const [division, count] of counts) out(`${division}: ${count} bank holidays loaded`);
    return;
  }

  throw problem(`unknown command "${[command, sub].filter(Boolean).join(' ')}"`);
}
