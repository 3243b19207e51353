/**
 * Every GET route of the app (pages and API, from the route table) walked by a principal of each
 * kind, with its path parameters filled by records of each organisation — the viewer's own, the
 * host's, and other partners' — and by mixtures (the viewer's own organisation with another
 * partner's agreement, say). Each partner's records carry a marker seeded at the start (names,
 * codes, prices, token names, agreement dates); no response may show a viewer a marker it may not
 * see, and to a partner another partner's record must answer exactly as a missing one does.
 *
 * A route whose parameter has no generator in PARAMS fails the first test: a new route is walked
 * the day it is added, once its parameters are known.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { apiCall, apiTokenFor, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { sampleCase } from '../../src/modules/planning/planning.test-helpers.js';
import { demoRecords, type DemoRecords } from '../helpers/demo-records.js';
import { FailureLog, snippet } from '../helpers/hostile-input.js';
import { fillPath, paramKeys, routeTable, type RouteEntry } from '../helpers/route-table.js';
import { ServerErrors } from '../helpers/server-errors.js';

/**
 * Requests known to fail, by key (as printed in a failure report), each with the bug it shows.
 * Empty it as the bugs are fixed; never add to it without reporting the bug.
 */
const expectedFailures: Record<string, string> = {};

const HOST = 'MCC';
/** Partners whose records are seeded with markers (internal directorates are partners too). */
const PARTNERS = ['WDC', 'MFRS', 'SVCT', 'BWF', 'MCC-RES'] as const;
type Org = typeof HOST | (typeof PARTNERS)[number];

/** What a marker stands for; who may see which kind of another organisation's records is in VIEWERS. */
type Kind =
  | 'organisation'
  | 'person'
  | 'token'
  | 'variant'
  | 'price'
  | 'calendar'
  | 'sla policy'
  | 'agreement'
  | 'request'
  | 'usage'
  | 'statement';
const ALL_KINDS: Kind[] = [
  'organisation',
  'person',
  'token',
  'variant',
  'price',
  'calendar',
  'sla policy',
  'agreement',
  'request',
  'usage',
  'statement',
];

const VIEWERS: Record<string, { email: string; org: Org; maySee: Kind[] }> = {
  // Platform administrators manage organisations, people and agreements (docs/roles.md) and read
  // every organisation's requests; the catalogue is the service managers', tokens their makers'.
  admin: {
    email: 'admin@mercia.example',
    org: HOST,
    maySee: ['organisation', 'person', 'agreement', 'request'],
  },
  // Service managers keep the catalogue of their lines (partners, their variants, prices, calendars,
  // policies) and read the requests, usage and statements of those lines.
  serviceManager: {
    email: 'service.manager@mercia.example',
    org: HOST,
    maySee: ['organisation', 'variant', 'price', 'calendar', 'sla policy', 'request', 'usage', 'statement'],
  },
  // Agents work every partner's requests: the requests and whose they are, nothing else of theirs.
  agent: { email: 'agent@mercia.example', org: HOST, maySee: ['organisation', 'request'] },
  wdcRequester: { email: 'requester@wyvern.example', org: 'WDC', maySee: [] },
  mfrsManager: { email: 'manager@merciafire.example', org: 'MFRS', maySee: [] },
  svct: { email: 'requester@severnvale.example', org: 'SVCT', maySee: [] },
};

/** People of each partner whose names are marked and who make a token each. */
const PEOPLE: Record<(typeof PARTNERS)[number], string> = {
  WDC: 'requester@wyvern.example',
  MFRS: 'manager@merciafire.example',
  SVCT: 'requester@severnvale.example',
  BWF: 'requester@brightwater.example',
  'MCC-RES': 'requester@mercia.example',
};

const marker = (org: string, kind: string) => `Mk-${org}-${kind.replace(' ', '')}`;
/** A price no other record has: its pence, and the pounds as a page or the API may show them. */
const pricePence = (i: number) => 7_319_531 + i * 1_010_101;
const agreementDay = (i: number) => `2031-0${i + 1}-17`;
const MONTHS = ['January', 'February', 'March', 'April', 'May'];

