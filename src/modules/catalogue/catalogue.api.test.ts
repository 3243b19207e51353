import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';

let t: TestApp;
const ids: Record<string, string> = {};

const tokenFor = (email: string, code: string) => apiTokenFor(t.db, email, code);
const api = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);

let manager: string;
let wyvern: string;
let fire: string;

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, (await demoIds(t.db)).orgs);
  manager = await tokenFor('service.manager@mercia.example', 'MCC');
  wyvern = await tokenFor('requester@wyvern.example', 'WDC');
  fire = await tokenFor('requester@merciafire.example', 'MFRS');
});
afterAll(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by value, not by type
type Json = Record<string, any>;
const offeringsOf = async (token: string) =>
  (await api(token, 'GET', '/api/v1/catalogue/offerings')).json().data as Json[];
const count = async (table: string) =>
  Number(
    (
      await t.db.kysely
        .selectFrom(table as 'users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the catalogue a partner sees', () => {
  it('resolves each offering with its variant, price in force and SLA policy', async () => {
    // An LGSL id, as a service manager would record one, is shown as its esd.org.uk address.
    await sql`update offerings set lgsl_id = 1497 where code = 'LEG-FOI-REVIEW'`.execute(t.db.kysely);
    const data = await offeringsOf(wyvern);
    const byCode = new Map(data.map((o) => [o.code, o]));
    expect(byCode.get('IT-NEW-STARTER')).toMatchObject({
      name: 'New starter IT setup (Wyvern)',
      localVariant: true,
      serviceLine: { code: 'IT', name: 'IT' },
      price: { unitPrice: '95.00', unitPricePence: 9500, source: 'standard' },
      slaPolicy: { code: 'IT-STANDARD', calendar: 'MCC-OFFICE' },
    });
    expect(byCode.get('IT-NEW-STARTER')!.formFields.map((f: Json) => f.label)).toContain(
      'Wyvern cost centre',
    );
    expect(byCode.get('FIN-SUPPLIER-INVOICE')!.price).toMatchObject({ unitPrice: '3.60', source: 'partner' });
    expect(byCode.get('IT-FAULT')!.slaPolicy.code).toBe('IT-WDC');
    expect(byCode.has('PRT-BUSINESS-CARDS')).toBe(false);
    expect(byCode.get('LEG-CONTRACT-REVIEW')).toMatchObject({ lgslId: null, lgslUri: null });
    expect(byCode.get('LEG-FOI-REVIEW')).toMatchObject({
      lgslId: 1497,
      lgslUri: 'http://id.esd.org.uk/service/1497',
    });
  });

  it("shows each partner only the lines it takes, and never another partner's variant or price", async () => {
    const data = await offeringsOf(fire);
    const lines = new Set(data.map((o) => o.serviceLine.code));
    expect([...lines].sort()).toEqual(['FIN', 'HR', 'IT', 'PRINT']);
    const byCode = new Map(data.map((o) => [o.code, o]));
    expect(byCode.get('IT-NEW-STARTER')).toMatchObject({ name: 'New starter IT setup', localVariant: false });
    expect(byCode.get('FIN-SUPPLIER-INVOICE')!.price).toMatchObject({
      unitPrice: '3.85',
      source: 'standard',
    });
    expect(byCode.get('FIN-PAYSLIP')!.price.unitPrice).toBe('4.10');
    expect(byCode.get('IT-FAULT')!.slaPolicy.code).toBe('IT-24X7');
    expect(byCode.has('PRT-BUSINESS-CARDS')).toBe(true);
    expect(JSON.stringify(data)).not.toContain('Wyvern');

    const one = await api(fire, 'GET', '/api/v1/catalogue/offerings/it-fault');
    expect(one.statusCode).toBe(200);
    expect(one.json().name).toBe('Report an IT fault (stations and control room)');
    expect((await api(fire, 'GET', '/api/v1/catalogue/offerings/LEG-ADVICE')).statusCode).toBe(404);
  });

  it("keeps service-manager views, prices and other partners' calendars from partners", async () => {
    for (const url of [
      '/api/v1/catalogue/offerings/IT-FAULT/variants',
      '/api/v1/catalogue/offerings/IT-FAULT/variants/WDC',
      '/api/v1/catalogue/tariffs',
      '/api/v1/catalogue/divergence',
      '/api/v1/catalogue/offerings/IT-FAULT/standard',
    ]) {
      const response = await api(fire, 'GET', url);
      expect([403, 404], url).toContain(response.statusCode);
      expect(response.body).not.toContain('3.60');
    }
    const calendars = (await api(fire, 'GET', '/api/v1/calendars')).json().data.map((c: Json) => c.code);
    expect(calendars).toEqual(['MCC-24X7', 'MCC-OFFICE']);
    expect((await api(fire, 'GET', '/api/v1/calendars/WDC-OFFICE')).statusCode).toBe(404);
    expect((await api(wyvern, 'GET', '/api/v1/calendars/WDC-OFFICE')).statusCode).toBe(200);
    expect((await api(fire, 'GET', '/api/v1/catalogue/sla-policies/IT-WDC')).statusCode).toBe(404);
    expect(
      (await api(fire, 'GET', '/api/v1/catalogue/sla-policies')).json().data.map((p: Json) => p.code),
    ).not.toContain('IT-WDC');
  });
});

const offeringBody = (code: string) => ({
  serviceLine: 'IT',
  code,
  name: 'Mobile phone request',
  description: 'A smartphone for work.',
  unit: 'item',
  formFields: [
    { label: 'For whom', type: 'text', required: true },
    { label: 'Model', type: 'choice', options: ['Standard', 'Large'] },
  ],
  slaPolicy: 'IT-STANDARD',
  approvalRequired: true,
});

describe('service managers keep the catalogue', () => {
  it('only lets the service managers of a line change it', async () => {
    const agent = await tokenFor('agent@mercia.example', 'MCC');
    const admin = await tokenFor('admin@mercia.example', 'MCC');
    const partnerManager = await tokenFor('manager@wyvern.example', 'WDC');
    const before = await count('offerings');
    for (const token of [agent, admin, partnerManager, wyvern]) {
      const created = await api(token, 'POST', '/api/v1/catalogue/offerings', offeringBody('IT-PHONE'));
      expect([403, 404]).toContain(created.statusCode);
      const changed = await api(token, 'PUT', '/api/v1/catalogue/offerings/IT-FAULT', {
        ...offeringBody('IT-FAULT'),
        name: 'Hijacked',
      });
      expect([403, 404]).toContain(changed.statusCode);
      const price = await api(token, 'POST', '/api/v1/catalogue/tariffs', {
        offering: 'IT-FAULT',
        unitPrice: '0.01',
        validFrom: '2030-01-01',
      });
      expect([403, 404]).toContain(price.statusCode);
    }
    expect(await count('offerings')).toBe(before);
  });

  it('adds and changes an offering, keeps its history, and the change flows to variants that do not override it', async () => {
    const created = await api(manager, 'POST', '/api/v1/catalogue/offerings', offeringBody('IT-PHONE'));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      code: 'IT-PHONE',
      version: 1,
      formFields: [{ key: 'for_whom' }, { key: 'model', options: ['Standard', 'Large'] }],
    });
    const taken = await api(manager, 'POST', '/api/v1/catalogue/offerings', offeringBody('IT-PHONE'));
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('ERR_CATALOGUE_CODE_TAKEN');

    const variant = await api(manager, 'PUT', '/api/v1/catalogue/offerings/IT-PHONE/variants/WDC', {
      name: 'Wyvern phone',
      hidden: false,
    });
    expect(variant.statusCode).toBe(200);
    expect(variant.json().differences).toEqual([
      { field: 'name', standard: 'Mobile phone request', variant: 'Wyvern phone' },
    ]);

    const changed = await api(manager, 'PUT', '/api/v1/catalogue/offerings/IT-PHONE', {
      ...offeringBody('IT-PHONE'),
      name: 'Smartphone request',
      description: 'A smartphone or basic phone.',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().version).toBe(2);

    const forWyvern = (await api(wyvern, 'GET', '/api/v1/catalogue/offerings/IT-PHONE')).json();
    expect(forWyvern).toMatchObject({ name: 'Wyvern phone', description: 'A smartphone or basic phone.' });
    const forFire = (await api(fire, 'GET', '/api/v1/catalogue/offerings/IT-PHONE')).json();
    expect(forFire).toMatchObject({ name: 'Smartphone request', price: null });

    const history = await t.db.kysely
      .withTables<{ catalogue_history: { entity_type: string; version: number; snapshot: Json } }>()
      .selectFrom('catalogue_history')
      .select(['version', 'snapshot'])
      .where('entity_type', '=', 'offering')
      .where(sql<string>`snapshot->>'code'`, '=', 'IT-PHONE')
      .orderBy('version')
      .execute();
    expect(history.map((h) => [h.version, h.snapshot.name])).toEqual([
      [1, 'Mobile phone request'],
      [2, 'Smartphone request'],
    ]);
    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'like', 'offering.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['offering.add', 'offering.change']));
  });

  it('retires an offering so that partners no longer see it', async () => {
    const body = { ...offeringBody('IT-PHONE'), status: 'retired' };
    expect((await api(manager, 'PUT', '/api/v1/catalogue/offerings/IT-PHONE', body)).statusCode).toBe(200);
    expect((await api(wyvern, 'GET', '/api/v1/catalogue/offerings/IT-PHONE')).statusCode).toBe(404);
  });

  it('lists which partners diverge on which offerings', async () => {
    const response = await api(manager, 'GET', '/api/v1/catalogue/divergence');
    expect(response.statusCode).toBe(200);
    const rows = response.json().data as Json[];
    expect(rows).toEqual(
      expect.arrayContaining([
        {
          offering: 'PRT-BUSINESS-CARDS',
          organisation: 'WDC',
          differences: [{ field: 'hidden', standard: 'visible', variant: 'hidden' }],
        },
        {
          offering: 'FIN-PAYSLIP',
          organisation: 'MFRS',
          differences: [{ field: 'price', standard: '4.42', variant: '4.10' }],
        },
      ]),
    );
    expect(rows.some((row) => row.organisation === 'SVCT')).toBe(false);
    const variants = (await api(manager, 'GET', '/api/v1/catalogue/offerings/IT-FAULT/variants')).json()
      .data as Json[];
    expect(variants.find((v) => v.organisation.code === 'MFRS')).toMatchObject({
      overrides: { slaPolicy: 'IT-24X7' },
    });
    expect(variants.find((v) => v.organisation.code === 'WDC')).toMatchObject({
      overrides: { slaPolicy: 'IT-WDC' },
    });
    expect(variants.find((v) => v.organisation.code === 'BWF')).toBeUndefined();
  });

  it('refuses a variant for an organisation that does not take the line, or a policy of another partner', async () => {
    const other = await api(manager, 'PUT', '/api/v1/catalogue/offerings/LEG-ADVICE/variants/MFRS', {
      name: 'x',
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.code).toBe('ERR_UNKNOWN_ORGANISATION');
    const policy = await api(manager, 'PUT', '/api/v1/catalogue/offerings/IT-FAULT/variants/MFRS', {
      slaPolicy: 'IT-WDC',
    });
    expect(policy.statusCode).toBe(400);
    expect(policy.json().error.details.fields.slaPolicy).toBe('catalogue.errors.slaPolicyUnknown');
  });
});

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

describe('calendars', () => {
  const calendar = {
    code: 'TEST-CAL',
    name: 'Test calendar',
    timeZone: 'Europe/London',
    hours: {
      monday: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      friday: [['09:00', '16:00']],
    },
    holidays: 'england-and-wales',
    closures: ['2026-12-24'],
  };

  it('creates, reads and replaces a calendar in exactly the published shape', async () => {
    const created = await api(manager, 'POST', '/api/v1/calendars', calendar);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual(calendar);
    expect((await api(manager, 'GET', '/api/v1/calendars/TEST-CAL')).json()).toEqual(calendar);
    const replaced = await api(manager, 'PUT', '/api/v1/calendars/TEST-CAL', {
      ...calendar,
      holidays: null,
      closures: [],
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toEqual({ ...calendar, holidays: null, closures: [] });
    expect((await api(fire, 'POST', '/api/v1/calendars', { ...calendar, code: 'FIRE-CAL' })).statusCode).toBe(
      403,
    );
  });

  it('refuses a backwards interval or an unknown zone with a stable code, changing nothing', async () => {
    const before = await count('calendars');
    const backwards = await api(manager, 'POST', '/api/v1/calendars', {
      ...calendar,
      code: 'BAD-CAL',
      hours: { monday: [['17:00', '09:00']] },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({
      code: 'ERR_INVALID_INTERVAL',
      details: { fields: { 'hours.monday': 'catalogue.errors.intervalInvalid' } },
    });
    const zone = await api(manager, 'POST', '/api/v1/calendars', {
      ...calendar,
      code: 'BAD-CAL',
      timeZone: 'Europe/Atlantis',
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.code).toBe('ERR_INVALID_TIME_ZONE');
    const put = await api(manager, 'PUT', '/api/v1/calendars/TEST-CAL', { ...calendar, timeZone: 'Nowhere' });
    expect(put.json().error.code).toBe('ERR_INVALID_TIME_ZONE');
    expect(await count('calendars')).toBe(before);
    expect((await api(manager, 'GET', '/api/v1/calendars/TEST-CAL')).json().timeZone).toBe('Europe/London');
  });

  it('works out due times across the clock change and Easter', async () => {
    // Friday 27 March 2026, 16:00 GMT: half an hour left that day; the clocks go forward on Sunday.
    const due = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-03-27T16:00:00Z&minutes=60',
    );
    expect(due.statusCode).toBe(200);
    expect(due.json()).toEqual({ due: '2026-03-30T08:00:00.000Z' });
    // Maundy Thursday at closing: Good Friday and Easter Monday are bank holidays.
    const easter = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-04-02T16:00:00Z&minutes=60',
    );
    expect(easter.json()).toEqual({ due: '2026-04-07T08:30:00.000Z' });
    const fills = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-03-30T07:30:00Z&minutes=240',
    );
    expect(fills.json()).toEqual({ due: '2026-03-30T11:30:00.000Z' });
    const between = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/working-minutes?from=2026-03-30T07:30:00Z&to=2026-03-30T12:00:00Z',
    );
    expect(between.json()).toEqual({ minutes: 240 });
  });

  it('refuses negative, non-numeric or huge minutes and bad instants', async () => {
    for (const minutes of ['-5', 'abc', '1.5', '525601', '']) {
      const response = await api(
        fire,
        'GET',
        `/api/v1/calendars/MCC-OFFICE/due?from=2026-03-27T16:00:00Z&minutes=${minutes}`,
      );
      expect(response.statusCode, minutes).toBe(400);
      expect(response.json().error.code).toBe('ERR_INVALID_MINUTES');
    }
    const from = await api(fire, 'GET', '/api/v1/calendars/MCC-OFFICE/due?from=yesterday&minutes=5');
    expect(from.json().error.code).toBe('ERR_INVALID_INSTANT');
    const local = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-03-27T16:00:00&minutes=5',
    );
    expect(local.json().error.code).toBe('ERR_INVALID_INSTANT');
    expect(
      (await api(fire, 'GET', '/api/v1/calendars/WDC-OFFICE/due?from=2026-03-27T16:00:00Z&minutes=5'))
        .statusCode,
    ).toBe(404);
  });
});

describe('SLA policies', () => {
  const targets = {
    critical: {
      response: { value: 15, unit: 'working_minutes' },
      resolution: { value: 120, unit: 'working_minutes' },
    },
    high: {
      response: { value: 30, unit: 'working_minutes' },
      resolution: { value: 1, unit: 'working_days' },
    },
    medium: {
      response: { value: 60, unit: 'working_minutes' },
      resolution: { value: 3, unit: 'working_days' },
    },
    low: { response: { value: 1, unit: 'working_days' }, resolution: { value: 5, unit: 'working_days' } },
  };
  const body = {
    code: 'PRINT-RUSH',
    name: 'Print rush',
    serviceLine: 'PRINT',
    calendar: 'MCC-OFFICE',
    warningPercent: 80,
    pauseStates: ['awaiting_requester'],
    targets,
  };

  it('adds and changes a policy that offerings and variants can then use', async () => {
    const created = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'PRINT-RUSH', serviceLine: 'PRINT', version: 1 });
    const changed = await api(manager, 'PUT', '/api/v1/catalogue/sla-policies/PRINT-RUSH', {
      ...body,
      warningPercent: 70,
    });
    expect(changed.json()).toMatchObject({ warningPercent: 70, version: 2 });
    const variant = await api(manager, 'PUT', '/api/v1/catalogue/offerings/PRT-BULK/variants/BWF', {
      slaPolicy: 'PRINT-RUSH',
    });
    expect(variant.json().resolved.slaPolicy.code).toBe('PRINT-RUSH');
    const bwf = await tokenFor('requester@brightwater.example', 'BWF');
    expect((await api(bwf, 'GET', '/api/v1/catalogue/offerings/PRT-BULK')).json().slaPolicy).toMatchObject({
      code: 'PRINT-RUSH',
      warningPercent: 70,
    });
  });

  it('refuses bad targets, unknown calendars and other lines', async () => {
    const before = await count('sla_policies');
    const bad = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'PRINT-BAD',
      targets: {
        ...targets,
        low: { response: { value: 0, unit: 'working_days' }, resolution: { value: 5, unit: 'working_days' } },
      },
    });
    expect(bad.statusCode).toBe(400);
    const calendar = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'PRINT-BAD',
      calendar: 'NOPE',
    });
    expect(calendar.json().error.details.fields.calendar).toBe('catalogue.errors.calendarUnknown');
    const line = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'PRINT-BAD',
      serviceLine: 'NOPE',
    });
    expect(line.json().error.details.fields.serviceLine).toBe('catalogue.errors.serviceLineUnknown');
    expect(await count('sla_policies')).toBe(before);
  });
});

