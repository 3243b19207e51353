import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../../test/helpers/database.js';
import type { Caller } from '../../../platform/auth/index.js';
import { DomainError } from '../../../platform/errors.js';
import { callerIn, financeCaller, recordEvents, services } from '../billing.test-helpers.js';

let db: TestDatabase;
let finance: Caller;
let billing: ReturnType<typeof services>;

beforeAll(async () => {
  db = await openTestDatabase();
  finance = await financeCaller(db);
  billing = services(db);
});
afterAll(() => db.destroy());

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const rows = (error: DomainError) =>
  (error.details!.rows as Array<{ line: number; field: string; message: string }>).map((r) => [
    r.line,
    r.field,
    r.message,
  ]);

describe('cost pools and driver values', () => {
  it('imports pools, and gives a pool a new version when a later file changes it', async () => {
    const csv =
      'service_line,period,amount,driver,description\nIT,2031-10,"12,500.50",Devices,Desktop support\nFIN,2031-Q4,£900,transactions,';
    expect(await billing.pools.importPools(finance, csv)).toEqual({ added: 2, changed: 0, unchanged: 0 });
    expect(await billing.pools.importPools(finance, csv)).toEqual({ added: 0, changed: 0, unchanged: 2 });
    expect(await billing.pools.importPools(finance, csv.replace('12,500.50', '12,600.00'))).toEqual({
      added: 0,
      changed: 1,
      unchanged: 1,
    });
    const pool = (await billing.pools.pools(finance)).find((p) => p.period === '2031-10')!;
    expect(pool).toMatchObject({
      amountPence: 1_260_000n,
      driver: 'devices',
      version: 2,
      serviceLineCode: 'IT',
    });
  });

  it('refuses a pools file with any bad line, naming each', async () => {
    const error = await rejection(
      billing.pools.importPools(
        finance,
        'service_line,period,amount,driver,description\nIT,2031-11,10,devices,\nIT,2031-11,11,devices,\nIT,2031-02-30,-5,devices,\nIT,2031-11\n',
      ),
    );
    expect(error.code).toBe('ERR_IMPORT_REJECTED');
    expect(rows(error)).toEqual([[5, 'csv', 'Line 5 has 2 values; the header has 5']]);
    const second = await rejection(
      billing.pools.importPools(
        finance,
        'service_line,period,amount,driver,description\nIT,2031-11,10,devices,\nIT,2031-11,11,devices,\nIT,2031-02-30,-5,devices,',
      ),
    );
    expect(rows(second).map(([line, field]) => [line, field])).toEqual([
      [3, 'driver'],
      [4, 'period'],
      [4, 'amount'],
    ]);
    expect((await billing.pools.pools(finance)).some((p) => p.period === '2031-11')).toBe(false);
  });

  it('refuses a value for an organisation that takes the line on no day of the period, the host excepted', async () => {
    const error = await rejection(
      billing.pools.importDrivers(
        finance,
        'organisation,service_line,driver,value,period\nWDC,IT,devices,12,2031-10\nBWF,IT,devices,3,2031-10\nNOPE,IT,devices,1,2031-10\nMFRS,IT,devices,-1,2031-10\nMFRS,IT,devices,1.0005,2031-10',
      ),
    );
    expect(rows(error)).toEqual([
      [3, 'organisation', 'BWF does not take IT on any day of 2031-10'],
      [4, 'organisation', 'No organisation you serve has the code NOPE'],
      [5, 'value', 'Value cannot be negative'],
      [6, 'value', 'Value must be a number with at most 3 decimal places'],
    ]);
    expect(
      await billing.pools.importDrivers(
        finance,
        'organisation,service_line,driver,value,period\nWDC,IT,devices,12,2031-10\nMCC,IT,devices,40,2031-10',
      ),
    ).toEqual({ added: 2, changed: 0, unchanged: 0 });
  });

  it('lets only finance officers import, and shows a partner its own values only', async () => {
    const wdc = await callerIn(db, 'manager@wyvern.example', 'WDC');
    expect(
      (await rejection(billing.pools.importPools(wdc, 'service_line,period,amount,driver,description\n')))
        .code,
    ).toBe('ERR_FORBIDDEN');
    const manager = await callerIn(db, 'service.manager@mercia.example', 'MCC');
    expect(
      (
        await rejection(
          billing.pools.importDrivers(manager, 'organisation,service_line,driver,value,period\n'),
        )
      ).code,
    ).toBe('ERR_FORBIDDEN');
    const seen = await billing.pools.driverValues(wdc);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((v) => v.orgCode === 'WDC')).toBe(true);
    expect((await rejection(billing.pools.pools(wdc))).code).toBe('ERR_FORBIDDEN');
  });
});

describe('charging arrangements', () => {
  it('refuses overlapping arrangements of one organisation for one line, and bad terms', async () => {
    const base = {
      organisation: 'MFRS',
      serviceLine: 'PRINT',
      model: 'fixed_contribution',
      annualAmount: '1200.00',
    };
    const added = await billing.charging.add(finance, {
      ...base,
      validFrom: '2031-04-01',
      validTo: '2032-03-31',
    });
    expect(added).toMatchObject({
      model: 'fixed_contribution',
      annualPence: 120_000n,
      version: 1,
      orgCode: 'MFRS',
    });
    expect((await rejection(billing.charging.add(finance, { ...base, validFrom: '2032-01-01' }))).code).toBe(
      'ERR_ARRANGEMENT_OVERLAP',
    );
    const ended = await billing.charging.end(finance, added.id, '2031-12-31');
    expect(ended).toMatchObject({ validTo: '2031-12-31', version: 2 });
    expect((await billing.charging.add(finance, { ...base, validFrom: '2032-01-01' })).validFrom).toBe(
      '2032-01-01',
    );
    const bad = await rejection(
      billing.charging.add(finance, {
        organisation: 'MCC',
        serviceLine: 'NOPE',
        model: 'purchased_hours',
        validFrom: '2031-02-30',
        annualAmount: '5',
        blockHours: 'lots',
      }),
    );
    expect(Object.keys(bad.details!.fields as object).sort()).toEqual(
      [
        'annualAmount',
        'blockHours',
        'hourRate',
        'organisation',
        'overageRate',
        'serviceLine',
        'validFrom',
      ].sort(),
    );
  });

  it('shows the balance of purchased hours to the partner that bought them', async () => {
    await recordEvents(db, [
      {
        key: 'bal-1',
        organisation: 'WDC',
        offering: 'LEG-CONTRACT-REVIEW',
        quantity: '7.5',
        occurredAt: '2031-06-01T10:00:00Z',
      },
    ]);
    const wdc = await callerIn(db, 'manager@wyvern.example', 'WDC');
    const hours = (await billing.charging.list(wdc)).find((a) => a.model === 'purchased_hours')!;
    const balance = await billing.charging.hoursBalance(wdc, hours.id, '2031-06-30');
    expect(balance).toMatchObject({
      financialYear: '2031-32',
      blockHours: 120_000n,
      usedHours: 7_500n,
      remainingHours: 112_500n,
    });
    const mfrs = await callerIn(db, 'manager@merciafire.example', 'MFRS');
    expect((await rejection(billing.charging.hoursBalance(mfrs, hours.id, '2031-06-30'))).code).toBe(
      'ERR_NOT_FOUND',
    );
    expect((await billing.charging.list(mfrs)).every((a) => a.orgCode === 'MFRS')).toBe(true);
  });
});
