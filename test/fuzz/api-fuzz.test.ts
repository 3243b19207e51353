/**
 * Every operation of the JSON API, from its OpenAPI document, fed hostile input: each body field
 * and path and query parameter mutated (wrong types, NUL, lone surrogates, huge, negative, year 0,
 * 30 February, unknown and missing fields) by the principal who may call it, and a few requests
 * by principals who may not. No answer may be a 5xx, and every 4xx must be the documented error
 * `{"error": {"code": "ERR_…", "message", "details"?}}`.
 *
 * Each operation needs an entry in OPERATIONS (who may call it, valid parameters and body): an
 * operation added to the API without one fails the first test, so it cannot go unfuzzed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { apiTokenFor, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import {
  calendarBody,
  FUZZ,
  makeFuzzFixtures,
  offeringBody,
  slaPolicyBody,
  type FuzzFixtures,
} from '../helpers/fuzz-fixtures.js';
import { ServerErrors } from '../helpers/server-errors.js';
import { paramKeys } from '../helpers/route-table.js';
import {
  errorShapeProblem,
  FailureLog,
  hostileStrings,
  jsonText,
  RawJson,
  type Json,
} from '../helpers/hostile-input.js';
import {
  exampleOf,
  fieldMutations,
  fieldsOf,
  randomMutations,
  wholeBodyMutations,
  TextBody,
  getPath,
  setPath,
  type BodyMutation,
  type Components,
  type JsonSchema,
  type Path,
} from '../helpers/json-mutations.js';

/**
 * Requests known to fail, by key (as printed in a failure report), each with the bug it shows.
 * Empty it as the bugs are fixed; never add to it without reporting the bug.
 */
const expectedFailures: Record<string, string> = {};

const SEED = 20260707;
/** Random multi-field mutations per operation, on top of the systematic ones. */
const RANDOM_RUNS = 12;

const PRINCIPALS = {
  admin: ['admin@mercia.example', 'MCC'],
  serviceManager: ['service.manager@mercia.example', 'MCC'],
  agent: ['agent@mercia.example', 'MCC'],
  wdcRequester: ['requester@wyvern.example', 'WDC'],
  mfrsManager: ['manager@merciafire.example', 'MFRS'],
  svct: ['requester@severnvale.example', 'SVCT'],
  finance: ['finance@mercia.example', 'MCC'],
  executive: ['executive@mercia.example', 'MCC'],
  /** A second service manager, of the fuzz's own line alone. */
  otherManager: [FUZZ.managerEmail, 'MCC'],
} as const;
type Principal = keyof typeof PRINCIPALS;

type Fixtures = FuzzFixtures;

interface Operation {
  /** Who may call it: every mutation is sent with this principal's token. */
  as: Principal;
  /** Who must be refused (4xx) even with a valid request. */
  deniedTo: Principal[];
  params?: (fx: Fixtures) => Record<string, string>;
  query?: Record<string, string>;
  /** A valid body; `n` counts the operation's requests, for codes and periods that must not repeat. */
  body?: (fx: Fixtures, n: number) => Json;
  /** Further hostile bodies this operation's content invites (CSV, for one). */
  extraBodies?: (fx: Fixtures) => BodyMutation[];
  /** Puts back what a request may have deleted (case-insensitive names match too), after each one. */
  restore?: (fx: Fixtures) => { url: string; body: Json };
  /**
   * Valid bodies that must be refused when the second service manager sends them: codes taken in
   * lines that manager cannot see (a taken code must be a 4xx, never a unique violation's 500).
   */
  taken?: (fx: Fixtures) => Array<{ label: string; body: Json }>;
  /** Made from the document alone (see `generatedOperation`): its valid request need not succeed. */
  generated?: boolean;
}

const PARTNERS: Principal[] = ['wdcRequester', 'mfrsManager', 'svct'];
const NOT_ADMIN: Principal[] = ['serviceManager', 'agent', ...PARTNERS];
const NOT_MANAGER: Principal[] = ['agent', ...PARTNERS];

/** A period of its own for the n-th request, so that valid ones never overlap. */
const year = (n: number) => String(2100 + n);

const CSV_HEADER = 'offering,organisation,unit_price,valid_from,valid_to';

