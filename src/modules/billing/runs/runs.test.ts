import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../../test/helpers/database.js';
import type { Caller } from '../../../platform/auth/index.js';
import { inScope } from '../../../platform/db/index.js';
import { DomainError } from '../../../platform/errors.js';
import {
  addTariff,
  endTariffs,
  financeCaller,
  idsByCode,
  recordEvents,
  services,
} from '../billing.test-helpers.js';
import type { StatementView } from '../statements/statements.service.js';

let db: TestDatabase;
let finance: Caller;
let billing: ReturnType<typeof services>;
let orgs: Record<string, string>;

beforeAll(async () => {
  db = await openTestDatabase();
  finance = await financeCaller(db);
  billing = services(db);
  orgs = await idsByCode(db, 'organisations');
});
afterAll(() => db.destroy());

const lines = (statement: StatementView) => statement.serviceLines.flatMap((group) => group.lines);
const statementOf = (statements: StatementView[], code: string, kind = 'statement') =>
  statements.find((s) => s.organisation.code === code && s.kind === kind)!;

async function issue(runId: string) {
  await billing.runs.review(finance, runId);
  return billing.runs.issue(finance, runId);
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('per-unit charges', () => {
  it('prices each event on its day in England, the partner’s own price first, one line per offering and price', async () => {
    await addTariff(db, { offering: 'PRT-POSTERS', organisation: 'WDC', pence: 600, from: '2031-01-15' });
    await recordEvents(db, [
      {
        key: 'pu-1',
        organisation: 'WDC',
        offering: 'PRT-POSTERS',
        quantity: '3',
        occurredAt: '2031-01-10T10:00:00Z',
      },
      {
        key: 'pu-2',
        organisation: 'WDC',
        offering: 'PRT-POSTERS',
        quantity: '2.5',
        occurredAt: '2031-01-20T10:00:00Z',
      },
      {
        key: 'pu-3',
        organisation: 'WDC',
        offering: 'PRT-POSTERS',
        quantity: '1',
        occurredAt: '2031-01-31T23:30:00Z',
      },
      // 00:30 on 1 February in England: the next period.
      {
        key: 'pu-4',
        organisation: 'WDC',
        offering: 'PRT-POSTERS',
        quantity: '9',
        occurredAt: '2031-01-31T23:30:00-01:00',
      },
      {
        key: 'pu-5',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '0.333',
        occurredAt: '2031-01-05T10:00:00Z',
      },
    ]);
    const { run } = await billing.runs.create(finance, { period: '2031-01', organisations: ['WDC'] });
    expect(run).toMatchObject({ kind: 'charge', period: '2031-01', status: 'draft', unpriced: [] });
    const wdc = statementOf(await billing.statements.ofRun(finance, run.id), 'WDC');
    const posters = lines(wdc).filter((line) => line.offering?.code === 'PRT-POSTERS');
    expect(posters.map((l) => [l.quantity, l.unitPricePence, l.amountPence])).toEqual([
      ['3.5', 600, 2100],
      ['3', 650, 1950],
    ]);
    expect(posters[0]!.source).toMatchObject({ pricedOn: [['2031-01-20', '2031-01-31']], events: 2 });
    // 0.333 × £22.00 = £7.326, rounded once: £7.33.
    expect(lines(wdc).find((l) => l.offering?.code === 'IT-FAULT')).toMatchObject({
      quantity: '0.333',
      amountPence: 733,
    });
    expect(wdc.totalPence).toBe(lines(wdc).reduce((sum, l) => sum + l.amountPence, 0));
  });

  it('lists usage with no price and will not issue until it is priced', async () => {
    await endTariffs(db, 'PRP-PLANNED', '2031-02-28');
    await recordEvents(db, [
      {
        key: 'np-1',
        organisation: 'BWF',
        offering: 'PRP-PLANNED',
        quantity: '2',
        occurredAt: '2031-03-05T10:00:00Z',
      },
    ]);
    const { run } = await billing.runs.create(finance, { period: '2031-03', organisations: ['BWF'] });
    expect(run.unpriced).toEqual([
      {
        organisation: 'BWF',
        offering: 'PRP-PLANNED',
        firstDay: '2031-03-05',
        lastDay: '2031-03-05',
        quantity: '2000',
        events: 1,
      },
    ]);
    await billing.runs.review(finance, run.id);
    expect((await refusal(billing.runs.issue(finance, run.id))).code).toBe('ERR_RUN_BLOCKED');
    await addTariff(db, { offering: 'PRP-PLANNED', pence: 15_000, from: '2031-03-01' });
    const again = await billing.runs.compute(finance, run.id);
    expect(again.changed).toBe(true);
    expect(again.run.unpriced).toEqual([]);
    expect((await issue(run.id)).status).toBe('issued');
  });
});

describe('issuing', () => {
  let runId: string;

  it('numbers statements without gaps, in order of organisation', async () => {
    await recordEvents(db, [
      {
        key: 'is-1',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '2',
        occurredAt: '2031-02-03T10:00:00Z',
      },
      {
        key: 'is-2',
        organisation: 'MFRS',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2031-02-04T10:00:00Z',
      },
    ]);
    const before = await sql<{ n: string }>`
      select coalesce(max(last_number), 0)::text as n from billing_counters where series = 'statement'`.execute(
      db.kysely,
    );
    const { run } = await billing.runs.create(finance, { period: '2031-02', organisations: ['WDC', 'MFRS'] });
    runId = run.id;
    expect((await refusal(billing.runs.issue(finance, run.id))).code).toBe('ERR_RUN_NOT_REVIEWED');
    const issued = await issue(run.id);
    expect(issued.status).toBe('issued');
    const numbers = (await billing.statements.ofRun(finance, run.id)).map((s) => [
      s.organisation.code,
      s.number,
    ]);
    const first = Number(before.rows[0]!.n) + 1;
    expect(numbers).toEqual([
      ['MFRS', `MCC-S-${String(first).padStart(6, '0')}`],
      ['WDC', `MCC-S-${String(first + 1).padStart(6, '0')}`],
    ]);
  });

  it('refuses to change an issued run, statement or line, to the application and to the tables’ owner', async () => {
    const host = { userId: finance.principal.userId, orgIds: [orgs.MCC!] };
    const attempts = [
      sql`update recharge_runs set total_pence = 0 where id = ${runId}`,
      sql`delete from recharge_runs where id = ${runId}`,
      sql`update recharge_statements set total_pence = 0 where run_id = ${runId}`,
      sql`delete from recharge_statements where run_id = ${runId}`,
      sql`update recharge_lines set amount_pence = 0 where run_id = ${runId}`,
      sql`delete from recharge_lines where run_id = ${runId}`,
      sql`insert into recharge_lines (run_id, org_id, host_org_id, statement_kind, line_no, service_line_id,
                                      service_line_code, service_line_name, kind, description, amount_pence, source)
          select run_id, org_id, host_org_id, kind, 99, (select id from service_lines where code = 'IT'), 'IT', 'IT',
                 'usage', 'Added later', 100, '{}'
            from recharge_statements where run_id = ${runId} limit 1`,
    ];
    for (const attempt of attempts) {
      // The application role is refused by the triggers, or, for changing lines, has no right to at all.
      await expect(inScope(db, host, (tx) => attempt.execute(tx))).rejects.toThrow(
        /issued|never change|cannot change|permission denied/,
      );
      await expect(attempt.execute(db.kysely)).rejects.toThrow(/issued|never change|cannot change/);
    }
    await expect(sql`truncate recharge_lines`.execute(db.kysely)).rejects.toThrow();
    expect((await refusal(billing.runs.discard(finance, runId))).code).toBe('ERR_STATEMENT_ISSUED');
    expect((await refusal(billing.runs.compute(finance, runId))).code).toBe('ERR_STATEMENT_ISSUED');
  });

  it('will not charge the same organisation twice for a period', async () => {
    const { run } = await billing.runs.create(finance, { period: '2031-02', organisations: ['WDC'] });
    await billing.runs.review(finance, run.id);
    const error = await refusal(billing.runs.issue(finance, run.id));
    expect(error.code).toBe('ERR_PERIOD_ALREADY_CHARGED');
    await billing.runs.discard(finance, run.id);
    expect((await refusal(billing.runs.get(finance, run.id))).code).toBe('ERR_NOT_FOUND');
  });

  it('corrects a statement with a credit note and a new statement naming it', async () => {
    const original = statementOf(await billing.statements.ofRun(finance, runId), 'WDC');
    await recordEvents(db, [
      {
        key: 'late-1',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2031-02-20T10:00:00Z',
      },
    ]);
    const { run } = await billing.runs.correct(finance, [original.number]);
    expect(run).toMatchObject({ kind: 'correction', period: '2031-02', corrects: [original.number] });
    await issue(run.id);
    const statements = await billing.statements.ofRun(finance, run.id);
    const credit = statementOf(statements, 'WDC', 'credit_note');
    const replacement = statementOf(statements, 'WDC', 'statement');
    expect(credit.number).toMatch(/^MCC-C-\d{6}$/);
    expect(credit.corrects).toBe(original.number);
    expect(replacement.corrects).toBe(original.number);
    expect(credit.totalPence + original.totalPence).toBe(0);
    expect(replacement.totalPence).toBe(original.totalPence + 2200);
    const second = await billing.runs.correct(finance, [original.number]);
    await billing.runs.review(finance, second.run.id);
    expect((await refusal(billing.runs.issue(finance, second.run.id))).code).toBe('ERR_STATEMENT_CORRECTED');
  });
});

describe('recomputing', () => {
  it('gives byte-identical statements for the same inputs, and counts events recorded since', async () => {
    await recordEvents(db, [
      {
        key: 'rc-1',
        organisation: 'MFRS',
        offering: 'IT-PASSWORD-RESET',
        quantity: '4',
        occurredAt: '2031-05-02T10:00:00Z',
      },
    ]);
    const { run } = await billing.runs.create(finance, { period: '2031-05' });
    const first = JSON.stringify(await billing.statements.ofRun(finance, run.id));
    const again = await billing.runs.compute(finance, run.id);
    expect(again.changed).toBe(false);
    expect(again.run.contentSha256).toBe(run.contentSha256);
    expect(again.run.computation).toBe(2);
    expect(JSON.stringify(await billing.statements.ofRun(finance, run.id))).toBe(first);
    await recordEvents(db, [
      {
        key: 'rc-2',
        organisation: 'MFRS',
        offering: 'IT-PASSWORD-RESET',
        quantity: '1',
        occurredAt: '2031-05-03T10:00:00Z',
      },
    ]);
    const later = await billing.runs.compute(finance, run.id);
    expect(later.changed).toBe(true);
    const mfrs = statementOf(await billing.statements.ofRun(finance, run.id), 'MFRS');
    expect(lines(mfrs).find((l) => l.offering?.code === 'IT-PASSWORD-RESET')?.quantity).toBe('5');
    await billing.runs.discard(finance, run.id);
  });
});

describe('cost pools', () => {
  it('shares a pool to the penny by driver, ties to the lower code, and warns of those without a value', async () => {
    await billing.charging.add(finance, {
      organisation: 'MCC-CHS',
      serviceLine: 'IT',
      model: 'cost_pool',
      validFrom: '2031-04-01',
    });
    await billing.charging.add(finance, {
      organisation: 'WDC',
      serviceLine: 'IT',
      model: 'per_unit',
      validFrom: '2031-04-01',
    });
    await billing.pools.importPools(
      finance,
      'service_line,period,amount,driver,description\nIT,2031-04,1000.00,devices,Desktop support\nIT,2031-Q2,10.00,licences,',
    );
    await billing.pools.importDrivers(
      finance,
      'organisation,service_line,driver,value,period\nWDC,IT,devices,1,2031-04\nMFRS,IT,devices,1,2031-04\nMCC-RES,IT,devices,1,2031-04\nMCC,IT,devices,0,2031-04',
    );
    const { run } = await billing.runs.create(finance, { period: '2031-04' });
    const statements = await billing.statements.ofRun(finance, run.id);
    const shares = statements.flatMap((s) =>
      lines(s)
        .filter((l) => l.kind === 'pool_share')
        .map((l) => [s.organisation.code, l.amountPence]),
    );
    expect(shares).toEqual([
      ['MCC', 0],
      ['MCC-RES', 33_334],
      ['MFRS', 33_333],
      ['WDC', 33_333],
    ]);
    expect(run.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'driver_value_missing', blocking: false }),
        expect.objectContaining({ code: 'pool_and_other_model', blocking: false }),
      ]),
    );
    // The quarter's pool is not in a month's run; in the quarter's, it has no values and blocks issue.
    const quarter = await billing.runs.create(finance, { period: '2031-Q2', organisations: ['WDC'] });
    expect(quarter.run.warnings.filter((w) => w.blocking).map((w) => w.code)).toEqual([
      'pool_without_drivers',
    ]);
    await billing.runs.discard(finance, quarter.run.id);
    await billing.runs.discard(finance, run.id);
  });
});

