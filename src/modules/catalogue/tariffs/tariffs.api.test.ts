import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';

let t: TestApp;
const ids: Record<string, string> = {};

const tokenFor = (email: string, code: string) => apiTokenFor(t.db, email, code);
const api = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);

let manager: string;

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, (await demoIds(t.db)).orgs);
  manager = await tokenFor('service.manager@mercia.example', 'MCC');
});
afterAll(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by value, not by type
type Json = Record<string, any>;
const count = async (table: string) =>
  Number(
    (
      await t.db.kysely
        .selectFrom(table as 'users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('tariffs', () => {
  it('adds a future price exactly, and refuses overlapping dates', async () => {
    const added = await api(manager, 'POST', '/api/v1/catalogue/tariffs', {
      offering: 'IT-LAPTOP',
      organisation: 'WDC',
      unitPrice: '80.10',
      validFrom: '2026-04-01',
      validTo: '2027-03-31',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      offering: 'IT-LAPTOP',
      organisation: 'WDC',
      unitPrice: '80.10',
      unitPricePence: 8010,
      validTo: '2027-03-31',
    });
    const overlap = await api(manager, 'POST', '/api/v1/catalogue/tariffs', {
      offering: 'IT-LAPTOP',
      organisation: 'WDC',
      unitPrice: '79.00',
      validFrom: '2027-03-31',
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.code).toBe('ERR_TARIFF_OVERLAP');
    const standardOverlap = await api(manager, 'POST', '/api/v1/catalogue/tariffs', {
      offering: 'IT-LAPTOP',
      unitPrice: '90.00',
      validFrom: '2030-01-01',
    });
    expect(standardOverlap.json().error.code).toBe('ERR_TARIFF_OVERLAP');
  });

  it('ends a price and then takes the next one', async () => {
    const all = (await api(manager, 'GET', '/api/v1/catalogue/tariffs')).json().data as Json[];
    const standard = all.find((row) => row.offering === 'IT-LAPTOP' && row.organisation === null)!;
    const ended = await api(manager, 'PATCH', `/api/v1/catalogue/tariffs/${standard.id}`, {
      validTo: '2027-03-31',
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().validTo).toBe('2027-03-31');
    // A partner's price comes back with the partner it is stored for.
    const own = all.find((row) => row.offering === 'IT-LAPTOP' && row.organisation === 'WDC')!;
    const endedOwn = await api(manager, 'PATCH', `/api/v1/catalogue/tariffs/${own.id}`, {
      validTo: '2026-12-31',
    });
    expect(endedOwn.json()).toMatchObject({
      id: own.id,
      organisation: 'WDC',
      unitPrice: '80.10',
      validTo: '2026-12-31',
    });
    const unreal = await api(manager, 'PATCH', `/api/v1/catalogue/tariffs/${own.id}`, {
      validTo: '2026-02-30',
    });
    expect(unreal.statusCode).toBe(400);
    expect(unreal.json().error.details.fields).toEqual({ validTo: 'catalogue.errors.dateFormat' });
    const next = await api(manager, 'POST', '/api/v1/catalogue/tariffs', {
      offering: 'IT-LAPTOP',
      unitPrice: '90.00',
      validFrom: '2027-04-01',
    });
    expect(next.statusCode).toBe(201);
  });

  it('refuses negative prices, unknown codes and bad dates with stable codes, changing nothing', async () => {
    const before = await count('tariffs');
    const cases: Array<[Json, number, string, string?]> = [
      [
        { offering: 'IT-LAPTOP', unitPrice: '-5.00', validFrom: '2031-01-01' },
        400,
        'ERR_VALIDATION',
        'unitPrice',
      ],
      [
        { offering: 'IT-LAPTOP', unitPrice: 'ten', validFrom: '2031-01-01' },
        400,
        'ERR_VALIDATION',
        'unitPrice',
      ],
      [
        { offering: 'IT-LAPTOP', unitPrice: '5', validFrom: '2031-02-30' },
        400,
        'ERR_VALIDATION',
        'validFrom',
      ],
      [{ offering: 'NO-SUCH-THING', unitPrice: '5', validFrom: '2031-01-01' }, 400, 'ERR_UNKNOWN_OFFERING'],
      [
        { offering: 'IT-LAPTOP', organisation: 'NOPE', unitPrice: '5', validFrom: '2031-01-01' },
        400,
        'ERR_UNKNOWN_ORGANISATION',
      ],
      [
        { offering: 'LEG-ADVICE', organisation: 'MFRS', unitPrice: '5', validFrom: '2031-01-01' },
        400,
        'ERR_UNKNOWN_ORGANISATION',
      ],
    ];
    for (const [body, status, code, field] of cases) {
      const response = await api(manager, 'POST', '/api/v1/catalogue/tariffs', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().error.code).toBe(code);
      if (field) expect(response.json().error.details.fields).toHaveProperty(field);
    }
    const numeric = await api(manager, 'POST', '/api/v1/catalogue/tariffs', {
      offering: 'IT-LAPTOP',
      unitPrice: 12.5,
      validFrom: '2031-01-01',
    });
    expect(numeric.statusCode).toBe(400);
    expect(await count('tariffs')).toBe(before);
  });

  it('imports a CSV whole, or rejects it naming each wrong line and applies nothing', async () => {
    const before = await count('tariffs');
    const bad = [
      'offering,organisation,unit_price,valid_from,valid_to',
      'PRT-POSTERS,,7.00,2031-04-01,',
      'PRT-POSTERS,WDC,-1.00,2031-04-01,',
      'NO-SUCH,,1.00,2031-04-01,',
      'PRT-POSTERS,ZZZ,1.00,2031-04-01,',
      'PRT-POSTERS,,7.50,2031-06-01,',
    ].join('\n');
    const rejected = await api(manager, 'POST', '/api/v1/catalogue/tariffs/import', { csv: bad });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().error.code).toBe('ERR_IMPORT_REJECTED');
    expect(rejected.json().error.details.rows).toEqual([
      { line: 2, field: 'validFrom', message: 'catalogue.errors.tariffOverlap' },
      { line: 3, field: 'unitPrice', message: 'catalogue.errors.priceNegative' },
      { line: 4, field: 'offering', message: 'catalogue.errors.offeringUnknown' },
      { line: 5, field: 'organisation', message: 'catalogue.errors.organisationUnknown' },
      { line: 6, field: 'validFrom', message: 'catalogue.errors.tariffOverlap' },
    ]);
    expect(await count('tariffs')).toBe(before);

    const good =
      'offering,organisation,unit_price,valid_from,valid_to\nPRT-LEAFLETS,WDC,0.08,2026-01-01,2026-12-31\nPRT-LEAFLETS,MFRS,0.07,2026-01-01,\n';
    const imported = await api(manager, 'POST', '/api/v1/catalogue/tariffs/import', { csv: good });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toEqual({ added: 2 });
    expect(await count('tariffs')).toBe(before + 2);
  });
});