/**
 * Kinds of record each viewer may see that some route must show them (checked, so that the markers
 * are known to be printed where a leak would print them).
 */
const PARTNER_SHOWN: Kind[] = [
  'organisation',
  'person',
  'token',
  'variant',
  'price',
  'calendar',
  'sla policy',
  'request',
];
const SHOWN: Record<string, Kind[]> = {
  admin: ALL_KINDS,
  serviceManager: ALL_KINDS,
  agent: ALL_KINDS,
  wdcRequester: PARTNER_SHOWN,
  mfrsManager: PARTNER_SHOWN,
  svct: PARTNER_SHOWN,
};

interface Fill {
  value: string;
  /** Whose record the value names. */
  owner: Org;
}

/**
 * How to fill each path parameter, keyed by the segment before it and its name: a record of the
 * target organisation (or the host's, where records are shared), and a value naming nothing.
 */
const PARAMS: Record<string, { of: (target: Org, r: Seeded) => Fill | undefined; missing: string }> = {
  'organisations/:id': {
    of: (t, r) => ({ value: r.orgs[t]!.id, owner: t }),
    missing: '5f0c7a52-0000-4000-8000-000000000000',
  },
  'service-lines/:agreementId': {
    of: (t, r) => (t === HOST ? undefined : { value: r.agreementIds[t]!, owner: t }),
    missing: '5f0c7a52-0000-4000-8000-000000000001',
  },
  'users/:id': {
    of: (t, r) => ({
      value: r.users.find((u) => u.email === (t === HOST ? 'agent@mercia.example' : PEOPLE[t]))!.id,
      owner: t,
    }),
    missing: '5f0c7a52-0000-4000-8000-000000000002',
  },
  'calendars/:code': {
    of: (t, r) => ({
      value: t === HOST ? 'MCC-OFFICE' : r.calendars.find((c) => c.org === t)!.code,
      owner: t,
    }),
    missing: 'NO-SUCH-CALENDAR',
  },
  'sla-policies/:code': {
    of: (t, r) => ({
      value: t === HOST ? 'IT-STANDARD' : r.slaPolicies.find((p) => p.org === t)!.code,
      owner: t,
    }),
    missing: 'NO-SUCH-POLICY',
  },
  // Offerings are the host's; for a partner, one it has a variant of, so that the variant shows.
  'offerings/:code': {
    of: (t, r) => ({
      value: t === HOST ? 'IT-FAULT' : r.variants.find((v) => v.org === t)!.offering,
      owner: HOST,
    }),
    missing: 'NO-SUCH-OFFERING',
  },
  'variants/:partner': { of: (t) => ({ value: t, owner: t }), missing: 'NOSUCH' },
  'variants/:organisation': { of: (t) => ({ value: t, owner: t }), missing: 'NOSUCH' },
  // Service lines are the host's; for a partner, one it takes.
  'service-lines/:code': {
    of: (t, r) => ({ value: t === HOST ? 'IT' : r.agreements.find((a) => a.org === t)!.line, owner: HOST }),
    missing: 'NOSUCH',
  },
  'requests/:reference': {
    of: (t, r) => (t === HOST ? undefined : { value: r.requestReferences[t]!, owner: t }),
    missing: 'ZZZ-999999',
  },
  // Recharge runs are the host's; statements in them are each partner's.
  'recharge-runs/:id': {
    of: (_t, r) => (r.runId ? { value: r.runId, owner: HOST } : undefined),
    missing: '5f0c7a52-0000-4000-8000-000000000003',
  },
  // The same runs on their pages.
  'recharges/:id': {
    of: (_t, r) => (r.runId ? { value: r.runId, owner: HOST } : undefined),
    missing: '5f0c7a52-0000-4000-8000-000000000004',
  },
  'statements/:organisation': { of: (t) => ({ value: t, owner: t }), missing: 'NOSUCH' },
  'statements/:number': {
    of: (t, r) => (r.statementNumbers[t] ? { value: r.statementNumbers[t], owner: t } : undefined),
    missing: 'ZZ-NO-SUCH-1',
  },
  'lines/:line': { of: () => ({ value: '1', owner: HOST }), missing: '999999' },
  // An attachment of the target's request (the reference's), or one that does not exist.
  'attachments/:id': {
    of: (t, r) =>
      r.attachmentIds[t]
        ? { value: r.attachmentIds[t], owner: t }
        : { value: '5f0c7a52-0000-4000-8000-000000000005', owner: HOST },
    missing: '5f0c7a52-0000-4000-8000-000000000006',
  },
  'charging-arrangements/:id': {
    of: (t, r) => (r.arrangementIds[t] ? { value: r.arrangementIds[t], owner: t } : undefined),
    missing: '5f0c7a52-0000-4000-8000-000000000004',
  },
  // Planning's records are the host's alone: a business case, its options, a scenario, a cost model.
  'business-cases/:id': {
    of: (_t, r) => ({ value: r.businessCaseId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000007',
  },
  'options/:code': { of: () => ({ value: 'SHARE', owner: HOST }), missing: 'NOPE' },
  'what-if-scenarios/:id': {
    of: (_t, r) => ({ value: r.whatIfScenarioId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000008',
  },
  'what-if/:id': {
    of: (_t, r) => ({ value: r.whatIfScenarioId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000009',
  },
  'cost-models/:line': { of: () => ({ value: 'HR', owner: HOST }), missing: 'NOSUCH' },
  // The pipeline and the joint committee are the host's; each partner's agreement terms its own.
  'pipeline/:id': {
    of: (_t, r) => ({ value: r.prospectId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000011',
  },
  'prospects/:id': {
    of: (_t, r) => ({ value: r.prospectId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000012',
  },
  'terms/:versionId': {
    of: (t, r) => (t === HOST ? undefined : { value: r.termsVersionIds[t]!, owner: t }),
    missing: '5f0c7a52-0000-4000-8000-000000000013',
  },
  'agreement-versions/:versionId': {
    of: (t, r) => (t === HOST ? undefined : { value: r.termsVersionIds[t]!, owner: t }),
    missing: '5f0c7a52-0000-4000-8000-000000000014',
  },
  'meetings/:id': {
    of: (_t, r) => ({ value: r.meetingId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000015',
  },
  // A quarter's report pack: the partnership's, or one organisation's (named by its code).
  'report-packs/:quarter': { of: () => ({ value: '2026-Q1', owner: HOST }), missing: '1999-Q1' },
  'reports/:organisation': { of: (t) => ({ value: t, owner: t }), missing: 'NOSUCH' },
  'committee-meetings/:id': {
    of: (_t, r) => ({ value: r.meetingId, owner: HOST }),
    missing: '5f0c7a52-0000-4000-8000-000000000016',
  },
  // A price, to end it: the standard ones are the host's, a partner's own are the partner's.
  'tariffs/:id': {
    of: (t, r) => {
      const price = r.tariffs.find((tariff) => tariff.org === t);
      return price && { value: price.id, owner: t };
    },
    missing: '5f0c7a52-0000-4000-8000-000000000010',
  },
  // Raising a request: an offering the target can raise (the host's; for a partner, one it has a variant of).
  'new/:code': {
    of: (t, r) => ({
      value: t === HOST ? 'IT-FAULT' : r.variants.find((v) => v.org === t)!.offering,
      owner: HOST,
    }),
    missing: 'NO-SUCH-OFFERING',
  },
  'assets/*': { of: () => ({ value: 'images/favicon.ico', owner: HOST }), missing: 'images/no-such.ico' },
  'moj/*': { of: () => ({ value: 'moj-frontend.min.css', owner: HOST }), missing: 'no-such.css' },
  'requests/*': { of: () => ({ value: 'requests.css', owner: HOST }), missing: 'no-such.css' },
  'govuk/*': { of: () => ({ value: 'govuk-frontend.min.css', owner: HOST }), missing: 'no-such.css' },
  'app/*': { of: () => ({ value: 'app.css', owner: HOST }), missing: 'no-such.css' },
};

/** Query parameters some routes require, by name. */
const QUERY: Record<string, string> = {
  from: '2026-03-27T16:00:00Z',
  to: '2026-04-02T09:30:00Z',
  minutes: '600',
  on: '2026-03-31',
};

interface Seeded extends DemoRecords {
  agreementIds: Record<string, string>;
  requestReferences: Record<string, string>;
  statementNumbers: Record<string, string>;
  arrangementIds: Record<string, string>;
  attachmentIds: Record<string, string>;
  runId: string | undefined;
  businessCaseId: string;
  whatIfScenarioId: string;
  prospectId: string;
  termsVersionIds: Record<string, string>;
  meetingId: string;
}

let t: TestApp;
let seeded: Seeded;
let routes: RouteEntry[];
let requiredQuery: Record<string, string[]> = {};
const log = new FailureLog(expectedFailures);
const serverErrors = new ServerErrors();
const tokens: Record<string, string> = {};
const browsers: Record<string, Browser> = {};
/** Per partner, what gives its records away: [kind, pattern]. */
let patterns: Record<string, Array<[Kind, RegExp]>> = {};

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'error' }, { logger: true, logStream: serverErrors.stream });
  routes = routeTable(t.app);
  const document = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean }> }>
    >;
  }>();
  requiredQuery = Object.fromEntries(
    Object.entries(document.paths).map(([path, methods]) => [
      path.replace(/\{(\w+)\}/g, ':$1'),
      (methods.get?.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name),
    ]),
  );
  seeded = await seedMarkers();
  for (const [name, viewer] of Object.entries(VIEWERS)) {
    tokens[name] = await apiTokenFor(t.db, viewer.email, viewer.org);
    browsers[name] = new Browser(t.app);
    await browsers[name].signIn(viewer.email);
  }
  // Every partner's tokens (the viewers' included) carry the partner's marker.
  for (const org of PARTNERS) await apiTokenFor(t.db, PEOPLE[org], org);
  await sql`update api_tokens set name = 'Mk-' || o.code || '-token' from organisations o
    where o.id = api_tokens.org_id and o.role = 'partner'`.execute(t.db.kysely);
});

afterAll(async () => {
  log.writeReport(`route-walk-${process.env.TANDEM_TEST_ENGINE ?? 'embedded'}`);
  const fixed = log.fixed();
  if (fixed.length)
    console.info(`route-walk: allow-listed failures that no longer fail:\n  ${fixed.join('\n  ')}`);
  await t?.close();
});

/** Marks each partner's records, as the owner of the tables, and adds the kinds a partner lacks. */
async function seedMarkers(): Promise<Seeded> {
  const db = t.db.kysely;
  const before = await demoRecords(t.db);
  await sql`insert into service_lines (org_id, code, name)
    select id, 'MKLINE', 'Marked line' from organisations where code = ${HOST}`.execute(db);
  const agreementIds: Record<string, string> = {};
  for (const [i, org] of PARTNERS.entries()) {
    const mark = (kind: string) => marker(org, kind);
    await sql`update organisations set name = name || ' ' || ${mark('organisation')} where code = ${org}`.execute(
      db,
    );
    await sql`update users set name = name || ' ' || ${mark('person')} where email = ${PEOPLE[org]}`.execute(
      db,
    );

    // A variant of an offering of a line the partner takes, if it has none.
    if (!before.variants.some((v) => v.org === org)) {
      const lines = before.agreements.filter((a) => a.org === org).map((a) => a.line);
      const offering = before.offerings.find((o) => lines.includes(o.line))!;
      await sql`insert into offering_variants (org_id, host_org_id, service_line_id, offering_id)
        select p.id, h.id, f.service_line_id, f.id from organisations p, organisations h, offerings f
        where p.code = ${org} and h.code = ${HOST} and f.code = ${offering.code}`.execute(db);
    }
    await sql`update offering_variants set name = ${mark('variant')} || coalesce(' ' || name, ''),
        description = ${mark('variant')} || ' description'
      where org_id = (select id from organisations where code = ${org})`.execute(db);

    // A price of its own, at a figure no other record has.
    const own = before.tariffs.find((tariff) => tariff.org === org);
    if (own)
      await sql`update tariffs set unit_price_pence = ${pricePence(i)} where id = ${own.id}`.execute(db);
    else {
      const variant = (await demoRecords(t.db)).variants.find((v) => v.org === org)!;
      await sql`insert into tariffs (org_id, host_org_id, service_line_id, offering_id, unit_price_pence, valid_from)
        select p.id, h.id, f.service_line_id, f.id, ${pricePence(i)}, '2025-04-01'
        from organisations p, organisations h, offerings f
        where p.code = ${org} and h.code = ${HOST} and f.code = ${variant.offering}`.execute(db);
    }

    // A calendar and an SLA policy of its own.
    if (!before.calendars.some((c) => c.org === org))
      await sql`insert into calendars (org_id, host_org_id, code, name, time_zone, hours)
        select p.id, h.id, ${`${org}-MKCAL`}, 'x', 'Europe/London', '{"monday": [["09:00", "17:00"]]}'
        from organisations p, organisations h where p.code = ${org} and h.code = ${HOST}`.execute(db);
    await sql`update calendars set name = ${mark('calendar')}
      where org_id = (select id from organisations where code = ${org})`.execute(db);
    if (!before.slaPolicies.some((p) => p.org === org)) {
      const line = before.agreements.find((a) => a.org === org)!.line;
      await sql`insert into sla_policies (org_id, host_org_id, service_line_id, code, name, calendar_id, warning_percent, pause_states, targets)
        select p.id, h.id, l.id, ${`${org}-MKSLA`}, 'x', c.id, s.warning_percent, s.pause_states, s.targets
        from organisations p, organisations h, service_lines l, calendars c, sla_policies s
        where p.code = ${org} and h.code = ${HOST} and l.code = ${line} and c.code = ${`${org}-MKCAL`}
          and s.code = 'IT-STANDARD'`.execute(db);
    }
    await sql`update sla_policies set name = ${mark('sla policy')}
      where org_id = (select id from organisations where code = ${org})`.execute(db);

    // An agreement on a day of its own.
    const agreement = await sql<{
      id: string;
    }>`insert into service_agreements (org_id, host_org_id, service_line_id, valid_from)
      select p.id, h.id, l.id, ${agreementDay(i)}::date from organisations p, organisations h, service_lines l
      where p.code = ${org} and h.code = ${HOST} and l.code = 'MKLINE' returning id`.execute(db);
    agreementIds[org] = agreement.rows[0]!.id;

    // Its requests' subjects, and a usage event of its own with a note.
    await sql`update requests set subject = left(subject, 150) || ' ' || ${mark('request')}
      where org_id = (select id from organisations where code = ${org})`.execute(db);
    const variant = (await demoRecords(t.db)).variants.find((v) => v.org === org)!;
    await sql`insert into usage_events (org_id, host_org_id, service_line_id, offering_id, quantity,
        occurred_at, occurred_on, priced_on, source, key, note)
      select p.id, h.id, f.service_line_id, f.id, 1000, '2026-03-02T10:00:00Z', '2026-03-02', '2026-03-02',
        'api', ${`walk-${org}`}, ${mark('usage')}
      from organisations p, organisations h, offerings f
      where p.code = ${org} and h.code = ${HOST} and f.code = ${variant.offering}`.execute(db);
  }
  const firstOf = async (query: ReturnType<typeof sql<{ org: string; value: string }>>) =>
    Object.fromEntries(
      (await query.execute(db)).rows.reverse().map((row) => [row.org, row.value] as const),
    ) as Record<string, string>;
  const requestReferences = await firstOf(sql<{ org: string; value: string }>`select o.code as org,
    r.reference as value from requests r join organisations o on o.id = r.org_id order by r.reference`);
  const statementNumbers = await firstOf(sql<{ org: string; value: string }>`select org_code as org,
    number as value from recharge_statements where number is not null order by number`);
  const arrangementIds = await firstOf(sql<{ org: string; value: string }>`select o.code as org,
    a.id::text as value from charging_arrangements a join organisations o on o.id = a.org_id order by a.valid_from`);
  // Attachments of the request each partner's reference names (none yet where the table is not there).
  const attachmentIds = await firstOf(sql<{
    org: string;
    value: string;
  }>`select o.code as org, a.id::text as value
    from request_attachments a join requests r on r.id = a.request_id join organisations o on o.id = r.org_id
    where r.reference in (select min(reference) from requests group by org_id) order by a.uploaded_at`).catch(
    () => ({}),
  );
  const runId = (
    await sql<{ id: string }>`select id from recharge_runs order by created_at limit 1`.execute(db)
  ).rows[0]?.id;
  // A business case and a what-if scenario of the host's, made as its finance officer would.
  const finance = await apiTokenFor(t.db, 'finance@mercia.example', HOST);
  const businessCaseId = (
    await apiCall(t.app, finance, 'POST', '/api/v1/business-cases', sampleCase())
  ).json<{
    id: string;
  }>().id;
  await apiCall(t.app, finance, 'PUT', '/api/v1/cost-models/HR', {
    unit: 'payslips',
    fixedCost: '100000.00',
    variableCost: '0.50',
  });
  const whatIfScenarioId = (
    await apiCall(t.app, finance, 'POST', '/api/v1/what-if-scenarios', {
      serviceLine: 'HR',
      prospect: 'Walk District Council',
      prospectVolume: 5000,
    })
  ).json<{ id: string }>().id;
  // A pipeline entry, and a meeting of the joint committee (no seats: no partner's name on it).
  const prospectId = (
    await sql<{ id: string }>`select id::text as id from partnership_prospects order by name limit 1`.execute(
      db,
    )
  ).rows[0]!.id;
  const executive = await apiTokenFor(t.db, 'executive@mercia.example', HOST);
  const meetingId = (
    await apiCall(t.app, executive, 'POST', '/api/v1/committee-meetings', {
      heldOn: '2026-03-10',
      title: 'Walk meeting',
    })
  ).json<{ id: string }>().id;
  // A draft version of each partner's terms, its notes marked as the partner's agreement.
  const termsVersionIds: Record<string, string> = {};
  for (const [i, org] of PARTNERS.entries()) {
    const mark = marker(org, 'agreement');
    const drafted = await sql<{ id: string }>`update agreement_versions set notes = ${mark}
      where status = 'draft' and org_id = (select id from organisations where code = ${org})
      returning id::text as id`.execute(db);
    termsVersionIds[org] =
      drafted.rows[0]?.id ??
      (
        await sql<{
          id: string;
        }>`insert into agreement_versions (org_id, host_org_id, version, effective_from,
            review_on, notice_months, exit_cost_sharing, data_sharing_role, notes)
          select p.id, h.id, coalesce((select max(v.version) from agreement_versions v where v.org_id = p.id), 0) + 1,
                 ${agreementDay(i)}::date, '2040-01-01', 12, 'Shared', 'controller', ${mark}
            from organisations p, organisations h where p.code = ${org} and h.code = ${HOST}
          returning id::text as id`.execute(db)
      ).rows[0]!.id;
  }
  const records = await demoRecords(t.db);
  patterns = Object.fromEntries(
    PARTNERS.map((org, i) => {
      const pounds = (pricePence(i) / 100).toFixed(2);
      const grouped = Number(pounds).toLocaleString('en-GB', { minimumFractionDigits: 2 });
      const day = agreementDay(i);
      const found: Array<[Kind, RegExp]> = [
        ['organisation', new RegExp(`(?<![\\w-])${org}(?![\\w-])`)],
        ['organisation', new RegExp(escape(before.orgs[org]!.name))],
        ...ALL_KINDS.map((kind): [Kind, RegExp] => [kind, new RegExp(escape(marker(org, kind)))]),
        ['price', new RegExp(`${pricePence(i)}|${escape(pounds)}|${escape(grouped)}`)],
        ['agreement', new RegExp(`${day}|17 ${MONTHS[i]} 2031`)],
        [
          'calendar',
          new RegExp(
            records.calendars
              .filter((c) => c.org === org)
              .map((c) => escape(c.code))
              .join('|'),
          ),
        ],
        [
          'sla policy',
          new RegExp(
            records.slaPolicies
              .filter((p) => p.org === org)
              .map((p) => escape(p.code))
              .join('|'),
          ),
        ],
        // A request's reference is its organisation's code and a number: WDC-000123.
        ['request', new RegExp(`(?<![\\w-])${escape(org)}-\\d{6}(?!\\d)`)],
      ];
      const number = statementNumbers[org];
      if (number) found.push(['statement', new RegExp(escape(number))]);
      return [org, found];
    }),
  );
  return {
    ...records,
    agreementIds,
    requestReferences,
    statementNumbers,
    arrangementIds,
    attachmentIds,
    runId,
    businessCaseId,
    whatIfScenarioId,
    prospectId,
    termsVersionIds,
    meetingId,
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The URLs to walk for a route as a viewer: each organisation's records, and mixtures with the viewer's own. */
function urlsFor(route: RouteEntry, own: Org): Array<{ url: string; fills: Fill[]; missingUrl?: string }> {
  const keys = paramKeys(route.url);
  const targets: Org[] = [HOST, ...PARTNERS];
  const query = (requiredQuery[route.url] ?? [])
    .map((name) => `${name}=${encodeURIComponent(QUERY[name]!)}`)
    .join('&');
  const withQuery = (url: string) => (query ? `${url}?${query}` : url);
  const found = new Map<string, { url: string; fills: Fill[]; missingUrl?: string }>();
  const add = (chosen: Fill[]) => {
    const values = Object.fromEntries(keys.map((key, i) => [key, chosen[i]!.value]));
    const url = withQuery(fillPath(route.url, values));
    const foreign = chosen.some((fill) => fill.owner !== own && fill.owner !== HOST);
    const missing = Object.fromEntries(
      keys.map((key, i) => [
        key,
        chosen[i]!.owner !== own && chosen[i]!.owner !== HOST ? PARAMS[key]!.missing : chosen[i]!.value,
      ]),
    );
    found.set(url, {
      url,
      fills: chosen,
      ...(foreign ? { missingUrl: withQuery(fillPath(route.url, missing)) } : {}),
    });
  };
  const fillFor = (key: string, target: Org) =>
    PARAMS[key]!.of(target, seeded) ?? PARAMS[key]!.of(HOST, seeded);
  if (!keys.length) return [{ url: withQuery(route.url), fills: [] }];
  for (const target of targets) {
    const chosen = keys.map((key) => fillFor(key, target));
    if (chosen.every(Boolean)) add(chosen as Fill[]);
  }
  // The viewer's own records but one parameter another's: an agreement of theirs under one's own organisation.
  for (const [i] of keys.entries()) {
    for (const target of targets) {
      const chosen = keys.map((key, j) => fillFor(key, j === i ? target : own));
      if (chosen.every(Boolean)) add(chosen as Fill[]);
    }
  }
  return [...found.values()];
}

async function fetchAs(viewer: string, url: string): Promise<LightMyRequestResponse> {
  if (url.startsWith('/api/'))
    return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[viewer]}` } });
  return browsers[viewer]!.get(url);
}

/** Routes that answer documentation, the same for everyone, whose examples may name a demo partner. */
const DOCUMENTATION = ['/api/v1/openapi.json'];

/** What of a page is random on every response, and so may spell anything. */
const scrub = (body: string) =>
  body
    .replace(/name="_csrf" value="[^"]*"/g, '')
    .replace(/nonce="[^"]*"/g, '')
    .replace(/integrity="[^"]*"/g, '');

describe('the isolation walk', () => {
  it('knows how to fill every parameter of every GET route', () => {
    const gets = routes.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(40);
    const unknown = [...new Set(gets.flatMap((r) => paramKeys(r.url)).filter((key) => !(key in PARAMS)))];
    expect(unknown, 'path parameters with no generator in PARAMS: add one').toEqual([]);
    const queries = [...new Set(Object.values(requiredQuery).flat())].filter((name) => !(name in QUERY));
    expect(queries, 'required query parameters with no value in QUERY: add one').toEqual([]);
  });

  for (const [name, viewer] of Object.entries(VIEWERS)) {
    it(`shows ${name} (${viewer.email}) nothing of another partner's on any GET route`, async () => {
      const forbidden = PARTNERS.filter((org) => org !== viewer.org).flatMap((org) =>
        patterns[org]!.filter(([kind]) => !viewer.maySee.includes(kind)).map(([kind, pattern]) => ({
          org,
          kind,
          pattern,
        })),
      );
      // Kinds the viewer may see (its own records, or others' it is entitled to): each must show up
      // somewhere, or the walk proves nothing (a marker no page prints can never leak).
      const visible = (viewer.org === HOST ? PARTNERS : [viewer.org]).flatMap((org) =>
        patterns[org]!.filter(([kind]) => viewer.org !== HOST || viewer.maySee.includes(kind)).map(
          ([kind, pattern]) => ({
            kind,
            pattern,
          }),
        ),
      );
      const seen = new Set<Kind>();
      const missingStatus = new Map<string, number>();
      // A route with a parameter no generator fills fails the first test; the others are walked still.
      const walkable = routes.filter(
        (r) => r.method === 'GET' && paramKeys(r.url).every((key) => key in PARAMS),
      );
      for (const route of walkable) {
        for (const { url, fills, missingUrl } of urlsFor(route, viewer.org)) {
          const whose = fills.map((f) => f.owner).join(',') || 'none';
          const key = `GET ${route.url} as ${name} with records of ${whose}`;
          const response = await fetchAs(name, url);
          const record = (problem: string) =>
            log.record({
              key,
              problem,
              method: 'GET',
              url,
              status: response.statusCode,
              answer: response.body,
              cause: serverErrors.causeOf(response.headers['x-request-id']),
            });
          if (response.statusCode >= 500) record(`server error ${response.statusCode}`);
          const scanned = /text\/html|application\/json|text\/csv/.test(
            String(response.headers['content-type'] ?? ''),
          );
          if (scanned && !DOCUMENTATION.includes(route.url)) {
            const body = scrub(response.body);
            for (const { kind, pattern } of visible) if (pattern.test(body)) seen.add(kind);
            for (const { org, kind, pattern } of forbidden) {
              const match = pattern.exec(body);
              if (match)
                record(
                  `shows ${org}'s ${kind}: …${snippet(body.slice(Math.max(0, match.index - 80), match.index + match[0].length + 40), 200)}…`,
                );
            }
          }
          // To a partner, another partner's record answers exactly as a missing one: ids cannot be probed.
          if (missingUrl && viewer.maySee.length === 0 && viewer.org !== HOST) {
            if (!missingStatus.has(missingUrl))
              missingStatus.set(missingUrl, (await fetchAs(name, missingUrl)).statusCode);
            const missing = missingStatus.get(missingUrl)!;
            if (missing !== response.statusCode)
              record(
                `answers ${response.statusCode} where a missing record answers ${missing} (${missingUrl})`,
              );
          }
        }
      }
      const unseen = [...new Set(visible.map((v) => v.kind))].filter(
        (kind) => SHOWN[name]!.includes(kind) && !seen.has(kind),
      );
      expect(
        unseen,
        `kinds of record ${name} may see that no page or answer showed (so could not leak)`,
      ).toEqual([]);
      log.check((key) => key.includes(` as ${name} with `));
    }, 120_000);
  }
});
