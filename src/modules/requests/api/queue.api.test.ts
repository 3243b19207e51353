import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import {
  as,
  clockAt,
  expectStatus,
  FAULT,
  releaseClock,
  requestTokens,
  type Body,
  type Tokens,
} from '../../../../test/helpers/requests.js';
import { closeConfirmedRequests, refreshDueClocks } from '../index.js';

let t: TestApp;
let tokens: Tokens;
let users: Record<string, string>;
const teams: Record<string, string> = {};

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
  users = (await demoIds(t.db)).users;
  const { rows } = await sql<{ id: string; line: string; name: string }>`
    select t.id, l.code as line, t.name from service_line_teams t join service_lines l on l.id = t.service_line_id`.execute(
    t.db.kysely,
  );
  for (const row of rows) teams[`${row.line}/${row.name}`] = row.id;
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

const raise = async (who: keyof Tokens, body: Body = FAULT) =>
  expectStatus(await as(t, tokens[who]).post('/requests', body), 201);
const action = (who: keyof Tokens, reference: string, name: string, body: unknown = {}) =>
  as(t, tokens[who]).post(`/requests/${reference}/actions/${name}`, body);

describe('assigning and moving', () => {
  it('lets agents take work for themselves, and team leads give it to people in the teams they lead', async () => {
    clockAt('2026-03-23T09:00:00Z');
    const { reference } = await raise('wdcRequester');
    const bethan = users['agent@mercia.example']!;
    const hannah = users['shared.officer@mercia.example']!;
    const callum = users['teamlead@mercia.example']!;
    expect(
      expectStatus(await action('agent', reference, 'assign', { assignee: callum }), 403).error.code,
    ).toBe('ERR_FORBIDDEN');
    const mine = expectStatus(await action('agent', reference, 'assign', { assignee: bethan }), 200);
    expect(mine.internal.assignee.id).toBe(bethan);
    expect(mine.status).toBe('open');
    // An agent takes only themselves off.
    await action('agent', reference, 'assign', { assignee: null });
    const given = expectStatus(await action('teamLead', reference, 'assign', { assignee: bethan }), 200);
    expect(given.internal).toMatchObject({
      assignee: { id: bethan, name: 'Bethan Price' },
      team: { id: teams['IT/Service desk'] },
    });
    expect(
      expectStatus(await action('teamLead', reference, 'assign', { assignee: hannah }), 400).error.details
        .fields,
    ).toEqual({
      assignee: 'requests.errors.assigneeNotInTeam',
    });
    expect(
      expectStatus(
        await action('teamLead', reference, 'assign', { assignee: users['finance@mercia.example'] }),
        400,
      ).error.details.fields,
    ).toEqual({ assignee: 'requests.errors.assigneeUnknown' });
    const moved = expectStatus(
      await action('agent', reference, 'move', { team: teams['IT/Infrastructure'] }),
      200,
    );
    // Bethan is not in Infrastructure: the request waits there for someone of that team.
    expect(moved.internal).toMatchObject({ team: { name: 'Infrastructure' }, assignee: null });
    expect(moved.internal.notes.map((n: Body) => [n.kind, n.from, n.to])).toEqual(
      expect.arrayContaining([
        ['team', 'Service desk', 'Infrastructure'],
        ['assignment', 'Bethan Price', null],
      ]),
    );
    expect(
      expectStatus(await action('agent', reference, 'move', { team: teams['HR/Recruitment'] }), 400).error
        .details.fields,
    ).toEqual({
      team: 'requests.errors.teamUnknown',
    });
    // The partner never learns who works it, or in which team.
    const partner = expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${reference}`), 200);
    expect(JSON.stringify(partner)).not.toMatch(/Infrastructure|Bethan|Callum/);
  });

  it('assigns and moves in bulk, request by request, saying which could not be changed and why', async () => {
    clockAt('2026-03-23T10:00:00Z');
    const first = await raise('wdcRequester');
    const second = await raise('mfrsRequester');
    const gone = await raise('wdcRequester');
    await action('wdcRequester', gone.reference, 'withdraw');
    const bethan = users['agent@mercia.example']!;
    const result = expectStatus(
      await as(t, tokens.agent).post('/queue/assignments', {
        requests: [first.id, second.id, gone.id],
        assignee: bethan,
      }),
      200,
    );
    expect(result.results).toEqual([
      { id: first.id, ok: true, reference: first.reference, version: 2 },
      { id: second.id, ok: true, reference: second.reference, version: 2 },
      { id: gone.id, ok: false, error: { code: 'ERR_INVALID_TRANSITION', message: expect.any(String) } },
    ]);
    const moved = expectStatus(
      await as(t, tokens.teamLead).post('/queue/moves', {
        requests: [first.id, second.id],
        team: teams['IT/Service desk'],
      }),
      200,
    );
    expect(moved.results.map((r: Body) => r.ok)).toEqual([true, true]);
    expect(
      expectStatus(
        await as(t, tokens.wdcManager).post('/queue/moves', {
          requests: [first.id],
          team: teams['IT/Service desk'],
        }),
        403,
      ).error.code,
    ).toBe('ERR_FORBIDDEN');
  });
});

describe('the agents’ queue', () => {
  it('filters, sorts by due time and pages by cursor', async () => {
    clockAt('2026-03-24T09:00:00Z');
    const word = 'zebrafish';
    const low = await raise('wdcRequester', { ...FAULT, subject: `Low ${word}`, priority: 'low' });
    const critical = await raise('mfrsRequester', {
      ...FAULT,
      subject: `Critical ${word}`,
      priority: 'critical',
    });
    const medium = await raise('wdcRequester', { ...FAULT, subject: `Medium ${word}`, priority: 'medium' });
    const agent = as(t, tokens.agent);
    const page1 = expectStatus(await agent.get(`/queue?q=${word}&limit=2`), 200);
    expect(page1.data.map((r: Body) => r.reference)).toEqual([critical.reference, medium.reference]);
    expect(page1.data[0]).toMatchObject({
      organisation: { code: 'MFRS' },
      slaState: 'on_track',
      team: null,
      assignee: null,
    });
    const page2 = expectStatus(await agent.get(`/queue?q=${word}&limit=2&cursor=${page1.nextCursor}`), 200);
    expect(page2.data.map((r: Body) => r.reference)).toEqual([low.reference]);
    expect(page2.nextCursor).toBeNull();
    const wdc = expectStatus(await agent.get(`/queue?q=${word}&partner=wdc`), 200);
    expect(wdc.data.map((r: Body) => r.reference)).toEqual([medium.reference, low.reference]);
    expect(expectStatus(await agent.get(`/queue?q=${word}&priority=critical`), 200).data).toHaveLength(1);
    expect(
      expectStatus(await agent.get(`/queue?q=${encodeURIComponent(low.reference)}`), 200).data[0].id,
    ).toBe(low.id);

    await action('agent', medium.reference, 'pick-up');
    const mine = expectStatus(await agent.get(`/queue?q=${word}&assignee=me`), 200);
    expect(mine.data.map((r: Body) => [r.reference, r.status, r.assignee.name])).toEqual([
      [medium.reference, 'in_progress', 'Bethan Price'],
    ]);
    expect(
      expectStatus(await agent.get(`/queue?q=${word}&assignee=none&status=open`), 200).data,
    ).toHaveLength(2);
    await action('teamLead', critical.reference, 'move', { team: teams['IT/Infrastructure'] });
    const leads = expectStatus(await as(t, tokens.teamLead).get(`/queue?q=${word}&team=mine`), 200);
    expect(leads.data.map((r: Body) => r.reference)).toEqual([critical.reference]);
    // Three hours later the critical request has passed both its targets.
    clockAt('2026-03-24T13:00:00Z');
    await refreshDueClocks(t.db, new Date('2026-03-24T13:00:00Z'));
    expect(
      expectStatus(await agent.get(`/queue?q=${word}&sla=breached`), 200).data.map((r: Body) => r.reference),
    ).toEqual([critical.reference]);
  });

  it("shows the caller's teams merged in due order, page after page, with other filters too", async () => {
    clockAt('2026-03-24T10:00:00Z');
    // Requests spread over two of the team lead's teams and one that is not theirs.
    const raised = [];
    for (const priority of ['low', 'critical', 'medium', 'high', 'low', 'medium'])
      raised.push(await raise('wdcRequester', { ...FAULT, subject: `Team work ${priority}`, priority }));
    const moveTo = ['IT/Service desk', 'IT/Infrastructure', 'IT/Applications'];
    for (const [i, request] of raised.entries())
      expectStatus(await action('teamLead', request.reference, 'move', { team: teams[moveTo[i % 3]!] }), 200);
    const expected = async (status?: string) =>
      (
        await sql<{ reference: string }>`
          select r.reference from request_work w join requests r on r.id = w.request_id
           where w.active and w.team_id in (select team_id from service_line_team_members where user_id = ${users['teamlead@mercia.example']})
             and (${status ?? null}::text is null or w.status = ${status ?? null})
           order by w.due_at, w.request_id`.execute(t.db.kysely)
      ).rows.map((row) => row.reference);
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Body = expectStatus(
          await as(t, tokens.teamLead).get(
            `/queue?team=mine&limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
          ),
          200,
        );
        seen.push(...page.data.map((r: Body) => r.reference));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const all = await walk('');
    expect(all).toEqual(await expected());
    expect(all).toEqual(expect.arrayContaining([raised[0]!.reference, raised[1]!.reference]));
    expect(all).not.toContain(raised[2]!.reference);
    await action('agent', raised[0]!.reference, 'pick-up');
    expect(await walk('&status=open')).toEqual(await expected('open'));
    expect(await walk('&status=open')).not.toContain(raised[0]!.reference);
  });

  it('is for the service centre alone, and refuses a cursor it did not give', async () => {
    for (const who of ['wdcRequester', 'wdcManager', 'finance'] as const)
      expect(expectStatus(await as(t, tokens[who]).get('/queue'), 403).error.code).toBe('ERR_FORBIDDEN');
    expect(
      expectStatus(await as(t, tokens.agent).get('/queue?cursor=bm90LWEtY3Vyc29y'), 400).error.code,
    ).toBe('ERR_VALIDATION');
  });
});