const OPERATIONS: Record<string, Operation> = {
  'GET /api/v1/me': { as: 'wdcRequester', deniedTo: [] },
  'GET /api/v1/organisations': { as: 'mfrsManager', deniedTo: [] },
  'POST /api/v1/organisations': {
    as: 'admin',
    deniedTo: NOT_ADMIN,
    body: (_fx, n) => ({
      code: `FZ${n}`,
      name: `Fuzz organisation ${n}`,
      role: 'partner',
      kind: 'voluntary',
      parentId: null,
      bankHolidayDivision: 'england-and-wales',
    }),
  },
  'GET /api/v1/organisations/{id}': {
    as: 'wdcRequester',
    deniedTo: ['mfrsManager', 'svct'],
    params: (fx) => ({ id: fx.orgs.WDC!.id }),
  },
  'PATCH /api/v1/organisations/{id}': {
    as: 'admin',
    deniedTo: NOT_ADMIN,
    params: (fx) => ({ id: fx.orgId }),
    body: (_fx, n) => ({ name: `Fuzz organisation renamed ${n}`, kind: 'private' }),
  },
  'GET /api/v1/calendars': { as: 'wdcRequester', deniedTo: [] },
  'POST /api/v1/calendars': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => calendarBody(`FZ-CAL-${n}`),
    taken: () => [
      { label: "the host's calendar code", body: calendarBody('MCC-24X7') },
      { label: "a partner's calendar code", body: calendarBody('WDC-OFFICE') },
      { label: "a partner's calendar code in lower case", body: calendarBody('wdc-office') },
    ],
  },
  'GET /api/v1/calendars/{code}': {
    as: 'wdcRequester',
    deniedTo: ['mfrsManager', 'svct'],
    params: () => ({ code: 'WDC-OFFICE' }),
  },
  'PUT /api/v1/calendars/{code}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.calendar }),
    body: () => calendarBody(FUZZ.calendar),
  },
  'GET /api/v1/calendars/{code}/due': {
    as: 'wdcRequester',
    deniedTo: ['mfrsManager', 'svct'],
    params: () => ({ code: 'WDC-OFFICE' }),
    query: { from: '2026-03-27T16:00:00Z', minutes: '600' },
  },
  'GET /api/v1/calendars/{code}/working-minutes': {
    as: 'wdcRequester',
    deniedTo: ['mfrsManager', 'svct'],
    params: () => ({ code: 'WDC-OFFICE' }),
    query: { from: '2026-03-27T16:00:00Z', to: '2026-04-02T09:30:00+01:00' },
  },
  'GET /api/v1/catalogue/offerings': { as: 'mfrsManager', deniedTo: [] },
  'POST /api/v1/catalogue/offerings': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => offeringBody(`FZ-OFF-${n}`),
    taken: () =>
      ['IT-FAULT', 'LEG-ADVICE', 'it-fault'].map((code) => ({
        label: `offering code ${code} of a line not managed`,
        body: {
          ...(offeringBody(code) as Record<string, Json>),
          serviceLine: FUZZ.line,
          slaPolicy: FUZZ.lineSlaPolicy,
        },
      })),
  },
  'GET /api/v1/catalogue/offerings/{code}': {
    as: 'wdcRequester',
    deniedTo: ['svct'],
    params: () => ({ code: 'IT-NEW-STARTER' }),
  },
  'PUT /api/v1/catalogue/offerings/{code}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.offering }),
    body: () => offeringBody(FUZZ.offering),
  },
  'GET /api/v1/catalogue/offerings/{code}/standard': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: 'IT-FAULT' }),
  },
  'GET /api/v1/catalogue/offerings/{code}/variants': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: 'IT-FAULT' }),
  },
  'GET /api/v1/catalogue/offerings/{code}/variants/{organisation}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: 'IT-FAULT', organisation: 'WDC' }),
  },
  'PUT /api/v1/catalogue/offerings/{code}/variants/{organisation}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.offering, organisation: 'WDC' }),
    body: (_fx, n) => ({
      name: `Fuzz variant ${n}`,
      description: 'Wyvern flavour',
      hidden: false,
      extraFields: [{ label: 'Cost centre', type: 'text', required: false }],
      slaPolicy: 'IT-WDC',
    }),
  },
  'GET /api/v1/catalogue/divergence': { as: 'serviceManager', deniedTo: PARTNERS },
  // Partners read the standard prices and their own; the host's agents none.
  'GET /api/v1/catalogue/tariffs': { as: 'serviceManager', deniedTo: ['agent'] },
  'POST /api/v1/catalogue/tariffs': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => ({
      offering: FUZZ.offering,
      organisation: 'WDC',
      unitPrice: '12.50',
      validFrom: `${year(n)}-01-01`,
      validTo: `${year(n)}-12-31`,
    }),
  },
  'PATCH /api/v1/catalogue/tariffs/{id}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: (fx) => ({ id: fx.tariffId }),
    body: () => ({ validTo: '2095-12-31' }),
  },
  'POST /api/v1/catalogue/tariffs/import': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => ({ csv: `${CSV_HEADER}\nFZ-OFF,MFRS,7.00,${year(n)}-01-01,${year(n)}-12-31\n` }),
    extraBodies: () =>
      [
        ['year 0', 'FZ-OFF,MFRS,7.00,0000-01-01,'],
        ['30 February', 'FZ-OFF,MFRS,7.00,2026-02-30,'],
        ['NUL', 'FZ-OFF,MFRS,7.00,2026-01-01\u0000,'],
        ['lone surrogate', 'FZ-OFF\ud800,MFRS,7.00,2026-01-01,'],
        ['extra column', 'FZ-OFF,MFRS,7.00,2026-01-01,,surplus'],
        ['missing column', 'FZ-OFF,MFRS,7.00'],
        ['unbalanced quote', '"FZ-OFF,MFRS,7.00,2026-01-01,'],
        ['huge price', 'FZ-OFF,MFRS,99999999999999999999.99,2026-01-01,'],
        ['negative price', 'FZ-OFF,MFRS,-0.01,2026-01-01,'],
        ['formula', '=cmd|calc!A1,MFRS,7.00,2026-01-01,'],
        ['byte order mark', '\ufeffFZ-OFF,MFRS,7.00,2026-01-01,'],
        ['carriage returns', 'FZ-OFF,MFRS,7.00,2026-01-01,\r\n\r\n'],
      ].map(([kind, row]) => ({
        label: `body.csv: CSV row with ${kind}`,
        body: { csv: `${CSV_HEADER}\n${row}\n` },
      })),
  },
  'GET /api/v1/catalogue/sla-policies': { as: 'wdcRequester', deniedTo: [] },
  'POST /api/v1/catalogue/sla-policies': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => slaPolicyBody(`FZ-SLA-${n}`),
    taken: () =>
      ['IT-WDC', 'IT-STANDARD', 'it-wdc'].map((code) => ({
        label: `SLA policy code ${code} of a line not managed`,
        body: { ...(slaPolicyBody(code) as Record<string, Json>), serviceLine: FUZZ.line },
      })),
  },
  'GET /api/v1/catalogue/sla-policies/{code}': {
    as: 'wdcRequester',
    deniedTo: ['mfrsManager', 'svct'],
    params: () => ({ code: 'IT-WDC' }),
  },
  'PUT /api/v1/catalogue/sla-policies/{code}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.slaPolicy }),
    body: () => slaPolicyBody(FUZZ.slaPolicy),
  },
  'GET /api/v1/catalogue/service-lines': { as: 'mfrsManager', deniedTo: [] },
  'POST /api/v1/catalogue/service-lines': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => ({ code: `FZL${n}`, name: `Fuzz line ${n}`, teams: ['Alpha', 'Beta'] }),
    taken: () =>
      ['IT', 'LEGAL', 'it'].map((code) => ({
        label: `line code ${code}`,
        body: { code, name: 'Taken', teams: [] },
      })),
  },
  'GET /api/v1/catalogue/service-lines/{code}/managers': {
    as: 'serviceManager',
    deniedTo: PARTNERS,
    params: () => ({ code: FUZZ.line }),
  },
  'POST /api/v1/catalogue/service-lines/{code}/managers': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.line }),
    body: () => ({ email: FUZZ.spareEmail }),
  },
  'DELETE /api/v1/catalogue/service-lines/{code}/managers/{userId}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: (fx) => ({ code: FUZZ.line, userId: fx.spareId }),
    restore: () => ({
      url: '/api/v1/catalogue/service-lines/FZLINE/managers',
      body: { email: FUZZ.spareEmail },
    }),
  },
  'POST /api/v1/catalogue/service-lines/{code}/teams': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.line }),
    body: (_fx, n) => ({ name: `Fuzz team ${n}` }),
  },
  'DELETE /api/v1/catalogue/service-lines/{code}/teams/{name}': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    params: () => ({ code: FUZZ.line, name: FUZZ.team }),
    restore: () => ({ url: '/api/v1/catalogue/service-lines/FZLINE/teams', body: { name: FUZZ.team } }),
  },
  'POST /api/v1/usage-events': {
    as: 'serviceManager',
    deniedTo: NOT_MANAGER,
    body: (_fx, n) => ({
      events: [
        {
          key: `fuzz-${n}`,
          organisation: 'WDC',
          offering: 'IT-FAULT',
          quantity: '1.5',
          occurredAt: '2026-03-27T16:00:00Z',
          note: 'Recorded by the fuzz test',
        },
      ],
    }),
  },
  'GET /api/v1/usage-events': {
    as: 'serviceManager',
    deniedTo: [],
    query: { organisation: 'WDC', from: '2026-01-01', to: '2026-12-31', limit: '10' },
  },
  'GET /api/v1/usage-events.csv': {
    as: 'serviceManager',
    deniedTo: [],
    query: { organisation: 'WDC', from: '2026-01-01', to: '2026-12-31' },
  },
  'GET /api/v1/organisations/{id}/service-lines': {
    as: 'admin',
    deniedTo: NOT_ADMIN,
    params: (fx) => ({ id: fx.orgs.WDC!.id }),
  },
  'POST /api/v1/organisations/{id}/service-lines': {
    as: 'admin',
    deniedTo: NOT_ADMIN,
    params: (fx) => ({ id: fx.orgId }),
    body: (_fx, n) => ({ serviceLine: 'IT', validFrom: `${year(n)}-01-01`, validTo: `${year(n)}-12-31` }),
  },
  'PATCH /api/v1/organisations/{id}/service-lines/{agreementId}': {
    as: 'admin',
    deniedTo: NOT_ADMIN,
    params: (fx) => ({ id: fx.orgId, agreementId: fx.agreementId }),
    body: () => ({ validTo: '2095-12-31' }),
  },
};

