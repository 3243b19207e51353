import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope } from '../../../platform/db/index.js';
import { addDays, londonDate } from '../../../kernel/dates.js';
import { termsInForce } from './terms.service.js';
import type { TermsVersion } from './terms.repository.js';

/**
 * The terms agreed with a partner, version by version: a version never changes once signed (in the
 * database too), a new version starts after every signed one and supersedes it from then, and no
 * partner sees another's terms.
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const tokens: Record<string, string> = {};
const api = (who: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);
const today = londonDate();
const versions = (org: string) => `/api/v1/organisations/${ids.orgs[org]}/agreement-versions`;

const terms = (overrides: Record<string, unknown> = {}) => ({
  effectiveFrom: '2025-04-01',
  reviewOn: '2028-03-31',
  noticeMonths: 12,
  exitCostSharing: 'Exit costs shared by the last year’s charges',
  dataSharingRole: 'processor',
  notes: 'First agreement',
  lines: [
    { serviceLine: 'HR', chargingModel: 'per_unit' },
    { serviceLine: 'FIN', chargingModel: 'cost_pool' },
  ],
  ...overrides,
});

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  for (const [who, email, org] of [
    ['executive', 'executive@mercia.example', 'MCC'],
    ['finance', 'finance@mercia.example', 'MCC'],
    ['wdcManager', 'manager@wyvern.example', 'WDC'],
    ['wdcRequester', 'requester@wyvern.example', 'WDC'],
    ['mfrsManager', 'manager@merciafire.example', 'MFRS'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, email, org);
  const admin = await apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
  for (const [code, name] of [
    ['TVH', 'Teme Valley Homes'],
    ['KDC', 'Kingsley District Council'],
  ] as const)
    ids.orgs[code] = (
      await apiCall(t.app, admin, 'POST', '/api/v1/organisations', {
        code,
        name,
        role: 'partner',
        kind: 'voluntary',
        bankHolidayDivision: 'england-and-wales',
      })
    ).json().id;
});
afterAll(() => t?.close());

const sign = (org: string, id: string, signedOn = today) =>
  api('executive', 'POST', `${versions(org)}/${id}/signature`, {
    signedOn,
    signedForPartner: 'Chief Executive',
  });

describe('versions of the terms', () => {
  let first: string;

  it('drafts, signs and then never changes a version', async () => {
    const drafted = await api('executive', 'POST', versions('TVH'), terms());
    expect(drafted.statusCode, drafted.body).toBe(201);
    first = drafted.json().id;
    expect(drafted.json()).toMatchObject({ version: 1, status: 'draft', state: 'draft', noticeMonths: 12 });
    expect(
      drafted
        .json()
        .lines.map((l: { chargingModel: string }) => l.chargingModel)
        .sort(),
    ).toEqual(['cost_pool', 'per_unit']);

    const second = await api('executive', 'POST', versions('TVH'), terms({ effectiveFrom: '2026-01-01' }));
    expect(second.json().error.code).toBe('ERR_AGREEMENT_DRAFT_EXISTS');

    const revised = await api('executive', 'PUT', `${versions('TVH')}/${first}`, terms({ noticeMonths: 6 }));
    expect(revised.json().noticeMonths).toBe(6);
    const signed = await sign('TVH', first, '2025-03-20');
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toMatchObject({
      status: 'signed',
      state: 'in_force',
      signedOn: '2025-03-20',
      effectiveUntil: null,
    });

    const changed = await api('executive', 'PUT', `${versions('TVH')}/${first}`, terms());
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('ERR_AGREEMENT_VERSION_SIGNED');
    expect((await api('executive', 'DELETE', `${versions('TVH')}/${first}`)).json().error.code).toBe(
      'ERR_AGREEMENT_VERSION_SIGNED',
    );
  });

  it('refuses a version starting on or before a signed one, and supersedes with a later one', async () => {
    const overlapping = await api(
      'executive',
      'POST',
      versions('TVH'),
      terms({ effectiveFrom: '2025-04-01' }),
    );
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json().error).toMatchObject({
      code: 'ERR_AGREEMENT_VERSION_OVERLAP',
      details: { fields: { effectiveFrom: expect.any(String) } },
    });
    const earlier = await api('executive', 'POST', versions('TVH'), terms({ effectiveFrom: '2024-04-01' }));
    expect(earlier.json().error.code).toBe('ERR_AGREEMENT_VERSION_OVERLAP');

    const next = await api(
      'executive',
      'POST',
      versions('TVH'),
      terms({ effectiveFrom: '2026-04-01', reviewOn: '2030-03-31', dataSharingRole: 'joint_controller' }),
    );
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().version).toBe(2);
    expect((await sign('TVH', next.json().id)).statusCode).toBe(200);

    const list = (await api('executive', 'GET', versions('TVH'))).json().data;
    expect(list.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(list[1]).toMatchObject({ effectiveUntil: '2026-03-31', state: 'superseded' });
  });

  it('names the field of bad input and writes nothing', async () => {
    const before = (await api('executive', 'GET', versions('KDC'))).json().data.length;
    const bad = await api(
      'executive',
      'POST',
      versions('KDC'),
      terms({ reviewOn: '2025-01-01', noticeMonths: 500, dataSharingRole: 'owner', lines: [] }),
    );
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields)).toEqual(expect.arrayContaining(['noticeMonths']));
    const review = await api('executive', 'POST', versions('KDC'), terms({ reviewOn: '2025-01-01' }));
    expect(review.json().error.details.fields).toEqual({ reviewOn: expect.any(String) });
    const twice = await api(
      'executive',
      'POST',
      versions('KDC'),
      terms({
        lines: [
          { serviceLine: 'HR', chargingModel: 'per_unit' },
          { serviceLine: 'HR', chargingModel: 'cost_pool' },
        ],
      }),
    );
    expect(twice.json().error.details.fields).toEqual({ lines: expect.any(String) });
    const unknown = await api(
      'executive',
      'POST',
      versions('KDC'),
      terms({ lines: [{ serviceLine: 'NOPE', chargingModel: 'per_unit' }] }),
    );
    expect(unknown.json().error.details.fields).toEqual({ 'lines.0.serviceLine': expect.any(String) });
    const draft = (await api('executive', 'POST', versions('KDC'), terms())).json();
    const future = await sign('KDC', draft.id, addDays(today, 2));
    expect(future.json().error.details.fields).toEqual({ signedOn: expect.any(String) });
    expect((await api('executive', 'GET', versions('KDC'))).json().data).toHaveLength(before + 1);
    expect((await api('executive', 'DELETE', `${versions('KDC')}/${draft.id}`)).statusCode).toBe(204);
  });

  it('shows a partner its own terms only, and lets no one but the host’s keepers change them', async () => {
    const own = (await api('wdcManager', 'GET', versions('WDC'))).json().data;
    expect(own.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await api('wdcManager', 'GET', versions('MFRS'))).statusCode).toBe(404);
    expect((await api('wdcManager', 'GET', versions('TVH'))).statusCode).toBe(404);
    expect((await api('mfrsManager', 'GET', `${versions('WDC')}/${own[0].id}`)).statusCode).toBe(404);
    expect((await api('wdcRequester', 'GET', versions('WDC'))).statusCode).toBe(403);
    const later = terms({ effectiveFrom: '2030-04-01', reviewOn: '2031-01-01' });
    expect((await api('wdcManager', 'POST', versions('WDC'), later)).statusCode).toBe(403);
    expect((await api('finance', 'POST', versions('WDC'), later)).statusCode).toBe(403);
    expect((await api('wdcManager', 'PUT', `${versions('WDC')}/${own[0].id}`, later)).statusCode).toBe(403);
  });

  it('keeps a partner from reading or writing another’s terms through SQL, and a signed version from any change', async () => {
    const mfrs = { userId: ids.users['manager@merciafire.example']!, orgIds: [ids.orgs.MFRS!] };
    await inScope(t.db, mfrs, async (tx) => {
      expect(
        (await sql`select * from agreement_versions where org_id = ${ids.orgs.WDC}`.execute(tx)).rows,
      ).toEqual([]);
      expect(
        (await sql`select * from agreement_version_lines where org_id = ${ids.orgs.WDC}`.execute(tx)).rows,
      ).toEqual([]);
      const changed = await sql`update agreement_versions set notes = 'x'`.execute(tx);
      expect(Number(changed.numAffectedRows)).toBe(0);
    });
    await expect(
      sql`update agreement_versions set notes = 'changed' where status = 'signed'`.execute(t.db.kysely),
    ).rejects.toThrow(/signed and cannot change/);
    await expect(sql`delete from agreement_version_lines`.execute(t.db.kysely)).rejects.toThrow(
      /signed and cannot change/,
    );
  });
});

describe('termsInForce', () => {
  const version = (n: number, from: string, status: 'draft' | 'signed' = 'signed') =>
    ({ id: String(n), version: n, status, effectiveFrom: from }) as TermsVersion;

  it('ends each signed version the day before the next one starts', () => {
    const views = termsInForce(
      [version(3, '2027-04-01', 'draft'), version(2, '2026-10-01'), version(1, '2025-04-01')],
      '2026-12-03',
    );
    expect(views.map((v) => [v.state, v.effectiveUntil])).toEqual([
      ['draft', null],
      ['in_force', null],
      ['superseded', '2026-09-30'],
    ]);
    expect(termsInForce([version(1, '2027-01-01')], '2026-12-03')[0]!.state).toBe('future');
  });
});
