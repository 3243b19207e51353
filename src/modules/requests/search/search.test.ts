import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope } from '../../../platform/db/index.js';
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
import type { Visibility } from '../requests.policy.js';
import { listSearchPage, queueSearchPage, type Reach } from './searched-page.js';

let t: TestApp;
let tokens: Tokens;
// Words no other test uses, so that a search finds only what this test raised.
const word = (name: string) => `${name}${crypto.randomBytes(3).toString('hex')}`;
const [shared, theirs, answered, replied, internal, partnerReplied] = [
  'quokka',
  'platypus',
  'wombat',
  'kookaburra',
  'dingo',
  'echidna',
].map(word) as [string, string, string, string, string, string];

let wdc: Body;
let mfrs: Body;
/** The demo's ids by organisation code and e-mail address. */
let ids: Awaited<ReturnType<typeof demoIds>>;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
  ids = await demoIds(t.db);
  clockAt('2026-03-23T09:00:00Z');
  wdc = expectStatus(
    await as(t, tokens.wdcRequester).post('/requests', {
      ...FAULT,
      subject: `The ${shared} printer`,
      answers: { ...FAULT.answers, what_happened: `A ${answered} chewed the cable` },
    }),
    201,
  );
  mfrs = expectStatus(
    await as(t, tokens.mfrsRequester).post('/requests', {
      ...FAULT,
      subject: `The ${shared} ${theirs} scanner`,
    }),
    201,
  );
  expectStatus(
    await as(t, tokens.agent).post(`/requests/${wdc.reference}/comments`, {
      body: `A ${replied} engineer is coming`,
    }),
    201,
  );
  expectStatus(
    await as(t, tokens.agent).post(`/requests/${wdc.reference}/notes`, { body: `The ${internal} again` }),
    201,
  );
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

const found = async (who: keyof Tokens, q: string, path = '/requests') =>
  expectStatus(await as(t, tokens[who]).get(`${path}?q=${encodeURIComponent(q)}`), 200).data.map(
    (item: Body) => item.reference,
  );

describe('searching requests', () => {
  it('finds words of the subject, the answers and public replies, not internal notes', async () => {
    expect(await found('wdcRequester', shared)).toEqual([wdc.reference]);
    expect(await found('wdcRequester', answered)).toEqual([wdc.reference]);
    expect(await found('wdcRequester', replied)).toEqual([wdc.reference]);
    expect(await found('agent', internal)).toEqual([]);
    expect(await found('agent', `${shared} -${theirs}`)).toEqual([wdc.reference]);
    expect(await found('agent', `"${shared} ${theirs}"`)).toEqual([mfrs.reference]);
  });

  it('finds references by their start', async () => {
    expect(await found('wdcRequester', wdc.reference.toLowerCase())).toEqual([wdc.reference]);
    expect(await found('wdcRequester', wdc.reference.slice(0, -1))).toContain(wdc.reference);
    expect(await found('wdcRequester', '%')).toEqual([]);
  });

  it('never finds another partner’s requests, by their words or their reference', async () => {
    for (const who of ['wdcRequester', 'wdcManager'] as const) {
      expect(await found(who, theirs)).toEqual([]);
      expect(await found(who, mfrs.reference)).toEqual([]);
      expect(await found(who, shared)).toEqual([wdc.reference]);
    }
    for (const who of ['mfrsRequester', 'mfrsManager'] as const) {
      expect(await found(who, answered)).toEqual([]);
      expect(await found(who, replied)).toEqual([]);
      expect(await found(who, wdc.reference)).toEqual([]);
      expect(await found(who, shared)).toEqual([mfrs.reference]);
    }
    // Nor does a requester of the host's own directorates.
    expect(await found('chsRequester', shared)).toEqual([]);
  });

  it('searches the service centre’s list and queue across the partners it serves', async () => {
    expect((await found('agent', shared)).sort()).toEqual([wdc.reference, mfrs.reference].sort());
    expect((await found('agent', shared, '/queue')).sort()).toEqual([wdc.reference, mfrs.reference].sort());
  });

  it('searches the queue by the words of answers and replies, the partner’s included, and references', async () => {
    expect(await found('agent', answered, '/queue')).toEqual([wdc.reference]);
    expect(await found('agent', replied, '/queue')).toEqual([wdc.reference]);
    expect(await found('agent', internal, '/queue')).toEqual([]);
    // The partner's reply adds words to a queue row only the host may write: copied by the database.
    expect(await found('agent', partnerReplied, '/queue')).toEqual([]);
    expectStatus(
      await as(t, tokens.mfrsRequester).post(`/requests/${mfrs.reference}/comments`, {
        body: `The ${partnerReplied} manual says to restart it`,
      }),
      201,
    );
    expect(await found('agent', partnerReplied, '/queue')).toEqual([mfrs.reference]);
    expect(await found('agent', mfrs.reference, '/queue')).toEqual([mfrs.reference]);
  });
});