describe('service lines', () => {
  it('lets a host service manager add a line, with teams, which they then keep', async () => {
    const created = await api(manager, 'POST', '/api/v1/catalogue/service-lines', {
      code: 'REVS',
      name: 'Revenues and benefits',
      teams: ['Council tax', 'Benefits'],
    });
    expect(created.statusCode).toBe(201);
    const lines = (await api(manager, 'GET', '/api/v1/catalogue/service-lines')).json().data as Json[];
    expect(lines.find((l) => l.code === 'REVS')).toEqual({
      code: 'REVS',
      name: 'Revenues and benefits',
      teams: ['Benefits', 'Council tax'],
      managed: true,
    });
    expect(lines.length).toBe(7);
    expect(
      (await api(wyvern, 'POST', '/api/v1/catalogue/service-lines', { code: 'EVIL', name: 'Evil' }))
        .statusCode,
    ).toBe(403);
  });
});

describe('OpenAPI', () => {
  it('documents the catalogue and calendar routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/calendars',
        '/api/v1/calendars/{code}',
        '/api/v1/calendars/{code}/due',
        '/api/v1/calendars/{code}/working-minutes',
        '/api/v1/catalogue/offerings',
        '/api/v1/catalogue/offerings/{code}',
        '/api/v1/catalogue/offerings/{code}/variants/{organisation}',
        '/api/v1/catalogue/tariffs',
        '/api/v1/catalogue/tariffs/import',
        '/api/v1/catalogue/sla-policies',
        '/api/v1/catalogue/divergence',
      ]),
    );
    expect(doc.paths['/api/v1/catalogue/offerings'].get.tags).toEqual(['catalogue']);
  });
});
