import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope, type Scope } from '../../../platform/db/index.js';
import { PEOPLE } from '../planning.test-helpers.js';
import { MEETING, seat } from './governance.test-helpers.js';

/**
 * The joint committee's records are the host's. Its keepers write them; its finance officers and
 * service managers read them; a partner's managers read them only where their organisation holds a
 * seat, and change nothing. Anyone else sees nothing: not through the API, and not through SQL under
 * the application role, whatever query is made. A confirmed meeting never changes, for anyone.
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let confirmedId: string;
let draftId: string;
const tokens: Record<string, string> = {};
const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);

const TABLES = [
  'committee_seats',
  'committee_meetings',
  'committee_attendance',
  'committee_decisions',
  'committee_votes',
];

const scopeOf = (email: string, org: string): Scope => ({
  userId: ids.users[email]!,
  orgIds: [ids.orgs[org]!],
});

/** What a query sees, run as the application role in `scope`. */
const seen = (scope: Scope, query: string) =>
  inScope(t.db, scope, async (tx) => (await sql.raw<Record<string, unknown>>(query).execute(tx)).rows);

/** The error a statement raises as the application role in `scope`, or how many rows it changed. */
async function outcome(scope: Scope, statement: string): Promise<string> {
  try {
    const result = await inScope(t.db, scope, (tx) => sql.raw(statement).execute(tx));
    return `changed ${Number(result.numAffectedRows ?? 0)}`;
  } catch (error) {
    return (error as Error).message;
  }
}

const everything = async () =>
  Object.fromEntries(
    await Promise.all(
      TABLES.map(async (table) => [
        table,
        (await sql.raw(`select * from ${table}`).execute(t.db.kysely)).rows,
      ]),
    ),
  );

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  for (const [who, org] of [
    ['executive', 'MCC'],
    ['wdcManager', 'WDC'],
    ['mfrsManager', 'MFRS'],
    ['wdcRequester', 'WDC'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, PEOPLE[who], org);
  // The host and Wyvern sit on the committee; Mercia Fire and Rescue does not.
  for (const code of ['MCC', 'WDC'])
    await api('executive', 'POST', '/api/v1/committee/seats', seat(code, '2026-01-01'));
  const meeting = async () => {
    const id = (await api('executive', 'POST', '/api/v1/committee-meetings', MEETING)).json().id as string;
    await api('executive', 'PUT', `/api/v1/committee-meetings/${id}/attendance`, {
      attendance: [
        { organisation: 'MCC', attended: 'member' },
        { organisation: 'WDC', attended: 'member' },
      ],
    });
    await api('executive', 'POST', `/api/v1/committee-meetings/${id}/decisions`, {
      title: 'Budget',
      resolution: 'That the budget be approved.',
      votes: [{ organisation: 'WDC', vote: 'for' }],
    });
    return id;
  };
  confirmedId = await meeting();
  expect(
    (await api('executive', 'POST', `/api/v1/committee-meetings/${confirmedId}/confirm`)).statusCode,
  ).toBe(200);
  draftId = await meeting();
});
afterAll(() => t?.close());

describe('through SQL under the application role', () => {
  it('shows a seated partner’s manager every record of its committee, and no other organisation’s names', async () => {
    const manager = scopeOf(PEOPLE.wdcManager, 'WDC');
    for (const table of TABLES)
      expect((await seen(manager, `select * from ${table}`)).length, table).toBeGreaterThan(0);
    const named = await seen(manager, 'select code from app_committee_organisations() order by code');
    expect(named.map((r) => r.code)).toEqual(['MCC', 'WDC']);
  });

  it('shows another partner’s manager, a requester and the host’s agents nothing', async () => {
    for (const [email, org] of [
      [PEOPLE.mfrsManager, 'MFRS'],
      [PEOPLE.wdcRequester, 'WDC'],
      [PEOPLE.agent, 'MCC'],
    ] as const) {
      const scope = scopeOf(email, org);
      for (const table of TABLES)
        expect(await seen(scope, `select * from ${table}`), `${email} ${table}`).toEqual([]);
      expect(await seen(scope, `select * from committee_meetings where id = '${draftId}'`)).toEqual([]);
      expect(await seen(scope, 'select * from app_committee_organisations()'), email).toEqual([]);
    }
  });

  it('lets no partner and no reader change anything', async () => {
    const before = await everything();
    for (const [email, org] of [
      [PEOPLE.wdcManager, 'WDC'],
      [PEOPLE.mfrsManager, 'MFRS'],
      [PEOPLE.wdcRequester, 'WDC'],
      [PEOPLE.finance, 'MCC'],
      [PEOPLE.serviceManager, 'MCC'],
    ] as const) {
      const scope = scopeOf(email, org);
      for (const insert of [
        `insert into committee_meetings (org_id, held_on, title) values ('${ids.orgs.MCC}', '2026-05-01', 'Mine')`,
        `insert into committee_meetings (org_id, held_on, title) values ('${ids.orgs[org]}', '2026-05-01', 'Mine')`,
        `insert into committee_seats (org_id, member_org_id, effective_from, member_name, member_job_title,
           substitute_name, substitute_job_title)
         values ('${ids.orgs.MCC}', '${ids.orgs[org]}', '2030-01-01', 'x', 'x', 'x', 'x')`,
        `insert into committee_decisions (org_id, meeting_id, number, title, resolution)
         values ('${ids.orgs.MCC}', '${draftId}', 2, 'x', 'x')`,
      ])
        // Refused by row level security, or first by the trigger of a meeting the caller cannot see.
        expect(await outcome(scope, insert), `${email}: ${insert}`).toMatch(
          /row-level security|row level security|never change/,
        );
      for (const change of [
        `update committee_meetings set title = 'Changed' where id = '${draftId}'`,
        `delete from committee_votes where meeting_id = '${draftId}'`,
        `update committee_attendance set attended = 'absent', attendee_name = null, attendee_job_title = null
          where meeting_id = '${draftId}'`,
        `delete from committee_meetings where id = '${draftId}'`,
      ])
        expect(await outcome(scope, change), `${email}: ${change}`).toBe('changed 0');
    }
    expect(await everything()).toEqual(before);
  });
});