describe.each([
  ['a glance along the index fills the page', 'glance', { hits: 1 }],
  ['the whole walk, after the look-up', 'walk', { hits: 1, glance: 1 }],
] as const)('a search for words too common to sort: %s', (_title, way, reach: Reach) => {
  // With a look-up of at most one match, any word found once counts as common, and the page is
  // made by walking the list's or the queue's index, which must find what the look-up would. A
  // page as long as the matches is filled by the glance; a glance of one entry cannot fill a page
  // of ten, and the walk goes on after the look-up.
  const limitFor = (expected: string[]) => (way === 'glance' ? Math.max(1, expected.length) : 10);
  const expectListed = async (
    who: { email: string; org: string },
    visibility: (ids: { user: string; org: string; host: string }) => Visibility,
    text: string,
    expected: string[],
    { atMost = false } = {},
  ) => {
    const user = ids.users[who.email]!;
    const org = ids.orgs[who.org]!;
    const v = visibility({ user, org, host: ids.orgs.MCC! });
    const page = listSearchPage(text, v, {}, limitFor(expected), reach);
    const found = await inScope(t.db, { userId: user, orgIds: [org] }, async (tx) => {
      const { rows } = await sql<{ reference: string }>`
        select r.reference from (${page}) p join requests r on r.id = p.id order by r.reference`.execute(tx);
      return rows.map((row) => row.reference);
    });
    if (atMost) expect(found.filter((reference) => !expected.includes(reference))).toEqual([]);
    else expect(found).toEqual([...expected].sort());
  };
  const agent = { email: 'agent@mercia.example', org: 'MCC' };
  const host = ({ host }: { host: string }): Visibility => ({ kind: 'host', hostOrgId: host });

  it('finds every match the caller may see, by words or by the start of a reference', async () => {
    await expectListed(agent, host, shared, [wdc.reference, mfrs.reference]);
    await expectListed(agent, host, `${shared} -${theirs}`, [wdc.reference]);
    await expectListed(agent, host, wdc.reference, [wdc.reference]);
    await expectListed(agent, host, internal, []);
  });

  it('keeps a partner to its own requests, and a requester to theirs', async () => {
    const manager = { email: 'manager@wyvern.example', org: 'WDC' };
    const organisation = ({ org }: { org: string }): Visibility => ({ kind: 'organisation', orgId: org });
    await expectListed(manager, organisation, shared, [wdc.reference]);
    await expectListed(manager, organisation, mfrs.reference, []);
    const requester = { email: 'requester@merciafire.example', org: 'MFRS' };
    const own = ({ org, user }: { org: string; user: string }): Visibility => ({
      kind: 'own',
      orgId: org,
      userId: user,
    });
    await expectListed(requester, own, shared, [mfrs.reference]);
    await expectListed(requester, own, answered, []);
    // Even were the caller to ask for the host's whole list, it would find no more than its own
    // (row level security keeps the look-up to them; the walk finds nothing of a host not in scope).
    await expectListed(requester, host, shared, [mfrs.reference], { atMost: true });
  });

  it('walks the queue in due order the same way', async () => {
    const expectQueued = async (text: string, expected: string[]) => {
      const conditions = [sql`w.org_id = ${ids.orgs.MCC!}`, sql`w.active`];
      const page = queueSearchPage(text, ids.orgs.MCC!, conditions, limitFor(expected), reach);
      const scope = { userId: ids.users['agent@mercia.example']!, orgIds: [ids.orgs.MCC!] };
      const found = await inScope(t.db, scope, async (tx) => {
        const { rows } = await sql<{ reference: string }>`
          select r.reference from (${page}) p join requests r on r.id = p.request_id
           order by r.reference`.execute(tx);
        return rows.map((row) => row.reference);
      });
      expect(found).toEqual([...expected].sort());
    };
    await expectQueued(shared, [wdc.reference, mfrs.reference]);
    await expectQueued(mfrs.reference, [mfrs.reference]);
    await expectQueued(internal, []);
  });
});

