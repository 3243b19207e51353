import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, type Scope, type Tx } from '../../platform/db/index.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import {
  as,
  clockAt,
  expectStatus,
  FAULT,
  releaseClock,
  requestTokens,
  type Body,
  type Tokens,
} from '../../../test/helpers/requests.js';

let t: TestApp;
let tokens: Tokens;
const orgs: Record<string, string> = {};
const users: Record<string, string> = {};
let wdc: Body;
let wdcManagers: Body;
let fire: Body;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
  const ids = await demoIds(t.db);
  Object.assign(orgs, ids.orgs);
  Object.assign(users, ids.users);
  clockAt('2026-03-23T09:00:00Z');
  wdc = expectStatus(
    await as(t, tokens.wdcRequester).post('/requests', { ...FAULT, subject: 'Wyvern’s own' }),
    201,
  );
  wdcManagers = expectStatus(
    await as(t, tokens.wdcManager).post('/requests', { ...FAULT, subject: 'The manager’s' }),
    201,
  );
  fire = expectStatus(
    await as(t, tokens.mfrsRequester).post('/requests', { ...FAULT, subject: 'Fire’s own' }),
    201,
  );
  // The service centre works all three, with notes, time and replies.
  for (const request of [wdc, wdcManagers, fire]) {
    expectStatus(await as(t, tokens.agent).post(`/requests/${request.reference}/actions/pick-up`), 200);
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${request.reference}/notes`, { body: 'INTERNAL-MARKER' }),
      201,
    );
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${request.reference}/time-entries`, {
        minutes: 10,
        activity: 'Triage',
      }),
      201,
    );
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${request.reference}/comments`, { body: 'On it' }),
      201,
    );
  }
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

describe('requests between partners, through the API', () => {
  it('answers another partner’s request exactly as one that does not exist', async () => {
    const missing = await as(t, tokens.wdcRequester).get('/requests/MFRS-999999');
    const foreign = await as(t, tokens.wdcRequester).get(`/requests/${fire.reference}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual(missing.json());
    expect((await as(t, tokens.wdcManager).get(`/requests/${fire.id}`)).statusCode).toBe(404);
    for (const [name, body] of [
      ['withdraw', {}],
      ['confirm', {}],
      ['reopen', { reason: 'x' }],
    ] as const) {
      expect(
        (await as(t, tokens.wdcManager).post(`/requests/${fire.reference}/actions/${name}`, body)).statusCode,
      ).toBe(404);
    }
    expect(
      (await as(t, tokens.wdcRequester).post(`/requests/${fire.reference}/comments`, { body: 'Hi' }))
        .statusCode,
    ).toBe(404);
  });

  it('shows a requester their own requests, and a partner manager all of the organisation’s', async () => {
    const own = expectStatus(await as(t, tokens.wdcRequester).get('/requests?limit=100'), 200);
    expect(own.data.every((r: Body) => r.requesterName === 'Imran Shah')).toBe(true);
    expect(own.data.map((r: Body) => r.id)).toContain(wdc.id);
    expect(own.data.map((r: Body) => r.id)).not.toContain(wdcManagers.id);
    expect((await as(t, tokens.wdcRequester).get(`/requests/${wdcManagers.reference}`)).statusCode).toBe(404);
    const all: string[] = [];
    let cursor = '';
    for (;;) {
      const page = expectStatus(await as(t, tokens.wdcManager).get(`/requests?limit=100${cursor}`), 200);
      all.push(...page.data.map((r: Body) => r.reference as string));
      if (!page.nextCursor) break;
      cursor = `&cursor=${page.nextCursor}`;
    }
    expect(all).toEqual(expect.arrayContaining([wdc.reference, wdcManagers.reference]));
    expect(all.every((reference) => reference.startsWith('WDC-'))).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it('never gives a partner the service centre’s side: notes, time, team, assignee, who replied', async () => {
    for (const who of ['wdcRequester', 'wdcManager'] as const) {
      const response = await as(t, tokens[who]).get(`/requests/${wdc.reference}`);
      const body = expectStatus(response, 200);
      expect(body).not.toHaveProperty('internal');
      expect(response.body).not.toMatch(/INTERNAL-MARKER|Triage|Bethan/);
      expect(
        body.timeline.filter((e: Body) => e.actor.kind === 'agent').every((e: Body) => e.actor.name === null),
      ).toBe(true);
    }
    const host = expectStatus(await as(t, tokens.agent).get(`/requests/${wdc.reference}`), 200);
    expect(host.internal.notes.map((n: Body) => n.body)).toContain('INTERNAL-MARKER');
    expect(host.timeline.find((e: Body) => e.kind === 'reply').actor.name).toBe('Bethan Price');
  });
});

