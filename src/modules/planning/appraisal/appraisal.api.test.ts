import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { PEOPLE, sampleCase, sampleWith } from '../planning.test-helpers.js';

let t: TestApp;
const tokens: Record<string, string> = {};

const api = (
  who: keyof typeof tokens,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => apiCall(t.app, tokens[who]!, method, url, body, headers);

const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n,
  );

beforeAll(async () => {
  t = await buildTestApp();
  tokens.finance = await apiTokenFor(t.db, PEOPLE.finance, 'MCC');
  tokens.executive = await apiTokenFor(t.db, PEOPLE.executive, 'MCC');
  tokens.admin = await apiTokenFor(t.db, PEOPLE.admin, 'MCC');
  tokens.serviceManager = await apiTokenFor(t.db, PEOPLE.serviceManager, 'MCC');
  tokens.agent = await apiTokenFor(t.db, PEOPLE.agent, 'MCC');
  tokens.wdcManager = await apiTokenFor(t.db, PEOPLE.wdcManager, 'WDC');
});
afterAll(() => t?.close());

describe('POST /api/v1/business-cases', () => {
  it('stores a draft and answers its appraisal, worked by hand', async () => {
    const response = await api('finance', 'POST', '/api/v1/business-cases', sampleCase());
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'draft',
      version: 1,
      preferred: 'SHARE',
      title: 'Shared HR and payroll',
    });
    expect(response.headers.etag).toBe('"1"');
    const byCode = Object.fromEntries(body.results.options.map((o: { code: string }) => [o.code, o]));
    // BAU: £1,200,000 now and £1,200,000 / 1.035 = £1,159,420.2898… next year.
    expect(byCode.BAU).toMatchObject({
      pvCosts: '2359420.29',
      npsv: '-2359420.29',
      npsvVsBau: '0.00',
      paybackYear: null,
    });
    // SHARE: one-off £400,000 × (1 + 0.5 × (1 − 0.5)) = £500,000; operating £900,000 / 1.035 = £869,565.2174;
    // cashable £310,500 / 1.035 = £300,000 exactly. BCR 300,000 / 1,369,565.2174 = 0.21904….
    expect(byCode.SHARE).toMatchObject({
      pvCosts: '1369565.22',
      pvBenefits: '300000.00',
      npsv: '-1069565.22',
      npsvVsBau: '1289855.07',
      bcr: '0.2190',
      paybackYear: null,
    });
    expect(byCode.MIN).toMatchObject({ pvCosts: '250000.00', npsvVsBau: '2109420.29' });
    expect(body.results.switchingValues).toContainEqual({ category: 'operating', percent: '148.33' });
    expect(body.results.discountFactors).toEqual(['1.000000', '0.966184', '0.933511', '0.901943']);
    expect(body.case.discountRates[0]).toEqual({ from: 1, to: 30, rate: '0.035' });
  });

  it('refuses bad input naming each field, 400 ERR_VALIDATION, and writes nothing', async () => {
    const before = await count('business_cases');
    const flowsBefore = await count('business_case_flows');
    const cases: Array<[unknown, string, RegExp]> = [
      [sampleWith((b) => (b.options[0]!.kind = 'other')), 'options', /business-as-usual/],
      [
        sampleWith((b) => (b.options[1]!.costs[0]!.year = 4)),
        'options.1.costs.0.year',
        /Year 4 capital cost for option MIN/,
      ],
      [
        sampleWith((b) => (b.options[2]!.costs[1]!.amount = '-5.00')),
        'options.2.costs.1.amount',
        /must not be negative/,
      ],
      [
        sampleWith((b) => (b.options[2]!.costs[1]!.amount = '5.5.5')),
        'options.2.costs.1.amount',
        /pounds and pence/,
      ],
      [
        sampleWith(
          (b) => (b.options[2]!.optimismBias = { one_off: { upper: 0.5, mitigation: 1.01, reason: '' } }),
        ),
        'options.2.optimismBias.one_off.mitigation',
        /from 0 to 1/,
      ],
      [
        sampleWith(
          (b) => (b.options[2]!.optimismBias = { one_off: { upper: 0.5, mitigation: -0.1, reason: '' } }),
        ),
        'options.2.optimismBias.one_off.mitigation',
        /from 0 to 1/,
      ],
      [sampleCase({ horizonYears: 0 }), 'horizonYears', /1 to 100/],
      [sampleCase({ baseYear: '2026' }), 'baseYear', /financial year/],
    ];
    for (const [body, field, words] of cases) {
      const response = await api('finance', 'POST', '/api/v1/business-cases', body);
      expect(response.statusCode, field).toBe(400);
      const error = response.json().error;
      expect(error.code).toBe('ERR_VALIDATION');
      expect(error.details.fields[field]).toMatch(words);
    }
    const malformed = await api('finance', 'POST', '/api/v1/business-cases', '{"title": ');
    expect(malformed.json().error.code).toBe('ERR_MALFORMED_JSON');
    expect(await count('business_cases')).toBe(before);
    expect(await count('business_case_flows')).toBe(flowsBefore);
  });

  it('refuses planned savings for an organisation that is not a partner or a line that is not the host’s, writing nothing', async () => {
    const before = await count('business_cases');
    const response = await api(
      'finance',
      'POST',
      '/api/v1/business-cases',
      sampleCase({
        plannedSavings: [
          { organisation: 'WDC', serviceLine: 'HR', year: '2027-28', amount: '1000.00' },
          { organisation: 'NOPE', serviceLine: 'HR', year: '2027-28', amount: '1000.00' },
          { organisation: 'WDC', serviceLine: 'GARDENS', year: '2027-28', amount: '1000.00' },
        ],
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.fields).toEqual({
      'plannedSavings.1.organisation': 'Planned saving 2 names NOPE, which is not a partner of yours',
      'plannedSavings.2.serviceLine':
        'Planned saving 3 names service line GARDENS, which is not one of yours',
    });
    expect(await count('business_cases')).toBe(before);
  });

  it('answers 401 to no token before reading the body, and 403 to those who may not build', async () => {
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/business-cases',
      payload: { nonsense: 1 },
    });
    expect(anonymous.statusCode).toBe(401);
    for (const who of ['serviceManager', 'agent', 'wdcManager'] as const) {
      const response = await api(who, 'POST', '/api/v1/business-cases', sampleCase());
      expect(response.statusCode, who).toBe(who === 'serviceManager' ? 403 : 404);
    }
  });
});