/**
 * Operations with no entry in OPERATIONS are still fuzzed, from the document alone: a body made
 * from the schema, path parameters from API_PARAMS, sent by the principal named here for the
 * start of their path. Such a request reaches less deep (its body is valid in shape, not in
 * meaning), so an entry in OPERATIONS is better; an operation under a path named here by no
 * prefix, or with a parameter API_PARAMS does not know, fails the coverage test.
 */
const GENERATED_AS: Array<[string, Principal]> = [
  ['/api/v1/requests', 'wdcRequester'],
  ['/api/v1/queue', 'agent'],
  ['/api/v1/attachments', 'wdcRequester'],
  ['/api/v1/usage-events', 'serviceManager'],
  ['/api/v1/charging-arrangements', 'finance'],
  ['/api/v1/cost-pools', 'finance'],
  ['/api/v1/driver-values', 'finance'],
  ['/api/v1/journal-codes', 'finance'],
  ['/api/v1/recharge-runs', 'finance'],
  ['/api/v1/statements', 'finance'],
  ['/api/v1/teckal', 'finance'],
  // Planning is the host's: its finance officers build cases and scenarios, its executives approve.
  ['/api/v1/business-cases/{id}/approve', 'executive'],
  ['/api/v1/business-cases', 'finance'],
  ['/api/v1/savings-ledger', 'finance'],
  ['/api/v1/savings-baselines', 'finance'],
  ['/api/v1/cost-models', 'finance'],
  ['/api/v1/what-if-scenarios', 'finance'],
  ['/api/v1/report-packs', 'finance'],
  // The partnership's pipeline, each partner's agreement terms and the joint committee: the host's executives.
  ['/api/v1/partnership', 'executive'],
  ['/api/v1/organisations/{id}/agreement-versions', 'executive'],
  ['/api/v1/committee', 'executive'],
  ['/api/v1/committee-meetings', 'executive'],
];

