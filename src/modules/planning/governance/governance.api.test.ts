import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { PEOPLE } from '../planning.test-helpers.js';
import { MEETING, seat } from './governance.test-helpers.js';

let t: TestApp;
const tokens: Record<string, string> = {};
const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);

const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n,
  );
const counts = async () => ({
  seats: await count('committee_seats'),
  meetings: await count('committee_meetings'),
  attendance: await count('committee_attendance'),
  decisions: await count('committee_decisions'),
  votes: await count('committee_votes'),
  audit: await count('audit_events'),
});

/** The fields an error names, and its code. */
const problem = (response: { statusCode: number; json: () => unknown }) => {
  const { error } = response.json() as {
    error: { code: string; details?: { fields?: Record<string, string> } };
  };
  return { status: response.statusCode, code: error.code, fields: error.details?.fields ?? {} };
};

let meetingId: string;

beforeAll(async () => {
  t = await buildTestApp();
  for (const [who, org] of [
    ['executive', 'MCC'],
    ['admin', 'MCC'],
    ['finance', 'MCC'],
    ['serviceManager', 'MCC'],
    ['agent', 'MCC'],
    ['wdcManager', 'WDC'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, PEOPLE[who], org);
});
afterAll(() => t?.close());

describe('the committee’s membership', () => {
  it('seats a member and substitute per organisation, the host among them, and lists them on a day', async () => {
    expect((await api('executive', 'GET', '/api/v1/committee?on=2026-01-31')).json()).toEqual({
      on: '2026-01-31',
      data: [],
      history: [],
    });
    for (const code of ['MCC', 'WDC']) {
      const response = await api('executive', 'POST', '/api/v1/committee/seats', seat(code, '2026-01-01'));
      expect(response.statusCode).toBe(201);
    }
    const mfrs = await api('admin', 'POST', '/api/v1/committee/seats', {
      ...seat('mfrs', '2026-02-01'),
      memberEmail: '',
    });
    expect(mfrs.statusCode).toBe(201);
    expect(mfrs.json()).toEqual({
      organisation: { code: 'MFRS', name: 'Mercia Fire and Rescue Service' },
      member: { name: 'mfrs Member', jobTitle: 'Chief Executive', email: null },
      substitute: { name: 'mfrs Substitute', jobTitle: 'Director of Resources', email: null },
      since: '2026-02-01',
    });

    const january = (await api('finance', 'GET', '/api/v1/committee?on=2026-01-31')).json();
    expect(january.data.map((s: { organisation: { code: string } }) => s.organisation.code)).toEqual([
      'MCC',
      'WDC',
    ]);
    expect(january.data[1]).toMatchObject({
      member: { name: 'WDC Member', email: 'member@wdc.example' },
      since: '2026-01-01',
    });
    const march = (await api('serviceManager', 'GET', '/api/v1/committee?on=2026-03-01')).json();
    expect(march.data).toHaveLength(3);
    expect(march.history).toHaveLength(3);
  });

  it('keeps a change as history from its date', async () => {
    const change = await api(
      'executive',
      'POST',
      '/api/v1/committee/seats',
      seat('WDC', '2026-06-01', ' Later'),
    );
    expect(change.statusCode).toBe(201);
    const before = (await api('executive', 'GET', '/api/v1/committee?on=2026-05-31')).json();
    const after = (await api('executive', 'GET', '/api/v1/committee?on=2026-06-01')).json();
    const wdc = (c: { data: Array<{ organisation: { code: string }; member: { name: string } }> }) =>
      c.data.find((s) => s.organisation.code === 'WDC')!.member.name;
    expect(wdc(before)).toBe('WDC Member');
    expect(wdc(after)).toBe('WDC Member Later');
    expect(
      after.history.filter((s: { organisation: { code: string } }) => s.organisation.code === 'WDC'),
    ).toHaveLength(2);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await counts();
    const cases: Array<[unknown, string]> = [
      [seat('WDC', '2026-06-01'), 'effectiveFrom'],
      [seat('WDC', '2026-05-01'), 'effectiveFrom'],
      [seat('NOPE', '2027-01-01'), 'organisation'],
      // A directorate of the host sits through the host's own seat.
      [seat('MCC-RES', '2027-01-01'), 'organisation'],
      [{ ...seat('WDC', '2027-01-01'), memberEmail: 'not an address' }, 'memberEmail'],
      [{ ...seat('WDC', '2027-01-01'), substituteName: '  ' }, 'substituteName'],
      [{ ...seat('WDC', '2027-01-01'), effectiveFrom: '2027-02-30' }, 'effectiveFrom'],
    ];
    for (const [body, field] of cases) {
      const refused = problem(await api('executive', 'POST', '/api/v1/committee/seats', body));
      expect(refused, field).toMatchObject({ status: 400, code: 'ERR_VALIDATION' });
      expect(Object.keys(refused.fields), field).toEqual([field]);
    }
    const notAfter = problem(
      await api('executive', 'POST', '/api/v1/committee/seats', seat('WDC', '2026-06-01')),
    );
    expect(notAfter.fields.effectiveFrom).toContain('after 1 June 2026');
    expect(await counts()).toEqual(before);
  });
});

describe('a meeting', () => {
  it('is added, and records attendance with names as they stood on the day', async () => {
    const created = await api('executive', 'POST', '/api/v1/committee-meetings', MEETING);
    expect(created.statusCode).toBe(201);
    meetingId = created.json().id;
    expect(created.json()).toMatchObject({ ...MEETING, status: 'draft', attendance: [], decisions: [] });

    const recorded = await api('executive', 'PUT', `/api/v1/committee-meetings/${meetingId}/attendance`, {
      attendance: [
        { organisation: 'MCC', attended: 'member' },
        { organisation: 'wdc', attended: 'substitute' },
      ],
    });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json().attendance).toEqual([
      {
        organisation: { code: 'MCC', name: 'Mercia County Council' },
        attended: 'member',
        name: 'MCC Member',
        jobTitle: 'Chief Executive',
      },
      {
        organisation: { code: 'MFRS', name: 'Mercia Fire and Rescue Service' },
        attended: 'absent',
        name: null,
        jobTitle: null,
      },
      {
        organisation: { code: 'WDC', name: 'Wyvern District Council' },
        attended: 'substitute',
        name: 'WDC Substitute',
        jobTitle: 'Director of Resources',
      },
    ]);
  });

  it('adds decisions numbered 1, 2 … with votes, counts and the outcome', async () => {
    const url = `/api/v1/committee-meetings/${meetingId}/decisions`;
    const tie = await api('executive', 'POST', url, {
      title: 'Shared legal service',
      resolution: 'That the partners share one legal service from April 2027.',
      votes: [
        { organisation: 'MCC', vote: 'for' },
        { organisation: 'WDC', vote: 'against' },
      ],
    });
    expect(tie.statusCode).toBe(201);
    expect(tie.json()).toMatchObject({
      number: 1,
      counts: { for: 1, against: 1, abstain: 0 },
      outcome: 'not_carried',
    });
    const carried = await api('executive', 'POST', url, {
      title: 'Budget 2027-28',
      resolution: 'That the budget be approved.',
      votes: [
        { organisation: 'MCC', vote: 'for' },
        { organisation: 'WDC', vote: 'abstain' },
      ],
    });
    expect(carried.json()).toMatchObject({
      number: 2,
      counts: { for: 1, against: 0, abstain: 1 },
      outcome: 'carried',
    });
    const meeting = (await api('finance', 'GET', `/api/v1/committee-meetings/${meetingId}`)).json();
    expect(meeting.decisions.map((d: { number: number; outcome: string }) => [d.number, d.outcome])).toEqual([
      [1, 'not_carried'],
      [2, 'carried'],
    ]);
    expect(meeting.decisions[0].votes).toEqual([
      { organisation: { code: 'MCC', name: 'Mercia County Council' }, vote: 'for' },
      { organisation: { code: 'WDC', name: 'Wyvern District Council' }, vote: 'against' },
    ]);
  });

  it('refuses a vote from an organisation not present, unknown or not a member, writing nothing', async () => {
    const url = `/api/v1/committee-meetings/${meetingId}/decisions`;
    const before = await counts();
    const decision = (votes: unknown) => ({ title: 'Another', resolution: 'That…', votes });
    const absent = problem(
      await api(
        'executive',
        'POST',
        url,
        decision([
          { organisation: 'MCC', vote: 'for' },
          { organisation: 'MFRS', vote: 'for' },
        ]),
      ),
    );
    expect(absent).toMatchObject({ status: 400, code: 'ERR_VALIDATION' });
    expect(absent.fields).toEqual({
      'votes.1.organisation': 'MFRS was not recorded present at this meeting, so it cannot vote',
    });
    const unknown = problem(
      await api('executive', 'POST', url, decision([{ organisation: 'NOPE', vote: 'for' }])),
    );
    expect(unknown.fields).toEqual({ 'votes.0.organisation': 'NOPE is not a member of the joint committee' });
    const twice = problem(
      await api(
        'executive',
        'POST',
        url,
        decision([
          { organisation: 'MCC', vote: 'for' },
          { organisation: 'MCC', vote: 'against' },
        ]),
      ),
    );
    expect(Object.keys(twice.fields)).toEqual(['votes.1.organisation']);
    const badVote = problem(
      await api('executive', 'POST', url, decision([{ organisation: 'MCC', vote: 'maybe' }])),
    );
    expect(badVote.fields).toEqual({ 'votes.0.vote': 'governance.errors.vote' });
    const noTitle = problem(await api('executive', 'POST', url, { resolution: 'x', votes: [] }));
    expect(Object.keys(noTitle.fields)).toEqual(['title']);
    // An organisation that voted stays present.
    const madeAbsent = problem(
      await api('executive', 'PUT', `/api/v1/committee-meetings/${meetingId}/attendance`, {
        attendance: [
          { organisation: 'MCC', attended: 'member' },
          { organisation: 'WDC', attended: 'absent' },
        ],
      }),
    );
    expect(madeAbsent.fields).toEqual({
      'attendance.1.attended': 'WDC voted on a decision at this meeting, so it cannot be recorded absent',
    });
    const notSeated = problem(
      await api('executive', 'PUT', `/api/v1/committee-meetings/${meetingId}/attendance`, {
        attendance: [{ organisation: 'SVCT', attended: 'member' }],
      }),
    );
    expect(notSeated.fields).toEqual({
      'attendance.0.organisation': 'SVCT did not hold a seat on the committee on 10 March 2026',
    });
    expect(await counts()).toEqual(before);
  });

  it('keeps the names it recorded when the membership changes later', async () => {
    await api('executive', 'POST', '/api/v1/committee/seats', seat('MCC', '2026-02-15', ' Renamed'));
    const meeting = (await api('executive', 'GET', `/api/v1/committee-meetings/${meetingId}`)).json();
    expect(meeting.attendance[0]).toMatchObject({ attended: 'member', name: 'MCC Member' });
  });

  it('once confirmed never changes: 409 ERR_MEETING_CONFIRMED, nothing written', async () => {
    const confirmed = await api('executive', 'POST', `/api/v1/committee-meetings/${meetingId}/confirm`);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed' });
    expect(confirmed.json().confirmedAt).toEqual(expect.any(String));
    const before = await counts();
    for (const [method, path, body] of [
      ['PUT', 'attendance', { attendance: [{ organisation: 'MCC', attended: 'absent' }] }],
      ['POST', 'decisions', { title: 'Late', resolution: 'x', votes: [] }],
      ['POST', 'confirm', undefined],
    ] as const) {
      const refused = problem(
        await api('executive', method, `/api/v1/committee-meetings/${meetingId}/${path}`, body),
      );
      expect(refused, path).toMatchObject({ status: 409, code: 'ERR_MEETING_CONFIRMED' });
    }
    expect(await counts()).toEqual(before);
  });

  it('is confirmed only once attendance is recorded', async () => {
    const id = (
      await api('executive', 'POST', '/api/v1/committee-meetings', { ...MEETING, location: null })
    ).json().id;
    expect(problem(await api('executive', 'POST', `/api/v1/committee-meetings/${id}/confirm`))).toMatchObject(
      {
        status: 409,
        code: 'ERR_CONFLICT',
      },
    );
    const list = (await api('wdcManager', 'GET', '/api/v1/committee-meetings')).json();
    expect(list.data.map((m: { status: string }) => m.status).sort()).toEqual(['confirmed', 'draft']);
  });

  it('writes each change and its audit entry together', async () => {
    const actions = (
      await sql<{ action: string }>`select action from audit_events where action like 'committee.%'`.execute(
        t.db.kysely,
      )
    ).rows.map((r) => r.action);
    for (const action of [
      'committee.seat.set',
      'committee.meeting.add',
      'committee.attendance.record',
      'committee.decision.add',
      'committee.meeting.confirm',
    ])
      expect(actions, action).toContain(action);
    expect(actions.filter((a) => a === 'committee.decision.add')).toHaveLength(
      await count('committee_decisions'),
    );
  });
});

describe('the API document', () => {
  it('describes every operation, with the error codes they answer', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(Object.keys(document.paths['/api/v1/committee']!)).toEqual(['get']);
    expect(Object.keys(document.paths['/api/v1/committee-meetings/{id}/attendance']!)).toEqual(['put']);
    for (const path of [
      '/api/v1/committee/seats',
      '/api/v1/committee-meetings',
      '/api/v1/committee-meetings/{id}',
      '/api/v1/committee-meetings/{id}/decisions',
      '/api/v1/committee-meetings/{id}/confirm',
    ])
      expect(document.paths, path).toHaveProperty([path]);
  });
});

