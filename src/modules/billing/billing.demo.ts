import { sql } from 'kysely';
import { inScope, type Database } from '../../platform/db/index.js';
import { londonDate } from '../../kernel/dates.js';
import { financialYearOf, parsePeriod } from '../../kernel/periods.js';
import { actingAs, meteringService } from '../metering/index.js';
import { billingServices } from './billing.services.js';

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

/** Who controls the host company, for the Teckal indicator: the county council and the district council. */
const CONTROLLING = ['MCC', 'WDC'];

const JOURNAL: Record<string, [string, string]> = {
  FIN: ['SSC-FIN', '4410'],
  IT: ['SSC-IT', '4420'],
  HR: ['SSC-HR', '4430'],
  LEGAL: ['SSC-LEG', '4440'],
  PRINT: ['SSC-PRT', '4450'],
  PROP: ['SSC-PRP', '4460'],
};

const ARRANGEMENTS: Array<Record<string, string>> = [
  { organisation: 'WDC', serviceLine: 'HR', model: 'cost_pool' },
  {
    organisation: 'WDC',
    serviceLine: 'LEGAL',
    model: 'purchased_hours',
    blockHours: '120',
    hourRate: '62.00',
    overageRate: '78.00',
  },
  { organisation: 'WDC', serviceLine: 'PROP', model: 'fixed_contribution', annualAmount: '24000.00' },
  { organisation: 'MFRS', serviceLine: 'HR', model: 'cost_pool' },
  { organisation: 'SVCT', serviceLine: 'HR', model: 'cost_pool' },
  { organisation: 'SVCT', serviceLine: 'FIN', model: 'fixed_contribution', annualAmount: '6500.00' },
  { organisation: 'MCC-RES', serviceLine: 'HR', model: 'cost_pool' },
  { organisation: 'MCC-CHS', serviceLine: 'HR', model: 'cost_pool' },
  { organisation: 'MCC-ASC', serviceLine: 'HR', model: 'cost_pool' },
];

/** Headcount for the HR pool, by organisation, for the financial year. */
const HEADCOUNT: Record<string, string> = {
  'MCC-RES': '418',
  'MCC-CHS': '611',
  'MCC-ASC': '534',
  WDC: '382.5',
  MFRS: '291',
  SVCT: '46',
};

/** What each organisation uses, per month: offering, events a month, quantity each. */
const USAGE: Record<string, Array<[string, number, string]>> = {
  WDC: [
    ['IT-FAULT', 38, '1'],
    ['IT-PASSWORD-RESET', 55, '1'],
    ['IT-NEW-STARTER', 6, '1'],
    ['FIN-PAYSLIP', 1, '402'],
    ['FIN-SUPPLIER-INVOICE', 90, '1'],
    ['PRT-BULK', 12, '1500'],
    ['LEG-ADVICE', 9, '1.75'],
  ],
  MFRS: [
    ['IT-FAULT', 24, '1'],
    ['IT-PASSWORD-RESET', 31, '1'],
    ['FIN-PAYSLIP', 1, '305'],
    ['PRT-BULK', 4, '800'],
  ],
  SVCT: [],
  BWF: [
    ['PRT-BULK', 8, '2000'],
    ['PRP-REACTIVE', 5, '1'],
  ],
  'MCC-RES': [
    ['IT-FAULT', 41, '1'],
    ['FIN-SUPPLIER-INVOICE', 120, '1'],
  ],
  'MCC-CHS': [
    ['IT-FAULT', 52, '1'],
    ['LEG-ADVICE', 14, '2.5'],
  ],
  'MCC-ASC': [
    ['IT-FAULT', 47, '1'],
    ['PRT-BULK', 6, '1200'],
  ],
};

function previousMonths(now: Date, count: number): string[] {
  const today = londonDate(now);
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    months.unshift(`${year}-${String(month).padStart(2, '0')}`);
  }
  return months;
}

/**
 * Loads demo charging: arrangements for the partners, journal codes, three months of usage before
 * `now`, the HR cost pool for each month shared by headcount, one issued run (the first month) and
 * one draft (the second). Runs as the host's finance officer. Does nothing if the host has any
 * recharge run already, so running it twice changes nothing.
 */
export async function seedDemoBilling(
  db: Database,
  options: { now?: Date; onProgress?: (message: string) => void } = {},
): Promise<number> {
  const progress = options.onProgress ?? (() => {});
  let principal;
  try {
    principal = await actingAs(db, 'finance@mercia.example', ['finance_officer']);
  } catch {
    return 0;
  }
  const ctx = { principal };
  const host = principal.org.orgId;
  const seeded = await inScope(
    db,
    { userId: principal.userId, orgIds: [host] },
    async (tx) =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from recharge_runs where host_org_id = ${host}`.execute(tx)
      ).rows[0]!.n > 0,
  );
  if (seeded) return 0;

  await inScope(db, OPERATOR, (tx) =>
    sql`update organisations set controlling = true where code = any (${CONTROLLING}::text[])`.execute(tx),
  );
  const billing = billingServices(db);
  for (const [line, [costCentre, account]] of Object.entries(JOURNAL))
    await billing.journal.set(ctx, line, { costCentre, account });

  const months = previousMonths(options.now ?? new Date(), 3);
  const years = [...new Set(months.map((month) => financialYearOf(`${month}-01`)))];
  const validFrom = parsePeriod(years[0])!.from;
  for (const arrangement of ARRANGEMENTS) await billing.charging.add(ctx, { ...arrangement, validFrom });
  progress('billing: arrangements and journal codes');

  // Usage: the same pattern each month, spread over its working days, with keys that say what they are.
  let added = 0;
  const events: Array<Record<string, string>> = [];
  for (const month of months) {
    for (const [org, uses] of Object.entries(USAGE)) {
      for (const [offering, perMonth, quantity] of uses) {
        for (let n = 0; n < perMonth; n++) {
          const day = 1 + ((n * 7 + org.length * 3) % 27);
          const hour = 8 + ((n * 5 + offering.length) % 9);
          events.push({
            key: `demo-${month}-${org}-${offering}-${n}`,
            organisation: org,
            offering,
            quantity,
            occurredAt: `${month}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:15:00Z`,
          });
        }
      }
    }
  }
  const metering = meteringService(db);
  for (let at = 0; at < events.length; at += 5000) {
    const recorded = await metering.record(ctx, events.slice(at, at + 5000));
    added += recorded.filter((e) => e.status === 'recorded').length;
  }
  progress(`billing: ${added} usage events`);

  await billing.pools.importPools(
    ctx,
    [
      'service_line,period,amount,driver,description',
      ...months.map((m) => `HR,${m},41850.00,headcount,HR administration team`),
    ].join('\n'),
  );
  await billing.pools.importDrivers(
    ctx,
    [
      'organisation,service_line,driver,value,period',
      ...years.flatMap((year) =>
        Object.entries(HEADCOUNT).map(([org, value]) => `${org},HR,headcount,${value},${year}`),
      ),
    ].join('\n'),
  );
  progress('billing: cost pools and headcount');

  const issued = await billing.runs.create(ctx, { period: months[0] });
  await billing.runs.review(ctx, issued.run.id);
  await billing.runs.issue(ctx, issued.run.id);
  await billing.runs.create(ctx, { period: months[1] });
  progress(`billing: run for ${months[0]} issued, ${months[1]} in draft`);
  return added + ARRANGEMENTS.length + 2;
}