/** Values for path parameters of generated operations, by the segment before them and their name. */
const API_PARAMS: Record<string, (fx: Fixtures) => string> = {
  'requests/:reference': (fx) => fx.requestReference ?? 'WDC-000001',
  'time-entries/:entryId': (fx) => fx.timeEntryId ?? '00000000-0000-0000-0000-000000000000',
  'recharge-runs/:id': (fx) => fx.rechargeRunId ?? '00000000-0000-0000-0000-000000000000',
  'statements/:organisation': () => 'WDC',
  'statements/:number': (fx) => fx.statementNumber ?? 'ST-000001',
  'lines/:line': () => '1',
  'attachments/:id': (fx) => fx.attachmentId ?? '00000000-0000-0000-0000-000000000000',
  'journal-codes/:serviceLine': () => 'IT',
  'controlling/:organisation': () => 'WDC',
  'charging-arrangements/:id': (fx) => fx.chargingArrangementId ?? '00000000-0000-0000-0000-000000000000',
  'business-cases/:id': (fx) => fx.businessCaseId,
  'what-if-scenarios/:id': (fx) => fx.whatIfScenarioId,
  'cost-models/:serviceLine': () => 'HR',
  'report-packs/:quarter': () => '2026-Q1',
  'prospects/:id': (fx) => fx.prospectId,
  'organisations/:id': (fx) => fx.orgId,
  'agreement-versions/:versionId': (fx) => fx.signableTermsId,
  'committee-meetings/:id': (fx) => fx.meetingId,
};

/** Values for required query parameters of generated operations, by name. */
const API_QUERY: Record<string, string> = { on: '2026-03-31', from: '2026-03-01', to: '2026-03-31' };