describe('who may do what', () => {
  it('lets finance officers and service managers read but not keep the records', async () => {
    for (const who of ['finance', 'serviceManager']) {
      expect((await api(who, 'GET', '/api/v1/committee-meetings')).statusCode, who).toBe(200);
      expect(problem(await api(who, 'POST', '/api/v1/committee-meetings', MEETING)), who).toMatchObject({
        status: 403,
        code: 'ERR_FORBIDDEN',
      });
      expect((await api(who, 'POST', '/api/v1/committee/seats', seat('WDC', '2030-01-01'))).statusCode).toBe(
        403,
      );
    }
  });

  it('lets a seated partner’s manager read the minutes, and change nothing', async () => {
    expect((await api('wdcManager', 'GET', '/api/v1/committee?on=2026-03-01')).json().data).toHaveLength(3);
    expect(
      (await api('wdcManager', 'GET', `/api/v1/committee-meetings/${meetingId}`)).json().decisions,
    ).toHaveLength(2);
    expect((await api('wdcManager', 'POST', '/api/v1/committee-meetings', MEETING)).statusCode).toBe(403);
    expect(
      (await api('wdcManager', 'POST', '/api/v1/committee/seats', seat('WDC', '2030-01-01'))).statusCode,
    ).toBe(403);
    expect(
      (await api('wdcManager', 'POST', `/api/v1/committee-meetings/${meetingId}/confirm`)).statusCode,
    ).toBe(404);
  });

  it('answers anyone else 403 on a list and 404 on a record, as for one that does not exist', async () => {
    expect((await api('agent', 'GET', '/api/v1/committee')).statusCode).toBe(403);
    expect((await api('agent', 'GET', '/api/v1/committee-meetings')).statusCode).toBe(403);
    expect((await api('agent', 'GET', `/api/v1/committee-meetings/${meetingId}`)).statusCode).toBe(404);
    expect(
      (await api('executive', 'GET', '/api/v1/committee-meetings/5f0c7a52-0000-4000-8000-00000000000a'))
        .statusCode,
    ).toBe(404);
    expect((await api('executive', 'GET', '/api/v1/committee-meetings/not-an-id')).statusCode).toBe(404);
  });
});
