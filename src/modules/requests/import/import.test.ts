import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  as,
  clockAt,
  expectStatus,
  releaseClock,
  requestTokens,
  type Body,
  type Tokens,
} from '../../../../test/helpers/requests.js';

let t: TestApp;
let tokens: Tokens;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
  clockAt('2026-04-10T09:00:00Z');
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

/** The example. */
const legacy = (reference = 'LEGACY-1', organisation = 'WDC') => ({
  reference,
  organisation,
  offering: 'IT-LAPTOP',
  priority: 'medium',
  subject: 'Laptop for the planning officer',
  submittedAt: '2026-03-27T15:10:00Z',
  events: [
    { at: '2026-03-30T09:00:00Z', type: 'response' },
    { at: '2026-03-30T09:05:00Z', type: 'status', to: 'open' },
    { at: '2026-03-30T09:30:00Z', type: 'status', to: 'in_progress' },
    { at: '2026-03-30T10:00:00Z', type: 'status', to: 'awaiting_requester' },
    { at: '2026-03-31T11:30:00Z', type: 'status', to: 'in_progress' },
    { at: '2026-03-31T12:00:00Z', type: 'priority', to: 'high' },
    { at: '2026-04-02T16:00:00Z', type: 'status', to: 'resolved' },
  ],
});

const counters = async () =>
  (
    await sql<{ code: string; last_number: number }>`
    select o.code, c.last_number from request_counters c join organisations o on o.id = c.org_id order by o.code`.execute(
      t.db.kysely,
    )
  ).rows;

describe('importing a partner’s past requests', () => {
  it('keeps their references, follows the status rules and replays their clocks', async () => {
    const before = await counters();
    const imported = expectStatus(await as(t, tokens.admin).post('/requests/import', [legacy()]), 201);
    expect(imported.imported).toEqual([{ reference: 'LEGACY-1', organisation: 'WDC', status: 'resolved' }]);
    expect(await counters()).toEqual(before);
    const view = expectStatus(await as(t, tokens.wdcManager).get('/requests/LEGACY-1'), 200);
    expect(view).toMatchObject({
      status: 'resolved',
      priority: 'high',
      resolvedAt: '2026-04-02T16:00:00.000Z',
      version: 1,
    });
    // Worked out by hand in history.test.ts: high applies from submission to both clocks.
    expect(view.sla).toEqual({
      response: {
        target: 60,
        elapsed: 170,
        paused: 0,
        remaining: 0,
        due: '2026-03-27T16:10:00.000Z',
        state: 'breached',
        stoppedAt: '2026-03-30T09:00:00.000Z',
        breachedAt: '2026-03-27T16:10:00.000Z',
      },
      resolution: {
        target: 1010,
        elapsed: 1385,
        paused: 555,
        remaining: 0,
        due: '2026-04-02T09:00:00.000Z',
        state: 'breached',
        stoppedAt: '2026-04-02T16:00:00.000Z',
        breachedAt: '2026-04-02T09:00:00.000Z',
      },
    });
    // Every status change counts as the service centre's; who exactly is not known.
    expect(
      view.timeline.filter((e: Body) => e.kind === 'status').every((e: Body) => e.actor.name === null),
    ).toBe(true);
    const again = expectStatus(await as(t, tokens.admin).post('/requests/import', [legacy()]), 400);
    expect(again.error.details.problems).toEqual([
      '[0].reference: the organisation already has a request with this reference',
    ]);
    // The same reference in another organisation is another request.
    expectStatus(await as(t, tokens.admin).post('/requests/import', [legacy('LEGACY-1', 'MFRS')]), 201);
    expect(expectStatus(await as(t, tokens.agent).get('/requests/LEGACY-1'), 409).error.code).toBe(
      'ERR_AMBIGUOUS_REFERENCE',
    );
  });

  it('imports all or none, numbering every problem by its place in the file', async () => {
    const bad = legacy('LEGACY-2');
    bad.events[6] = { at: '2026-04-02T16:00:00Z', type: 'status', to: 'closed' };
    const file = [
      legacy('LEGACY-3'),
      bad,
      { ...legacy('LEGACY-4'), organisation: 'NOPE', offering: 'IT-LAPTOP' },
      { ...legacy('LEGACY-5', 'BWF') },
      {
        ...legacy('LEGACY-6'),
        submittedAt: '2026-03-27T15:10:00',
        events: [{ at: '2026-03-27T15:00:00Z', type: 'status', to: 'open' }],
      },
      { ...legacy('LEGACY-3') },
      { ...legacy('WDC-000777') },
      {
        ...legacy('LEGACY-7'),
        events: [
          { at: '2026-03-26T09:00:00Z', type: 'status', to: 'open' },
          { at: 'soon', type: 'status', to: 'open' },
          { type: 'reply' },
        ],
      },
      { ...legacy('LEGACY-8'), priority: 'urgent', colour: 'red' },
    ];
    const response = expectStatus(await as(t, tokens.admin).post('/requests/import', file), 400);
    expect(response.error.code).toBe('ERR_IMPORT_REJECTED');
    expect(response.error.details.problems).toEqual(
      expect.arrayContaining([
        '[4].submittedAt: must be an ISO 8601 instant with a zone',
        '[6].reference: has the form of the references Tandem gives; keep the old system’s own',
        '[7].events[1].at: must be an ISO 8601 instant with a zone',
        '[7].events[2].at: must be an ISO 8601 instant with a zone',
        '[8].colour: is not a known field',
        '[2].organisation: no partner of the service centre has the code NOPE',
        '[5].reference: appears earlier in the file for the same organisation',
      ]),
    );
    expect(response.error.details.problems.some((p: string) => p.startsWith('[8].priority:'))).toBe(true);
    const found = await sql<{
      n: string;
    }>`select count(*) as n from requests where reference like 'LEGACY-%' and reference <> 'LEGACY-1'`.execute(
      t.db.kysely,
    );
    expect(found.rows[0]!.n).toBe('0');
    // With the file's own problems put right, the histories are checked: an impossible move, a line not taken.
    const second = expectStatus(
      await as(t, tokens.admin).post('/requests/import', [
        legacy('LEGACY-3'),
        bad,
        legacy('LEGACY-5', 'BWF'),
      ]),
      400,
    );
    expect(second.error.details.problems).toEqual([
      '[1].events[6].to: a request that is in_progress cannot become closed',
      '[2].offering: BWF does not take an offering with the code IT-LAPTOP',
    ]);
    const early = expectStatus(
      await as(t, tokens.admin).post('/requests/import', [
        { ...legacy('LEGACY-9'), events: [{ at: '2026-03-26T09:00:00Z', type: 'status', to: 'open' }] },
      ]),
      400,
    );
    expect(early.error.details.problems).toEqual([
      '[0].events[0].at: is before the step before it (or the submission)',
    ]);
  });

  it('is for platform administrators and the service managers of the lines imported into', async () => {
    for (const who of ['agent', 'wdcManager', 'finance'] as const)
      expect(
        expectStatus(await as(t, tokens[who]).post('/requests/import', [legacy('LEGACY-10')]), 403).error
          .code,
      ).toBe('ERR_FORBIDDEN');
    expectStatus(await as(t, tokens.serviceManager).post('/requests/import', [legacy('LEGACY-10')]), 201);
    const audit = await sql<{ action: string; after: { count: number } }>`
      select action, after from audit_events where action = 'request.import' order by id`.execute(
      t.db.kysely,
    );
    expect(audit.rows.map((row) => row.after.count)).toEqual([1, 1, 1]);
  });
});