/** An entry for an operation made from the document, or why none can be. */
function generatedOperation(op: string): Operation | string {
  const [, path] = op.split(' ') as [string, string];
  const as = GENERATED_AS.find(
    ([prefix]) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`),
  )?.[1];
  if (!as) return `no principal in GENERATED_AS for ${path}`;
  const pattern = path.replace(/\{(\w+)\}/g, ':$1');
  const unknown = paramKeys(pattern).filter((key) => !(key in API_PARAMS));
  if (unknown.length) return `no value in API_PARAMS for ${unknown.join(', ')}`;
  const spec = operationSpec(op);
  const components = doc.components?.schemas ?? {};
  const schema = bodySchema(spec);
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const keys = paramKeys(pattern);
  const query = Object.fromEntries(
    (spec.parameters ?? [])
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => {
        const example = exampleOf(p.schema ?? { type: 'string' }, components);
        return [p.name, API_QUERY[p.name] ?? (typeof example === 'string' ? example : jsonText(example))];
      }),
  );
  return {
    as,
    deniedTo: [],
    generated: true,
    ...(names.length
      ? { params: (fx) => Object.fromEntries(names.map((name, i) => [name, API_PARAMS[keys[i]!]!(fx)])) }
      : {}),
    ...(Object.keys(query).length ? { query } : {}),
    ...(schema ? { body: () => exampleOf(schema, components) } : {}),
  };
}

/** Path parameter values as they go on the wire, each breaking a rule a parameter might rely on. */
function hostilePathValues(valid: string): Array<{ kind: string; raw: string }> {
  const encoded = encodeURIComponent(valid);
  return [
    { kind: 'NUL', raw: `${encoded}%00` },
    { kind: 'lone surrogate (WTF-8)', raw: `${encoded}%ED%A0%80` },
    { kind: 'percent-u escape', raw: `${encoded}%uD800` },
    { kind: 'invalid UTF-8', raw: `${encoded}%FF%C0%AF` },
    { kind: 'control character', raw: `${encoded}%1B` },
    { kind: 'huge', raw: 'x'.repeat(100_000) },
    { kind: 'encoded slash', raw: `${encoded}%2F..%2F` },
    { kind: 'dot dot', raw: '..' },
    { kind: 'encoded dot dot', raw: '%2e%2e' },
    {
      kind: 'lower case',
      raw: encodeURIComponent(valid.toLowerCase() === valid ? valid.toUpperCase() : valid.toLowerCase()),
    },
    { kind: 'space', raw: `%20${encoded}%20` },
    { kind: 'not a uuid', raw: 'not-a-uuid' },
    { kind: 'nil uuid', raw: '00000000-0000-0000-0000-000000000000' },
    { kind: 'uuid in capitals', raw: encodeURIComponent(valid.toUpperCase()) },
    { kind: 'negative number', raw: '-1' },
    { kind: 'huge number', raw: '99999999999999999999999' },
    { kind: 'year 0', raw: '0000-01-01' },
    { kind: '30 February', raw: '2026-02-30' },
    { kind: 'astral characters', raw: encodeURIComponent('Zoë𝔘') },
    { kind: 'a literal percent', raw: '%25' },
    { kind: 'SQL', raw: encodeURIComponent("' or 1=1; --") },
  ];
}

/** Query values: the string kinds, instants at the edges, and numbers past them. */
function hostileQueryValues(valid: string): Array<{ kind: string; raw: string }> {
  const strings = hostileStrings(valid).map(({ kind, value }) => ({
    kind,
    raw: encodeWtf8(value as string),
  }));
  const extra = [
    ['instant in year 0', '0000-01-01T00:00:00Z'],
    ['instant on 30 February', '2026-02-30T10:00:00Z'],
    ['instant past the last date', '+275760-09-14T00:00:00Z'],
    ['instant before year 0', '-000001-01-01T00:00:00Z'],
    ['instant without a zone', '2026-03-27T16:00:00'],
    ['instant in a gap of the clocks', '2026-03-29T01:30:00Europe/London'],
    ['date only', '2026-03-27'],
    ['epoch number', '1774627200000'],
    ['negative minutes', '-1'],
    ['minutes past the maximum', '525601'],
    ['huge number', '99999999999999999999999'],
    ['overflowing literal', '1e400'],
    ['fraction', '1.5'],
    ['hexadecimal', '0x10'],
  ].map(([kind, value]) => ({ kind: kind!, raw: encodeURIComponent(value!) }));
  return [...strings, ...extra];
}

/** encodeURIComponent, except that a lone surrogate goes as its (invalid) WTF-8 bytes instead of throwing. */
function encodeWtf8(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(char);
  }
  return out;
}

interface Sent {
  key: string;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  token?: string | null;
  authorization?: string;
  cookies?: Record<string, string>;
  /** What the answer must be besides "no 5xx, documented errors". */
  expect?: 'success' | 'refusal' | 'unauthenticated' | 'taken';
}

let t: TestApp;
let doc: {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Components };
};
interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
let fx: Fixtures;
const tokens = {} as Record<Principal, string>;
/** How each taken code was refused, by key: all alike, seen or not by the caller, or the answer tells which rows exist unseen. */
const takenAnswers = new Map<string, string>();
/** A signed-in browser's cookies: the API must not take them, however its path is spelt. */
let sessionCookies: Record<string, string> = {};
const log = new FailureLog(expectedFailures);
const serverErrors = new ServerErrors();

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'error' }, { logger: true, logStream: serverErrors.stream });
  const documentResponse = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(documentResponse.statusCode).toBe(200);
  doc = documentResponse.json();
  fx = await makeFuzzFixtures(t);
  for (const [name, [email, org]] of Object.entries(PRINCIPALS))
    tokens[name as Principal] = await apiTokenFor(t.db, email, org);
  const browser = new Browser(t.app);
  await browser.signIn('requester@wyvern.example');
  sessionCookies = browser.cookies;
});

afterAll(async () => {
  log.writeReport(`api-fuzz-${process.env.TANDEM_TEST_ENGINE ?? 'embedded'}`);
  const fixed = log.fixed();
  if (fixed.length)
    console.info(`api-fuzz: allow-listed failures that no longer fail:\n  ${fixed.join('\n  ')}`);
  await t?.close();
});

const apiOperations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the API fuzz', () => {
  it('finds only the API in the OpenAPI document: pages are hidden from it', () => {
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith('/api/v1/'))).toEqual([]);
  });

  it('has a valid request for every operation in the OpenAPI document, and for nothing else', () => {
    const documented = apiOperations();
    expect(documented.length).toBeGreaterThan(30);
    const missing = documented
      .filter((op) => !(op in OPERATIONS))
      .map((op) => [op, generatedOperation(op)] as const)
      .filter(([, generated]) => typeof generated === 'string')
      .map(([op, reason]) => `${op}: ${reason as string}`);
    const stale = Object.keys(OPERATIONS).filter((op) => !documented.includes(op));
    expect(
      missing,
      'operations the fuzz cannot reach: add an entry in OPERATIONS (or a prefix or parameter for generated ones)',
    ).toEqual([]);
    // An entry for an operation not (or not yet) in the document harms nothing: say so, fail on nothing.
    if (stale.length)
      console.info(`api-fuzz: entries for operations the document does not have: ${stale.join(', ')}`);
    for (const op of documented.filter((op) => op in OPERATIONS)) {
      const [, path] = op.split(' ') as [string, string];
      const spec = operationSpec(op);
      const named = Object.keys(OPERATIONS[op]!.params?.(fx) ?? {}).sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(named, `${op}: path parameters`).toEqual(inPath);
      const requiredQuery = (spec.parameters ?? [])
        .filter((p) => p.in === 'query' && p.required)
        .map((p) => p.name);
      for (const name of requiredQuery)
        expect(OPERATIONS[op]!.query, `${op}: query ${name}`).toHaveProperty(name);
      expect(Boolean(bodySchema(spec)), `${op}: a body exactly when the document takes one`).toBe(
        Boolean(OPERATIONS[op]!.body),
      );
    }
  });

  for (const op of Object.keys(OPERATIONS)) {
    it(`answers hostile requests to ${op} without a 5xx, in the documented error shape`, async (context) => {
      // An entry made ahead of its operation (or left after it) has nothing to fuzz.
      if (!apiOperations().includes(op)) context.skip();
      const restore = OPERATIONS[op]!.restore?.(fx);
      for (const request of requestsFor(op, OPERATIONS[op]!)) {
        await send(request);
        if (restore)
          await t.app.inject({
            method: 'POST',
            url: restore.url,
            headers: { authorization: `Bearer ${tokens.serviceManager}`, 'content-type': 'application/json' },
            payload: jsonText(restore.body),
          });
      }
      const taken = [...takenAnswers].filter(([key]) => key.startsWith(`${op} `));
      if (new Set(taken.map(([, answer]) => answer)).size > 1)
        log.record({
          key: `${op} as otherManager: taken codes answered alike`,
          problem: `codes taken in lines the caller sees and lines it does not are refused differently: ${taken.map(([key, answer]) => `${key.split(': ').pop()!} → ${answer}`).join('; ')}`,
          method: op.split(' ')[0]!,
          url: op.split(' ')[1]!,
        });
      log.check(`${op} `);
    }, 120_000);
  }

  it('answers hostile requests to every operation made from the document alone', async () => {
    const generated = apiOperations()
      .filter((op) => op.split(' ')[1]!.startsWith('/api/') && !(op in OPERATIONS))
      .map((op) => [op, generatedOperation(op)] as const);
    for (const [op, entry] of generated) {
      if (typeof entry === 'string') continue;
      for (const request of requestsFor(op, entry)) await send(request);
    }
    log.check((key) => generated.some(([op]) => key.startsWith(`${op} `)));
  }, 300_000);

  it('is still healthy afterwards', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });
});

function operationSpec(op: string): OpenApiOperation {
  const [method, path] = op.split(' ') as [string, string];
  return doc.paths[path]![method.toLowerCase()]!;
}

function bodySchema(spec: OpenApiOperation): JsonSchema | undefined {
  return spec.requestBody?.content?.['application/json']?.schema;
}

/** Every request the fuzz sends to one operation, the valid one first. */
function* requestsFor(op: string, entry: Operation): Generator<Sent> {
  const [method, path] = op.split(' ') as [string, string];
  const spec = operationSpec(op);
  const components = doc.components?.schemas ?? {};
  const params = entry.params?.(fx) ?? {};
  const encodedParams = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)]),
  );
  const query = entry.query ?? {};
  const urlWith = (pathValues: Record<string, string>, queryText = queryString(query)) =>
    path.replace(/\{(\w+)\}/g, (_all, name: string) => pathValues[name]!) +
    (queryText ? `?${queryText}` : '');
  const validUrl = urlWith(encodedParams);
  let n = 0;
  const validBody = () => (entry.body ? jsonText(entry.body(fx, ++n)) : undefined);
  const as = entry.as;
  const key = (what: string, who: Principal | 'anonymous' = as) => `${op} as ${who}: ${what}`;

  const valid: Sent = {
    key: key('valid request'),
    method,
    url: validUrl,
    body: validBody(),
    token: tokens[as],
    ...(entry.generated ? {} : { expect: 'success' as const }),
  };
  yield valid;

  // Body fields, the body as a whole, and what the operation's content invites.
  const schema = bodySchema(spec);
  if (schema && entry.body) {
    const example = entry.body(fx, 0);
    const fields = fieldsOf(schema, example, components);
    const mutations = [
      ...fieldMutations(fields),
      ...wholeBodyMutations(example),
      ...(entry.extraBodies?.(fx) ?? []),
      ...randomMutations(fields, example, SEED + hash(op), RANDOM_RUNS),
    ];
    for (const mutation of mutations) {
      // A fresh valid body under each mutation, so that it is the mutation that is refused, not a taken code.
      const fresh = entry.body(fx, ++n);
      const body = refresh(mutation.body, example, fresh);
      yield {
        key: key(mutation.label),
        method,
        url: validUrl,
        token: tokens[as],
        ...(isText(body) ? { body: body.text, contentType: body.contentType } : { body: jsonText(body) }),
      };
    }
  } else if (method === 'DELETE' || method === 'GET') {
    yield { key: key('body where none is due'), method, url: validUrl, body: '{"x":1}', token: tokens[as] };
  }

  // Path parameters.
  for (const name of Object.keys(params)) {
    for (const { kind, raw } of hostilePathValues(params[name]!)) {
      yield {
        key: key(`path.${name}: ${kind}`),
        method,
        url: urlWith({ ...encodedParams, [name]: raw }),
        body: validBody(),
        token: tokens[as],
      };
    }
  }

  // Query parameters: every one the document names, required or not.
  const documentedQuery = (spec.parameters ?? []).filter((p) => p.in === 'query');
  for (const parameter of documentedQuery) {
    const name = parameter.name;
    const example = exampleOf(parameter.schema ?? { type: 'string' }, components);
    const like = query[name] ?? (typeof example === 'string' ? example : jsonText(example));
    for (const { kind, raw } of hostileQueryValues(like)) {
      const text = [
        ...Object.entries(query)
          .filter(([k]) => k !== name)
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
        `${name}=${raw}`,
      ].join('&');
      yield {
        key: key(`query.${name}: ${kind}`),
        method,
        url: urlWith(encodedParams, text),
        token: tokens[as],
      };
    }
    if (name in query) {
      const without = Object.fromEntries(Object.entries(query).filter(([k]) => k !== name));
      yield {
        key: key(`query.${name}: missing`),
        method,
        url: urlWith(encodedParams, queryString(without)),
        token: tokens[as],
      };
    }
    yield {
      key: key(`query.${name}: repeated`),
      method,
      url: urlWith(
        encodedParams,
        [queryString(query), `${name}=${encodeURIComponent(like)}`, `${name}=x`].filter(Boolean).join('&'),
      ),
      token: tokens[as],
    };
  }
  yield {
    key: key('query: unknown parameter'),
    method,
    url: urlWith(encodedParams, [queryString(query), 'fuzzExtra=1'].filter(Boolean).join('&')),
    token: tokens[as],
  };

  // Principals who may not, and callers who are no one.
  for (const who of entry.deniedTo) {
    yield {
      key: key('valid request', who),
      method,
      url: validUrl,
      body: validBody(),
      token: tokens[who],
      expect: 'refusal',
    };
    yield {
      key: key('body or path with a NUL', who),
      method,
      url: Object.keys(params).length
        ? urlWith({ ...encodedParams, [Object.keys(params)[0]!]: 'x%00' })
        : validUrl,
      body: entry.body ? jsonText({ fuzz: '\u0000' }) : undefined,
      token: tokens[who],
      expect: 'refusal',
    };
  }
  for (const { label, body } of entry.taken?.(fx) ?? [])
    yield {
      key: key(`taken code: ${label}`, 'otherManager'),
      method,
      url: validUrl,
      body: jsonText(body),
      token: tokens.otherManager,
      expect: 'taken',
    };
  yield {
    key: key('a session cookie through an encoded path', 'anonymous'),
    method,
    url: validUrl.replace(/^\/api\//, '/%61pi/'),
    body: validBody(),
    token: null,
    cookies: sessionCookies,
    expect: 'unauthenticated',
  };
  for (const [what, authorization] of [
    ['no credentials', undefined],
    ['an unknown token', 'Bearer tdm_00000000000000000000000000000000'],
    ['a malformed token', 'Bearer \u00ff\u00fe'],
    ['a huge token', `Bearer tdm_${'x'.repeat(100_000)}`],
    ['basic credentials', 'Basic YWRtaW5AbWVyY2lhLmV4YW1wbGU6VGFuZGVtLURlbW8tMjAyNiE='],
  ] as const) {
    yield {
      key: key(what, 'anonymous'),
      method,
      url: validUrl,
      body: validBody(),
      token: null,
      ...(authorization ? { authorization } : {}),
      expect: 'unauthenticated',
    };
  }
}

const isText = (body: BodyMutation['body']): body is TextBody => body instanceof TextBody;

/**
 * The mutation's body with the values that the example numbers by `n` (codes, keys, periods) taken
 * from a fresh valid body wherever the mutation left them alone, so that one mutated request's
 * success cannot turn the next into a conflict over a taken code.
 */
function refresh(body: BodyMutation['body'], example: Json, fresh: Json): BodyMutation['body'] {
  if (isText(body)) return body;
  let out: Json = body;
  for (const path of leafPaths(fresh)) {
    const numbered = getPath(example, path);
    const renewed = getPath(fresh, path);
    if (numbered === renewed || typeof numbered !== 'string') continue;
    if (getPath(out, path) === numbered) out = setPath(out, path, renewed);
  }
  return out;
}

function leafPaths(value: Json, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object' || value instanceof RawJson) return [path];
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => leafPaths(item, [...path, key]));
}

const queryString = (query: Record<string, string>) =>
  Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return Math.abs(h);
}

async function send(request: Sent): Promise<void> {
  const headers: Record<string, string> = {};
  if (request.authorization) headers.authorization = request.authorization;
  else if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const failure = (problem: string, response?: LightMyRequestResponse) =>
    log.record({
      key: request.key,
      problem,
      method: request.method,
      url: request.url,
      sent: request.body,
      status: response?.statusCode,
      answer: response?.body,
      cause: serverErrors.causeOf(response?.headers['x-request-id']),
    });
  let response: LightMyRequestResponse;
  try {
    response = await t.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers,
      ...(request.cookies ? { cookies: request.cookies } : {}),
      ...(request.body !== undefined ? { payload: request.body } : {}),
    });
  } catch (error) {
    // The request could not be made at all (a header no HTTP client could send, say): not the app's fault.
    if (error instanceof TypeError && /header|character/i.test(String(error.message))) return;
    failure(`the request threw: ${String(error)}`);
    return;
  }
  log.count(request.key, response);
  const status = response.statusCode;
  if (status >= 500) failure(`server error ${status}`, response);
  else if (status >= 400) {
    const problem = errorShapeProblem(response);
    if (problem) failure(`error not in the documented shape: ${problem}`, response);
  }
  if (request.expect === 'success' && status >= 300) failure('the valid request was refused', response);
  if (request.expect === 'refusal' && status < 400) failure('a principal who may not was answered', response);
  if (request.expect === 'taken') {
    if (status < 400) failure('a taken code was accepted', response);
    const code = /"code":"(ERR_[A-Z0-9_]+)"/.exec(response.body)?.[1] ?? String(status);
    takenAnswers.set(request.key, `${status} ${code}`);
  }
  if (request.expect === 'unauthenticated' && status !== 401)
    failure('not refused as unauthenticated (401)', response);
}
