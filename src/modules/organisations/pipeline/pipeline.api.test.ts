import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope } from '../../../platform/db/index.js';
import { londonDate } from '../../../kernel/dates.js';

/**
 * The host's pipeline through the API: a body moves one stage at a time, needs its organisation from
 * onboarding on and a signed agreement to go live; every move is kept; only the host's executives and
 * platform administrators change it, its finance officers read it, and partners never see it.
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const tokens: Record<string, string> = {};
const api = (who: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);
const today = londonDate();

const TERMS = {
  effectiveFrom: '2026-04-01',
  reviewOn: '2029-03-31',
  noticeMonths: 12,
  exitCostSharing: 'Redundancy and ICT exit costs in proportion to the last year of charges',
  dataSharingRole: 'controller',
  lines: [{ serviceLine: 'HR', chargingModel: 'per_unit' }],
};

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  for (const [who, email, org] of [
    ['admin', 'admin@mercia.example', 'MCC'],
    ['executive', 'executive@mercia.example', 'MCC'],
    ['finance', 'finance@mercia.example', 'MCC'],
    ['agent', 'agent@mercia.example', 'MCC'],
    ['serviceManager', 'service.manager@mercia.example', 'MCC'],
    ['wdcManager', 'manager@wyvern.example', 'WDC'],
    ['mfrsManager', 'manager@merciafire.example', 'MFRS'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, email, org);
  // A body new to the partnership, registered for the test.
  const registered = await api('admin', 'POST', '/api/v1/organisations', {
    code: 'NBC',
    name: 'Northgate Borough Council',
    role: 'partner',
    kind: 'local_authority',
    bankHolidayDivision: 'england-and-wales',
  });
  expect(registered.statusCode, registered.body).toBe(201);
  ids.orgs.NBC = registered.json().id;
});
afterAll(() => t?.close());

const move = (id: string, stage: string, extra: Record<string, unknown> = {}) =>
  api('executive', 'POST', `/api/v1/partnership/prospects/${id}/moves`, { stage, movedOn: today, ...extra });

describe('the pipeline', () => {
  it('takes a body from prospect to live one step at a time, refusing skips, and keeps every move', async () => {
    const added = await api('executive', 'POST', '/api/v1/partnership/prospects', {
      name: 'Northgate Borough Council',
      kind: 'local_authority',
      owner: 'executive@mercia.example',
      nextStep: 'Send the outline business case',
      nextStepDue: '2027-01-15',
    });
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json().id as string;
    expect(added.json()).toMatchObject({
      stage: 'prospect',
      stageSince: today,
      owner: { name: 'Fiona Walsh' },
    });

    const skipped = await move(id, 'negotiating');
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json().error).toMatchObject({ code: 'ERR_STAGE_NOT_ALLOWED' });

    expect((await move(id, 'interested', { note: 'Leader keen' })).statusCode).toBe(200);
    expect((await move(id, 'negotiating')).statusCode).toBe(200);
    const unregistered = await move(id, 'onboarding');
    expect(unregistered.json().error.code).toBe('ERR_STAGE_NEEDS_ORGANISATION');

    const linked = await api('executive', 'PUT', `/api/v1/partnership/prospects/${id}`, {
      name: 'Northgate Borough Council',
      kind: 'local_authority',
      organisation: 'NBC',
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect((await move(id, 'onboarding')).statusCode).toBe(200);

    // Live needs a signed version: a draft is not enough.
    const draft = await api(
      'executive',
      'POST',
      `/api/v1/organisations/${ids.orgs.NBC}/agreement-versions`,
      TERMS,
    );
    expect(draft.statusCode, draft.body).toBe(201);
    expect((await move(id, 'live')).json().error.code).toBe('ERR_STAGE_NEEDS_AGREEMENT');
    const signed = await api(
      'executive',
      'POST',
      `/api/v1/organisations/${ids.orgs.NBC}/agreement-versions/${draft.json().id}/signature`,
      { signedOn: today, signedForPartner: 'Jo Bloggs, Chief Executive' },
    );
    expect(signed.statusCode, signed.body).toBe(200);
    const live = await move(id, 'live');
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json().stage).toBe('live');

    // Live to left skips exiting.
    expect((await move(id, 'left')).json().error.code).toBe('ERR_STAGE_NOT_ALLOWED');

    const read = await api('finance', 'GET', `/api/v1/partnership/prospects/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().history.map((m: { to: string }) => m.to)).toEqual([
      'live',
      'onboarding',
      'negotiating',
      'interested',
      'prospect',
    ]);
    expect(read.json().history[3]).toMatchObject({
      from: 'prospect',
      note: 'Leader keen',
      by: 'Fiona Walsh',
    });
  });

  it('names the field of bad input and writes nothing', async () => {
    const before = (await api('executive', 'GET', '/api/v1/partnership/prospects')).json().data.length;
    const bad = await api('executive', 'POST', '/api/v1/partnership/prospects', {
      name: '',
      kind: 'castle',
      owner: 'nobody@example.com',
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields)).toEqual(expect.arrayContaining(['name', 'kind']));
    const unknownOwner = await api('executive', 'POST', '/api/v1/partnership/prospects', {
      name: 'Someone',
      kind: 'police',
      owner: 'nobody@example.com',
    });
    expect(unknownOwner.statusCode).toBe(400);
    expect(unknownOwner.json().error.details.fields).toEqual({ owner: expect.any(String) });
    const future = await api('executive', 'POST', '/api/v1/partnership/prospects', {
      name: 'Later',
      kind: 'police',
    });
    const early = await move(future.json().id, 'interested', { movedOn: '2020-01-01' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details.fields).toEqual({ movedOn: expect.any(String) });
    const list = (await api('executive', 'GET', '/api/v1/partnership/prospects')).json().data;
    expect(list).toHaveLength(before + 1);
    expect(list.find((p: { name: string }) => p.name === 'Later').stage).toBe('prospect');
  });

  it('answers a stale version with ERR_STALE', async () => {
    const added = await api('executive', 'POST', '/api/v1/partnership/prospects', {
      name: 'Stale',
      kind: 'health',
    });
    const id = added.json().id as string;
    const stale = await apiCall(
      t.app,
      tokens.executive!,
      'POST',
      `/api/v1/partnership/prospects/${id}/moves`,
      { stage: 'interested', movedOn: today },
      { 'if-match': '"7"' },
    );
    expect(stale.json().error.code).toBe('ERR_STALE');
  });

  it('is read by finance officers, changed only by executives, and unseen by partners and agents', async () => {
    const [first] = (await api('finance', 'GET', '/api/v1/partnership/prospects')).json().data;
    expect(first).toBeDefined();
    expect(
      (await api('finance', 'POST', '/api/v1/partnership/prospects', { name: 'X', kind: 'police' }))
        .statusCode,
    ).toBe(403);
    expect((await api('agent', 'GET', '/api/v1/partnership/prospects')).statusCode).toBe(403);
    expect((await api('serviceManager', 'GET', '/api/v1/partnership/prospects')).statusCode).toBe(403);
    const terms = `/api/v1/organisations/${ids.orgs.WDC}/agreement-versions`;
    expect((await api('serviceManager', 'GET', terms)).statusCode).toBe(404);
    expect((await api('finance', 'GET', terms)).statusCode).toBe(200);
    expect((await api('wdcManager', 'GET', '/api/v1/partnership/prospects')).statusCode).toBe(403);
    expect((await api('wdcManager', 'GET', `/api/v1/partnership/prospects/${first.id}`)).statusCode).toBe(
      404,
    );
    const moved = await api('wdcManager', 'POST', `/api/v1/partnership/prospects/${first.id}/moves`, {
      stage: 'left',
      movedOn: today,
    });
    expect(moved.statusCode).toBe(404);
  });

  it('is invisible and unchangeable to a partner through SQL under the application role', async () => {
    const scope = { userId: ids.users['manager@wyvern.example']!, orgIds: [ids.orgs.WDC!] };
    await inScope(t.db, scope, async (tx) => {
      expect((await sql`select * from partnership_prospects`.execute(tx)).rows).toEqual([]);
      expect((await sql`select * from partnership_stage_moves`.execute(tx)).rows).toEqual([]);
      const changed = await sql`update partnership_prospects set stage = 'left'`.execute(tx);
      expect(Number(changed.numAffectedRows)).toBe(0);
    });
  });
});