describe('a confirmed meeting', () => {
  it('never changes, for its keepers nor for the tables’ owner', async () => {
    const executive = scopeOf(PEOPLE.executive, 'MCC');
    const before = await everything();
    for (const statement of [
      `update committee_meetings set title = 'Changed' where id = '${confirmedId}'`,
      `update committee_meetings set status = 'draft', confirmed_at = null where id = '${confirmedId}'`,
      `delete from committee_meetings where id = '${confirmedId}'`,
      `update committee_attendance set attendee_name = 'Someone else' where meeting_id = '${confirmedId}'`,
      `delete from committee_attendance where meeting_id = '${confirmedId}'`,
      `insert into committee_decisions (org_id, meeting_id, number, title, resolution)
       values ('${ids.orgs.MCC}', '${confirmedId}', 2, 'Late', 'x')`,
      `update committee_decisions set resolution = 'Rewritten' where meeting_id = '${confirmedId}'`,
      `update committee_votes set vote = 'against' where meeting_id = '${confirmedId}'`,
      `delete from committee_votes where meeting_id = '${confirmedId}'`,
    ]) {
      expect(await outcome(executive, statement), statement).toMatch(/minutes of this meeting are confirmed/);
      await expect(sql.raw(statement).execute(t.db.kysely), statement).rejects.toThrow(
        /confirmed and cannot change/,
      );
    }
    // The membership's history is kept, for everyone.
    for (const statement of ['update committee_seats set member_name = $$x$$', 'delete from committee_seats'])
      await expect(sql.raw(statement).execute(t.db.kysely), statement).rejects.toThrow(/kept as history/);
    expect(await everything()).toEqual(before);
  });

  it('keeps decision numbers without gaps and votes to those present, even written directly', async () => {
    const executive = scopeOf(PEOPLE.executive, 'MCC');
    expect(
      await outcome(
        executive,
        `insert into committee_decisions (org_id, meeting_id, number, title, resolution)
         values ('${ids.orgs.MCC}', '${draftId}', 3, 'Skips 2', 'x')`,
      ),
    ).toMatch(/without gaps/);
    await sql`insert into committee_attendance (org_id, meeting_id, member_org_id, attended)
      values (${ids.orgs.MCC}, ${draftId}, ${ids.orgs.MFRS}, 'absent')`.execute(t.db.kysely);
    expect(
      await outcome(
        executive,
        `insert into committee_votes (org_id, meeting_id, decision_number, member_org_id, vote)
         values ('${ids.orgs.MCC}', '${draftId}', 1, '${ids.orgs.MFRS}', 'for')`,
      ),
    ).toMatch(/Only an organisation recorded present/);
    expect(
      await outcome(
        executive,
        `update committee_attendance set attended = 'absent', attendee_name = null, attendee_job_title = null
          where meeting_id = '${draftId}' and member_org_id = '${ids.orgs.WDC}'`,
      ),
    ).toMatch(/Only an organisation recorded present/);
  });
});

describe('through the API', () => {
  it('refuses a partner whose organisation has no seat, and a requester: 403 on lists, 404 on a record', async () => {
    for (const who of ['mfrsManager', 'wdcRequester']) {
      expect((await api(who, 'GET', '/api/v1/committee')).statusCode, who).toBe(403);
      expect((await api(who, 'GET', '/api/v1/committee-meetings')).statusCode, who).toBe(403);
      expect((await api(who, 'POST', '/api/v1/committee-meetings', MEETING)).statusCode, who).toBe(403);
      for (const id of [confirmedId, draftId]) {
        expect((await api(who, 'GET', `/api/v1/committee-meetings/${id}`)).statusCode, who).toBe(404);
        expect(
          (
            await api(who, 'POST', `/api/v1/committee-meetings/${id}/decisions`, {
              title: 'x',
              resolution: 'x',
            })
          ).statusCode,
          who,
        ).toBe(404);
        expect((await api(who, 'POST', `/api/v1/committee-meetings/${id}/confirm`)).statusCode, who).toBe(
          404,
        );
      }
    }
  });

  it('shows a seated partner’s manager the minutes', async () => {
    const meeting = await api('wdcManager', 'GET', `/api/v1/committee-meetings/${confirmedId}`);
    expect(meeting.statusCode).toBe(200);
    expect(meeting.json().decisions[0]).toMatchObject({ outcome: 'carried', counts: { for: 1 } });
  });
});