describe('fixed contributions and purchased hours', () => {
  it('bills a fixed contribution in twelve parts, the pennies left over in March', async () => {
    const { run } = await billing.runs.create(finance, { period: '2031-32', organisations: ['SVCT'] });
    const svct = statementOf(await billing.statements.ofRun(finance, run.id), 'SVCT');
    const parts = lines(svct).filter((l) => l.kind === 'fixed_contribution');
    expect(parts).toHaveLength(12);
    expect(parts.reduce((sum, l) => sum + l.amountPence, 0)).toBe(650_000);
    expect(parts.map((l) => l.amountPence)).toEqual([...Array(11).fill(54_166), 54_174]);
    expect(parts.at(-1)!.description).toContain('March 2032 (12 of 12)');
    await billing.runs.discard(finance, run.id);
  });

  it('draws recorded hours from the purchased block and charges what goes beyond at the overage rate', async () => {
    await recordEvents(db, [
      {
        key: 'ph-1',
        organisation: 'WDC',
        offering: 'LEG-ADVICE',
        quantity: '100',
        occurredAt: '2031-04-10T10:00:00Z',
      },
      {
        key: 'ph-2',
        organisation: 'WDC',
        offering: 'LEG-ADVICE',
        quantity: '30',
        occurredAt: '2031-05-10T10:00:00Z',
      },
    ]);
    const { run } = await billing.runs.create(finance, { period: '2031-05', organisations: ['WDC'] });
    const legal = lines(statementOf(await billing.statements.ofRun(finance, run.id), 'WDC')).filter((l) =>
      ['purchased_hours', 'hours_drawdown', 'overage'].includes(l.kind),
    );
    expect(legal.map((l) => [l.kind, l.quantity, l.amountPence])).toEqual([
      ['purchased_hours', null, 62_000],
      ['hours_drawdown', '20', 0],
      ['overage', '10', 78_000],
    ]);
    await billing.runs.discard(finance, run.id);
  });
});