describe('the list walk (request_list_walk)', () => {
  const walk = async (
    who: { email: string; org: string },
    args: { host?: string; org?: string; user?: string; status?: string; after?: { at: string; id: string } },
    text: string,
  ) => {
    const scope = { userId: ids.users[who.email]!, orgIds: [ids.orgs[who.org]!] };
    return inScope(t.db, scope, async (tx) => {
      const { rows } = await sql<{ reference: string; submitted_at: Date; id: string }>`
        select r.reference, f.submitted_at, f.id
          from request_list_walk(${text}, ${args.host ?? null}::uuid, ${args.org ?? null}::uuid,
                                 ${args.user ?? null}::uuid, ${args.status ?? null}::text,
                                 ${args.after?.at ?? null}::timestamptz, ${args.after?.id ?? null}::uuid,
                                 null, null, 10) with ordinality f(id, submitted_at, n)
          join requests r on r.id = f.id order by f.n`.execute(tx);
      return rows;
    });
  };

  it('walks only what the caller’s own scope shows, whatever it asks for', async () => {
    const requester = { email: 'requester@merciafire.example', org: 'MFRS' };
    expect(await walk(requester, { host: ids.orgs.MCC! }, shared)).toEqual([]);
    expect(await walk(requester, { org: ids.orgs.WDC! }, shared)).toEqual([]);
    expect((await walk(requester, { org: ids.orgs.MFRS! }, shared)).map((r) => r.reference)).toEqual([
      mfrs.reference,
    ]);
    const user = ids.users['requester@merciafire.example']!;
    expect(
      await walk(requester, { org: ids.orgs.MFRS!, user: ids.users['manager@merciafire.example']! }, shared),
    ).toEqual([]);
    expect((await walk(requester, { org: ids.orgs.MFRS!, user }, shared)).map((r) => r.reference)).toEqual([
      mfrs.reference,
    ]);
    // Both a host and an organisation, or a requester without one: nothing.
    expect(await walk(requester, { host: ids.orgs.MFRS!, org: ids.orgs.MFRS! }, shared)).toEqual([]);
  });

  it('goes on after a cursor, newest first, and keeps to a status', async () => {
    const agent = { email: 'agent@mercia.example', org: 'MCC' };
    const all = await walk(agent, { host: ids.orgs.MCC! }, shared);
    // Raised at the same instant (the clock is fixed), so newest first is by id, descending.
    const [first, second] = [wdc, mfrs].sort((a, b) => (a.id < b.id ? 1 : -1)) as [Body, Body];
    expect(typeof first.id).toBe('string');
    expect(all.map((r) => r.reference)).toEqual([first.reference, second.reference]);
    const after = { at: all[0]!.submitted_at.toISOString(), id: all[0]!.id };
    expect((await walk(agent, { host: ids.orgs.MCC!, after }, shared)).map((r) => r.reference)).toEqual([
      second.reference,
    ]);
    expect(await walk(agent, { host: ids.orgs.MCC!, status: 'closed' }, shared)).toEqual([]);
    expect((await walk(agent, { host: ids.orgs.MCC!, status: mfrs.status }, shared)).length).toBeGreaterThan(
      0,
    );
  });
});