describe('what time alone changes', () => {
  it('flips stored clocks as targets pass, and says which changed', async () => {
    clockAt('2026-03-25T09:00:00Z');
    const request = await raise('wdcRequester', { ...FAULT, priority: 'high' });
    const stored = async () =>
      (
        await sql<{ response_state: string; sla_state: string }>`
        select r.response_state, w.sla_state from requests r join request_work w on w.request_id = r.id
         where r.id = ${request.id}`.execute(t.db.kysely)
      ).rows[0];
    expect(await stored()).toEqual({ response_state: 'on_track', sla_state: 'on_track' });
    // High on Wyvern's policy: respond within 60 working minutes; warning at 75% (45 minutes).
    const warned = await refreshDueClocks(t.db, new Date('2026-03-25T09:50:00Z'));
    expect(warned.filter((c) => c.requestId === request.id)).toEqual([
      expect.objectContaining({
        clock: 'response',
        from: 'on_track',
        to: 'warning',
        reference: request.reference,
      }),
    ]);
    expect(await stored()).toEqual({ response_state: 'warning', sla_state: 'warning' });
    const breached = await refreshDueClocks(t.db, new Date('2026-03-25T10:05:00Z'));
    expect(breached.filter((c) => c.requestId === request.id)).toEqual([
      expect.objectContaining({ clock: 'response', from: 'warning', to: 'breached' }),
    ]);
    expect(await stored()).toEqual({ response_state: 'breached', sla_state: 'breached' });
    expect(
      (await refreshDueClocks(t.db, new Date('2026-03-25T10:06:00Z'))).filter(
        (c) => c.requestId === request.id,
      ),
    ).toEqual([]);
  });

  it('closes resolved requests nobody reopened within five working days', async () => {
    clockAt('2026-03-25T09:00:00Z');
    const request = await raise('wdcRequester');
    await action('agent', request.reference, 'pick-up');
    expectStatus(await action('agent', request.reference, 'resolve', { note: 'Done' }), 200);
    const early = await closeConfirmedRequests(t.db, new Date('2026-04-01T09:00:00Z'));
    expect(early.map((c) => c.requestId)).not.toContain(request.id);
    const closed = await closeConfirmedRequests(t.db, new Date('2026-04-02T09:00:00Z'));
    expect(closed.map((c) => c.requestId)).toContain(request.id);
    clockAt('2026-04-02T09:00:00Z');
    const view = expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${request.reference}`), 200);
    expect(view.status).toBe('closed');
    expect(view.timeline.at(-1)).toMatchObject({
      kind: 'status',
      from: 'resolved',
      to: 'closed',
      actor: { kind: 'system' },
    });
  });
});