describe('the year-end true-up', () => {
  it('raises a line only where the actual share moved beyond the tolerance, and flags big changes', async () => {
    await billing.pools.importPools(
      finance,
      'service_line,period,amount,driver,description\nHR,2032-33,120000.00,headcount,HR team',
    );
    await billing.pools.importDrivers(
      finance,
      'organisation,service_line,driver,value,period\nMCC-RES,HR,headcount,400,2032-33\nWDC,HR,headcount,400,2032-33\nMFRS,HR,headcount,200,2032-33',
    );
    const charged = await billing.runs.create(finance, {
      period: '2032-33',
      organisations: ['MCC-RES', 'WDC', 'MFRS'],
    });
    await issue(charged.run.id);
    await billing.pools.importDrivers(
      finance,
      'organisation,service_line,driver,value,period\nMCC-RES,HR,headcount,400,2032-33\nWDC,HR,headcount,500,2032-33\nMFRS,HR,headcount,200,2032-33',
      'actual',
    );
    const { run } = await billing.runs.create(finance, { period: '2032-33', kind: 'true_up' });
    const statements = await billing.statements.ofRun(finance, run.id);
    const trueUps = statements.flatMap((s) =>
      lines(s).map((l) => [s.organisation.code, l.kind, l.amountPence]),
    );
    // Billed 48,000 / 48,000 / 24,000; actual shares 4/11, 5/11, 2/11 of 120,000.
    expect(trueUps).toEqual([
      ['MCC-RES', 'true_up', -436_364],
      ['WDC', 'true_up', 654_546],
    ]);
    expect(run.warnings.map((w) => w.code)).toContain('driver_review');
    expect(run.warnings.find((w) => w.code === 'driver_review')!.message).toMatch(/^WDC/);
    expect((await refusal(billing.runs.create(finance, { period: '2032-10', kind: 'true_up' }))).code).toBe(
      'ERR_VALIDATION',
    );
  });
});