describe('requests under the application role (row level security)', () => {
  const scope = (email: string, org: string): Scope => ({ userId: users[email], orgIds: [orgs[org]!] });
  const wyvern = () => scope('requester@wyvern.example', 'WDC');
  const agent = () => scope('agent@mercia.example', 'MCC');
  const count = (s: Scope, table: string) =>
    inScope(db(), s, async (tx) =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(tx)).rows[0]!.n,
      ),
    );
  const db = () => t.db;

  it('shows a partner only its own requests and their public history', async () => {
    const seen = await inScope(t.db, wyvern(), async (tx: Tx) => ({
      requests: (await sql<{ org_id: string }>`select distinct org_id from requests`.execute(tx)).rows.map(
        (r) => r.org_id,
      ),
      events: (
        await sql<{ org_id: string }>`select distinct org_id from request_events`.execute(tx)
      ).rows.map((r) => r.org_id),
      staffOnEvents: (
        await sql<{ n: string }>`
        select count(*) as n from request_events where actor_kind = 'agent' and actor_user_id is not null`.execute(
          tx,
        )
      ).rows[0]!.n,
      organisations: (
        await sql<{ code: string }>`select code from app_request_organisations()`.execute(tx)
      ).rows.map((r) => r.code),
    }));
    expect(seen).toEqual({
      requests: [orgs.WDC],
      events: [orgs.WDC],
      staffOnEvents: '0',
      organisations: ['WDC'],
    });
  });

  it('gives a partner no row of the service centre’s tables, whatever it asks', async () => {
    for (const table of [
      'request_work',
      'request_notes',
      'request_time_entries',
      'request_event_staff',
      'service_line_team_members',
    ])
      expect(await count(wyvern(), table), table).toBe(0);
    expect(await count(agent(), 'request_notes')).toBeGreaterThanOrEqual(3);
    expect(await count(agent(), 'request_event_staff')).toBeGreaterThanOrEqual(6);
  });

  it('lets no partner write the service centre’s rows, or another partner’s requests', async () => {
    await expect(
      inScope(t.db, wyvern(), (tx) =>
        sql`insert into request_notes (org_id, partner_org_id, request_id, at, kind, body)
            values (${orgs.MCC}, ${orgs.WDC}, ${wdc.id}, now(), 'note', 'x')`.execute(tx),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await inScope(t.db, wyvern(), async (tx) => ({
      requests: (await sql`update requests set subject = 'Hijacked' where id = ${fire.id}`.execute(tx))
        .numAffectedRows,
      work: (await sql`update request_work set assignee_user_id = null`.execute(tx)).numAffectedRows,
    }));
    expect(changed).toEqual({ requests: 0n, work: 0n });
    // The queue copy's keeper takes only requests of the caller's own organisations.
    await expect(
      inScope(t.db, wyvern(), (tx) =>
        sql`select request_work_put(${fire.id}, ${orgs.MFRS}, ${orgs.MCC}, ${fire.id}, ${fire.id}, 'closed', 'low', null, 'met')`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/not the caller's/);
  });
});