describe('reading, changing, approving', () => {
  let id: string;
  beforeAll(async () => {
    const created = await api(
      'finance',
      'POST',
      '/api/v1/business-cases',
      sampleCase({
        title: 'Shared legal',
        sections: { strategic: 'Three councils, one team.' },
        plannedSavings: [
          { organisation: 'WDC', serviceLine: 'LEGAL', year: '2027-28', amount: '12000.00' },
          { organisation: 'MFRS', serviceLine: 'HR', year: '2027-28', amount: '8000.50' },
        ],
      }),
    );
    id = created.json().id;
  });

  it('lists cases for the host’s builders and service managers, refuses partners and agents', async () => {
    for (const who of ['finance', 'executive', 'admin', 'serviceManager'] as const) {
      const response = await api(who, 'GET', '/api/v1/business-cases');
      expect(response.statusCode, who).toBe(200);
      expect(response.json().data.map((c: { id: string }) => c.id)).toContain(id);
    }
    for (const who of ['wdcManager', 'agent'] as const) {
      expect((await api(who, 'GET', '/api/v1/business-cases')).statusCode, who).toBe(403);
      expect((await api(who, 'GET', `/api/v1/business-cases/${id}`)).statusCode, who).toBe(404);
    }
    expect((await api('finance', 'GET', '/api/v1/business-cases/not-an-id')).statusCode).toBe(404);
  });

  it('replaces a draft whole, refusing a stale version', async () => {
    const current = (await api('finance', 'GET', `/api/v1/business-cases/${id}`)).json();
    expect(current.case.sections.strategic).toBe('Three councils, one team.');
    expect(current.case.plannedSavings).toContainEqual({
      organisation: 'MFRS',
      serviceLine: 'HR',
      year: '2027-28',
      amount: '8000.50',
    });
    const changed = { ...current.case, horizonYears: 5 };
    const stale = await api('finance', 'PUT', `/api/v1/business-cases/${id}`, changed, {
      'if-match': '"99"',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('ERR_STALE');
    const response = await api('finance', 'PUT', `/api/v1/business-cases/${id}`, changed, {
      'if-match': `"${current.version}"`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ version: current.version + 1, horizonYears: 5 });
    expect(response.json().results.discountFactors).toHaveLength(6);
    expect((await api('serviceManager', 'PUT', `/api/v1/business-cases/${id}`, changed)).statusCode).toBe(
      403,
    );
  });

  it('lets only an executive approve; an approved case and its planned savings never change', async () => {
    expect((await api('finance', 'POST', `/api/v1/business-cases/${id}/approve`)).statusCode).toBe(403);
    const approved = await api('executive', 'POST', `/api/v1/business-cases/${id}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(approved.json().approvedAt).not.toBeNull();
    const planned = await sql<{ amount_pence: string; financial_year: string }>`
      select amount_pence::text, financial_year from planned_savings where case_id = ${id} order by planned_savings.amount_pence`.execute(
      t.db.kysely,
    );
    expect(planned.rows).toEqual([
      { amount_pence: '800050', financial_year: '2027-28' },
      { amount_pence: '1200000', financial_year: '2027-28' },
    ]);
    const again = await api('executive', 'POST', `/api/v1/business-cases/${id}/approve`);
    expect(again.json().error.code).toBe('ERR_CASE_APPROVED');
    const put = await api('finance', 'PUT', `/api/v1/business-cases/${id}`, sampleCase());
    expect(put.statusCode).toBe(409);
    expect(put.json().error.code).toBe('ERR_CASE_APPROVED');
    expect((await api('finance', 'DELETE', `/api/v1/business-cases/${id}`)).json().error.code).toBe(
      'ERR_CASE_APPROVED',
    );
    const audit = await sql<{ action: string }>`
      select action from audit_events where entity_id = ${id} order by id`.execute(t.db.kysely);
    expect(audit.rows.map((r) => r.action)).toEqual([
      'business_case.create',
      'business_case.change',
      'business_case.approve',
    ]);
  });

  it('keeps the discount rates with the case: a case stored with its own schedule is appraised with it', async () => {
    const own = [{ from: 1, to: null, rate: '0.1' }];
    const created = await api(
      'finance',
      'POST',
      '/api/v1/business-cases',
      sampleCase({ discountRates: own }),
    );
    expect(created.json().results.discountFactors[1]).toBe('0.909091');
    const read = await api('finance', 'GET', `/api/v1/business-cases/${created.json().id}`);
    expect(read.json().case.discountRates).toEqual(own);
  });

  it('removes a draft', async () => {
    const created = await api(
      'finance',
      'POST',
      '/api/v1/business-cases',
      sampleCase({ title: 'To remove' }),
    );
    const removed = await api('finance', 'DELETE', `/api/v1/business-cases/${created.json().id}`);
    expect(removed.statusCode).toBe(204);
    expect((await api('finance', 'GET', `/api/v1/business-cases/${created.json().id}`)).statusCode).toBe(404);
  });
});
