import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { offeringsRepository } from './offerings.repository.js';

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

  it("keeps service-manager views, other partners' prices and other partners' calendars from partners", async () => {
    const prices = (await api(fire, 'GET', '/api/v1/catalogue/tariffs')).json().data as Json[];
    expect(new Set(prices.map((p) => p.organisation))).toEqual(new Set([null, 'MFRS']));
    expect(prices.map((p) => p.unitPrice)).not.toContain('3.60');
    for (const url of [
      '/api/v1/catalogue/offerings/IT-FAULT/variants',
      '/api/v1/catalogue/offerings/IT-FAULT/variants/WDC',
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

    // With its standard price, from today: all or nothing.
    const offeringsBefore = await count('offerings');
    const badPrice = await api(manager, 'POST', '/api/v1/catalogue/offerings', {
      ...offeringBody('IT-TABLET'),
      price: '-3.00',
    });
    expect(badPrice.statusCode).toBe(400);
    expect(badPrice.json().error.details.fields).toEqual({ price: 'catalogue.errors.priceNegative' });
    expect(await count('offerings')).toBe(offeringsBefore);
    const tablet = await api(manager, 'POST', '/api/v1/catalogue/offerings', {
      ...offeringBody('IT-TABLET'),
      price: '310.00',
    });
    expect(tablet.statusCode).toBe(201);
    expect((await api(fire, 'GET', '/api/v1/catalogue/offerings/IT-TABLET')).json().price).toMatchObject({
      unitPrice: '310.00',
      validTo: null,
      source: 'standard',
    });

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

describe('what the review found', () => {
  it("audits a variant's change with the SLA policy it had before, not none", async () => {
    const changed = await api(manager, 'PUT', '/api/v1/catalogue/offerings/IT-FAULT/variants/WDC', {
      name: 'Report a fault (Wyvern)',
      slaPolicy: 'IT-STANDARD',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().overrides).toMatchObject({ slaPolicy: 'IT-STANDARD', version: 2 });
    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select(['before', 'after'])
      .where('action', '=', 'variant.change')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ partner: 'WDC', slaPolicy: 'IT-WDC', name: null });
    expect(audit.after).toMatchObject({
      partner: 'WDC',
      slaPolicy: 'IT-STANDARD',
      name: 'Report a fault (Wyvern)',
    });
  });

  it('answers an offering code taken by a write it could not see coming exactly as one it checked', async () => {
    const seen = await api(manager, 'POST', '/api/v1/catalogue/offerings', offeringBody('IT-LAPTOP'));
    const check = vi.spyOn(offeringsRepository, 'byCode').mockResolvedValue(undefined);
    try {
      const raced = await api(manager, 'POST', '/api/v1/catalogue/offerings', offeringBody('IT-LAPTOP'));
      expect(check).toHaveBeenCalled();
      expect(raced.statusCode).toBe(409);
      expect(raced.json()).toEqual(seen.json());
      expect(raced.json().error).toMatchObject({
        code: 'ERR_CATALOGUE_CODE_TAKEN',
        details: { fields: { code: 'catalogue.errors.codeTaken' } },
      });
    } finally {
      check.mockRestore();
    }
  });

  it('answers 404 for a code or id in the wrong form, before anything reaches the database', async () => {
    for (const url of [
      '/api/v1/catalogue/offerings/IT%20FAULT',
      '/api/v1/catalogue/offerings/x',
      '/api/v1/calendars/MCC.OFFICE',
      '/api/v1/catalogue/sla-policies/IT-STANDARD%3B',
      `/api/v1/catalogue/offerings/${'A'.repeat(41)}`,
    ]) {
      const response = await api(fire, 'GET', url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('ERR_NOT_FOUND');
    }
    expect(
      (await api(manager, 'PATCH', '/api/v1/catalogue/tariffs/not-an-id', { validTo: '2030-01-01' }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses an offering with a unit of measure it does not know, naming the field', async () => {
    const refused = await api(manager, 'POST', '/api/v1/catalogue/offerings', {
      ...offeringBody('IT-WATCH'),
      unit: 'parsec',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'ERR_VALIDATION',
      details: { fields: { unit: 'catalogue.errors.unitMissing' } },
    });
  });
});
