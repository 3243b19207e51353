/**
 * Every page form, from the app's route table: each route that takes a POST outside the API is
 * submitted by a person who may use it, with the fields of the form on its page mutated (NUL,
 * control characters, huge, year 0, 30 February, missing, repeated, unknown fields, JSON bodies of
 * the wrong types), and its path parameters mutated. No answer may be a 5xx; no page, whatever
 * its status, may show the inside of the server (a stack trace, a source path, a database
 * error); a redirect may only go to a path on this site.
 *
 * Each form needs an entry in FORMS (who uses it, on which page): a form route added without one
 * fails the first test. Path parameters of every page route (GET ones too) are mutated as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { apiTokenFor, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { DEMO_PASSWORD } from '../../src/demo.js';
import { sampleCase } from '../../src/modules/planning/planning.test-helpers.js';
import { HOST_ONLY_ROLES } from '../../src/platform/auth/index.js';
import { FUZZ, makeFuzzFixtures, type FuzzFixtures } from '../helpers/fuzz-fixtures.js';
import { formsOf } from '../helpers/html-forms.js';
import { FailureLog, hostileStrings, jsonText, stackTraceIn, type Json } from '../helpers/hostile-input.js';
import { fillPath, paramKeys, routeTable, type RouteEntry } from '../helpers/route-table.js';
import { ServerErrors } from '../helpers/server-errors.js';

/**
 * Requests known to fail, by key (as printed in a failure report), each with the bug it shows.
 * Empty it as the bugs are fixed; never add to it without reporting the bug.
 */
const expectedFailures: Record<string, string> = {};

const SEED = 20260707;
const RANDOM_RUNS = 8;

type Fields = Record<string, string | string[]>;

interface FormEntry {
  /** Who submits it (an email), or null for someone not signed in. */
  as: string | null;
  /** The page that shows the form: its fields (and their current values) are read from there. */
  page: (fx: FuzzFixtures) => string;
  /** The URL the form posts to, as on the page. */
  action: (fx: FuzzFixtures) => string;
  /** The form's own action, when a button posts it elsewhere (`formaction`): its fields are read from there. */
  formOf?: string;
  /** Values over the page's own that make a valid submission; `n` numbers codes that must not repeat. */
  values?: (fx: FuzzFixtures, n: number) => Fields;
  /** Someone who may not use it: a valid submission from them must be refused (4xx). */
  deniedTo?: string;
  /** Puts back, through the API as the service manager, what a request may have removed. */
  restore?: { url: string; body: Json };
  /** Every request from an address of its own (sign-in counts failures per address). */
  ownClientAddress?: boolean;
  /** Valid-looking submissions that must nonetheless be refused (4xx). */
  refused?: (fx: FuzzFixtures) => Array<{ label: string; fields: Fields }>;
}

const ADMIN = 'admin@mercia.example';
const MANAGER = 'service.manager@mercia.example';
const WYVERN = 'requester@wyvern.example';
const AGENT = 'agent@mercia.example';
const FINANCE = 'finance@mercia.example';
const EXECUTIVE = 'executive@mercia.example';
const year = (n: number) => String(2100 + n);
const CSV_HEADER = 'offering,organisation,unit_price,valid_from,valid_to';

const FORMS: Record<string, FormEntry> = {
  'POST /sign-in': {
    as: null,
    page: () => '/sign-in?next=%2Fcatalogue',
    action: () => '/sign-in',
    // Not a person the other forms sign in as: failed attempts lock the address they name.
    values: () => ({ email: 'requester@brightwater.example', password: DEMO_PASSWORD }),
    ownClientAddress: true,
  },
  'POST /sign-out': { as: WYVERN, page: () => '/', action: () => '/sign-out' },
  'POST /switch-organisation': {
    as: 'shared.officer@mercia.example',
    page: () => '/',
    action: () => '/switch-organisation',
  },
  'POST /users': {
    as: ADMIN,
    page: () => '/users/new',
    action: () => '/users',
    values: (_fx, n) => ({
      name: `Fuzz User ${n}`,
      email: `fuzz.user${n}@mercia.example`,
      password: 'Quiet-Meadow-Lantern-42',
    }),
    deniedTo: MANAGER,
  },
  'POST /users/:id/roles': {
    as: ADMIN,
    page: (fx) => `/users/${fx.personId}`,
    action: (fx) => `/users/${fx.personId}/roles`,
    values: (fx) => ({ orgId: fx.orgs['MCC-RES']!.id, roles: ['requester'] }),
    deniedTo: MANAGER,
    // Roles of the host's staff are the host's alone.
    refused: (fx) =>
      HOST_ONLY_ROLES.map((role) => ({
        label: `${role} in a partner`,
        fields: { orgId: fx.orgs.WDC!.id, roles: [role] },
      })),
  },
  'POST /users/:id/disable': {
    as: ADMIN,
    page: (fx) => `/users/${fx.personId}`,
    action: (fx) => `/users/${fx.personId}/disable`,
    deniedTo: MANAGER,
  },
  'POST /users/:id/enable': {
    as: ADMIN,
    page: (fx) => `/users/${fx.disabledId}`,
    action: (fx) => `/users/${fx.disabledId}/enable`,
    deniedTo: MANAGER,
  },
  'POST /account/tokens': {
    as: WYVERN,
    page: () => '/account/tokens',
    action: () => '/account/tokens',
    values: (_fx, n) => ({ name: `Fuzz token ${n}`, expiresInDays: '30' }),
  },
  'POST /account/tokens/:id/revoke': {
    as: WYVERN,
    page: () => '/account/tokens',
    action: (fx) => `/account/tokens/${fx.tokens.find((token) => token.email === WYVERN)!.id}/revoke`,
  },
  'POST /account/sessions/:id/end': {
    as: WYVERN,
    page: () => '/account/sessions',
    action: () => `/account/sessions/${otherSession}/end`,
    deniedTo: 'manager@merciafire.example',
  },
  'POST /organisations': {
    as: ADMIN,
    page: () => '/organisations/new',
    action: () => '/organisations',
    values: (_fx, n) => ({ code: `FZP${n}`, name: `Fuzz page organisation ${n}`, kind: 'voluntary' }),
    deniedTo: MANAGER,
  },
  'POST /organisations/:id': {
    as: ADMIN,
    page: (fx) => `/organisations/${fx.orgId}/edit`,
    action: (fx) => `/organisations/${fx.orgId}`,
    deniedTo: WYVERN,
  },
  'POST /organisations/:id/service-lines': {
    as: ADMIN,
    page: (fx) => `/organisations/${fx.orgId}/service-lines`,
    action: (fx) => `/organisations/${fx.orgId}/service-lines`,
    values: (_fx, n) => ({
      serviceLine: 'IT',
      'validFrom-day': '1',
      'validFrom-month': '1',
      'validFrom-year': String(year(n)),
      'validTo-day': '31',
      'validTo-month': '12',
      'validTo-year': String(year(n)),
    }),
    deniedTo: MANAGER,
  },
  'POST /organisations/:id/service-lines/:agreementId/end': {
    as: ADMIN,
    page: (fx) => `/organisations/${fx.orgId}/service-lines/${fx.agreementId}/end`,
    action: (fx) => `/organisations/${fx.orgId}/service-lines/${fx.agreementId}/end`,
    values: () => ({ 'validTo-day': '31', 'validTo-month': '12', 'validTo-year': '2095' }),
    deniedTo: MANAGER,
  },
  'POST /catalogue/offerings': {
    as: MANAGER,
    page: () => '/catalogue/offerings/new',
    action: () => '/catalogue/offerings',
    values: (_fx, n) => ({
      serviceLine: 'IT',
      code: `FZ-POFF-${n}`,
      name: 'Fuzz page offering',
      description: 'From the forms fuzz',
      lgslId: '12',
      unit: 'item',
      slaPolicy: 'IT-STANDARD',
    }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/offerings/:code': {
    as: MANAGER,
    page: () => `/catalogue/offerings/${FUZZ.offering}/edit`,
    action: () => `/catalogue/offerings/${FUZZ.offering}`,
    deniedTo: WYVERN,
  },
  'POST /catalogue/offerings/:code/variants/:partner': {
    as: MANAGER,
    page: () => `/catalogue/offerings/${FUZZ.offering}/variants/WDC`,
    action: () => `/catalogue/offerings/${FUZZ.offering}/variants/WDC`,
    values: (_fx, n) => ({ name: `Fuzz page variant ${n}` }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/tariffs': {
    as: MANAGER,
    page: () => `/catalogue/tariffs/new?offering=${FUZZ.offering}`,
    action: () => '/catalogue/tariffs',
    values: (_fx, n) => ({
      offering: FUZZ.offering,
      organisation: 'MFRS',
      unitPrice: '7.25',
      'validFrom-day': '1',
      'validFrom-month': '1',
      'validFrom-year': year(n + 500),
      'validTo-day': '31',
      'validTo-month': '12',
      'validTo-year': year(n + 500),
    }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/tariffs/:id/end': {
    as: MANAGER,
    page: (fx) => `/catalogue/tariffs/${fx.tariffId}/end`,
    action: (fx) => `/catalogue/tariffs/${fx.tariffId}/end`,
    values: () => ({ 'validTo-day': '31', 'validTo-month': '12', 'validTo-year': '2095' }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/tariffs/import': {
    as: MANAGER,
    page: () => '/catalogue/tariffs',
    action: () => '/catalogue/tariffs/import',
    values: (_fx, n) => ({
      csv: `${CSV_HEADER}\n${FUZZ.offering},MFRS,7.00,${year(n)}-01-01,${year(n)}-12-31\n`,
    }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/calendars': {
    as: MANAGER,
    page: () => '/catalogue/calendars/new',
    action: () => '/catalogue/calendars',
    values: (_fx, n) => ({
      code: `FZ-PCAL-${n}`,
      name: 'Fuzz page calendar',
      'hours-monday': '09:00-17:00',
      'closure-day': '24',
      'closure-month': '12',
      'closure-year': '2026',
    }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/calendars/:code': {
    as: MANAGER,
    page: () => `/catalogue/calendars/${FUZZ.calendar}/edit`,
    action: () => `/catalogue/calendars/${FUZZ.calendar}`,
    deniedTo: WYVERN,
  },
  'POST /catalogue/sla-policies': {
    as: MANAGER,
    page: () => '/catalogue/sla-policies/new',
    action: () => '/catalogue/sla-policies',
    values: (_fx, n) => ({
      serviceLine: 'IT',
      code: `FZ-PSLA-${n}`,
      name: 'Fuzz page SLA policy',
      calendar: 'MCC-OFFICE',
      ...Object.fromEntries(
        ['critical', 'high', 'medium', 'low'].flatMap((p) => [
          [`${p}-response-value`, '30'],
          [`${p}-resolution-value`, '2'],
        ]),
      ),
    }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/sla-policies/:code': {
    as: MANAGER,
    page: () => `/catalogue/sla-policies/${FUZZ.slaPolicy}/edit`,
    action: () => `/catalogue/sla-policies/${FUZZ.slaPolicy}`,
    deniedTo: WYVERN,
  },
  'POST /catalogue/service-lines': {
    as: MANAGER,
    page: () => '/catalogue/service-lines/new',
    action: () => '/catalogue/service-lines',
    values: (_fx, n) => ({ code: `FZP${n}`, name: `Fuzz page line ${n}`, teams: 'Alpha\nBeta' }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/service-lines/:code/managers': {
    as: MANAGER,
    page: () => `/catalogue/service-lines/${FUZZ.line}`,
    action: () => `/catalogue/service-lines/${FUZZ.line}/managers`,
    values: () => ({ email: FUZZ.spareEmail }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/service-lines/:code/managers/:userId/remove': {
    as: MANAGER,
    page: () => `/catalogue/service-lines/${FUZZ.line}`,
    action: (fx) => `/catalogue/service-lines/${FUZZ.line}/managers/${fx.managerId}/remove`,
    restore: {
      url: `/api/v1/catalogue/service-lines/${FUZZ.line}/managers`,
      body: { email: FUZZ.managerEmail },
    },
    deniedTo: WYVERN,
  },
  'POST /catalogue/service-lines/:code/teams': {
    as: MANAGER,
    page: () => `/catalogue/service-lines/${FUZZ.line}`,
    action: () => `/catalogue/service-lines/${FUZZ.line}/teams`,
    values: (_fx, n) => ({ name: `Fuzz page team ${n}` }),
    deniedTo: WYVERN,
  },
  'POST /catalogue/service-lines/:code/teams/:name/remove': {
    as: MANAGER,
    page: () => `/catalogue/service-lines/${FUZZ.line}`,
    action: () => `/catalogue/service-lines/${FUZZ.line}/teams/${encodeURIComponent(FUZZ.team)}/remove`,
    restore: { url: `/api/v1/catalogue/service-lines/${FUZZ.line}/teams`, body: { name: FUZZ.team } },
    deniedTo: WYVERN,
  },
  // Requests: the requester's form, the agents' request page and queue.
  'POST /requests/new/:code': {
    as: WYVERN,
    page: () => '/requests/new/IT-FAULT',
    action: () => '/requests/new/IT-FAULT',
    values: (_fx, n) => ({
      subject: `Fuzz request ${n}`,
      'answer-what_is_affected': 'Printer',
      'answer-what_happened': 'It jams',
      priority: 'medium',
    }),
    deniedTo: AGENT,
  },
  'POST /requests/:reference/:action': {
    as: AGENT,
    page: (fx) => `/requests/${fx.requestReference}`,
    action: (fx) => `/requests/${fx.requestReference}/note`,
    values: (_fx, n) => ({ body: `Fuzz note ${n}` }),
    deniedTo: 'manager@merciafire.example',
  },
  'POST /queue/assign': {
    as: AGENT,
    page: () => '/queue',
    action: () => '/queue/assign',
    values: (fx) => ({
      requests: [fx.requestId ?? ''],
      assignee: fx.users.find((user) => user.email === AGENT)!.id,
    }),
    deniedTo: WYVERN,
  },
  'POST /queue/move': {
    as: 'teamlead@mercia.example',
    page: () => '/queue',
    // The queue's one form posts to /queue/assign; its "move" button sends it to /queue/move.
    formOf: '/queue/assign',
    action: () => '/queue/move',
    values: (fx) => ({ requests: [fx.requestId ?? ''], team: fx.itTeamId ?? '' }),
    deniedTo: WYVERN,
  },
  // Planning: the host's finance officers build cases and scenarios, its executives approve.
  'POST /planning/business-cases': {
    as: FINANCE,
    page: () => '/planning/business-cases/new',
    action: () => '/planning/business-cases',
    values: (_fx, n) => ({
      title: `Fuzz case ${n}`,
      baseYear: '2026-27',
      horizonYears: '5',
      'options-0-code': 'BAU',
      'options-0-name': 'As now',
      'options-0-kind': 'business_as_usual',
      'options-1-code': 'MIN',
      'options-1-name': 'Shared system',
      'options-1-kind': 'do_minimum',
      'options-2-code': 'SHARE',
      'options-2-name': 'Shared service',
      'options-2-kind': 'other',
      preferred: '2',
    }),
    deniedTo: MANAGER,
  },
  'POST /planning/business-cases/upload': {
    as: FINANCE,
    page: () => '/planning/business-cases/upload',
    action: () => '/planning/business-cases/upload',
    values: () => ({ json: JSON.stringify(sampleCase({ title: 'Fuzz uploaded case' })) }),
    deniedTo: MANAGER,
  },
  'POST /planning/business-cases/:id/edit': {
    as: FINANCE,
    page: (fx) => `/planning/business-cases/${fx.businessCaseId}/edit`,
    action: (fx) => `/planning/business-cases/${fx.businessCaseId}/edit`,
    deniedTo: MANAGER,
  },
  'POST /planning/business-cases/:id/options/:code': {
    as: FINANCE,
    page: (fx) => `/planning/business-cases/${fx.businessCaseId}/options/SHARE`,
    action: (fx) => `/planning/business-cases/${fx.businessCaseId}/options/SHARE`,
    values: () => ({ 'c-operating-1': '900000' }),
    deniedTo: MANAGER,
  },
  'POST /planning/business-cases/:id/sections': {
    as: FINANCE,
    page: (fx) => `/planning/business-cases/${fx.businessCaseId}/sections`,
    action: (fx) => `/planning/business-cases/${fx.businessCaseId}/sections`,
    values: () => ({ strategic: 'Three councils, one team.' }),
    deniedTo: MANAGER,
  },
  'POST /planning/business-cases/:id/planned-savings': {
    as: FINANCE,
    page: (fx) => `/planning/business-cases/${fx.businessCaseId}/planned-savings`,
    action: (fx) => `/planning/business-cases/${fx.businessCaseId}/planned-savings`,
    values: () => ({ csv: 'organisation,service_line,year,amount\nWDC,HR,2027-28,1000.00' }),
    deniedTo: MANAGER,
  },
  'POST /planning/business-cases/:id/approve': {
    as: EXECUTIVE,
    page: (fx) => `/planning/business-cases/${fx.approvableCaseId}/approve`,
    action: (fx) => `/planning/business-cases/${fx.approvableCaseId}/approve`,
    deniedTo: FINANCE,
  },
  'POST /planning/business-cases/:id/remove': {
    as: FINANCE,
    page: (fx) => `/planning/business-cases/${fx.removableCaseId}`,
    action: (fx) => `/planning/business-cases/${fx.removableCaseId}/remove`,
    deniedTo: MANAGER,
  },
  'POST /planning/savings/baselines': {
    as: FINANCE,
    page: () => '/planning/savings/baselines',
    action: () => '/planning/savings/baselines',
    values: () => ({
      organisation: 'WDC',
      serviceLine: 'IT',
      year: '2026-27',
      amount: '75000.00',
      source: 'IT budget',
    }),
    deniedTo: MANAGER,
  },
  'POST /recharges': {
    as: FINANCE,
    page: () => '/recharges',
    action: () => '/recharges',
    values: (_fx, n) => ({ period: `${year(n)}-01`, kind: 'charge', organisations: 'FZORG' }),
    deniedTo: EXECUTIVE,
  },
  ...Object.fromEntries(
    (['compute', 'review', 'discard', 'issue'] as const).map((action) => [
      `POST /recharges/:id/${action}`,
      {
        as: FINANCE,
        page: (fx: FuzzFixtures) => `/recharges/${fx.runs[action]}`,
        action: (fx: FuzzFixtures) => `/recharges/${fx.runs[action]}/${action}`,
        deniedTo: EXECUTIVE,
      },
    ]),
  ),
  'POST /recharges/cost-pools/import': {
    as: FINANCE,
    page: () => '/recharges/cost-pools',
    action: () => '/recharges/cost-pools/import',
    values: (_fx, n) => ({
      csv: `service_line,period,amount,driver,description\nFIN,${year(n)}-01,1000.00,headcount,Fuzz pool`,
    }),
    deniedTo: EXECUTIVE,
  },
  'POST /recharges/drivers/import': {
    as: FINANCE,
    page: () => '/recharges/drivers',
    action: () => '/recharges/drivers/import',
    values: (_fx, n) => ({
      csv: `organisation,service_line,driver,value,period\nWDC,HR,headcount,10,${year(n)}-01`,
    }),
    deniedTo: EXECUTIVE,
  },
  'POST /planning/savings/baselines/import': {
    as: FINANCE,
    page: () => '/planning/savings/baselines',
    action: () => '/planning/savings/baselines/import',
    values: () => ({ csv: 'organisation,service_line,year,amount,source\nMFRS,IT,2026-27,50000.00,Budget' }),
    deniedTo: MANAGER,
  },
  'POST /planning/savings/tolerance': {
    as: FINANCE,
    page: () => '/planning/savings',
    action: () => '/planning/savings/tolerance',
    values: () => ({ percent: '5' }),
    deniedTo: MANAGER,
  },
  'POST /planning/what-if/cost-models/:line': {
    as: FINANCE,
    page: () => '/planning/what-if/cost-models/HR',
    action: () => '/planning/what-if/cost-models/HR',
    values: () => ({ unit: 'payslips', fixedCost: '100000.00', variableCost: '0.50' }),
    deniedTo: MANAGER,
  },
  'POST /planning/what-if': {
    as: FINANCE,
    page: () => '/planning/what-if/new?line=HR',
    action: () => '/planning/what-if',
    values: (_fx, n) => ({ prospect: `Fuzz council ${n}`, prospectVolume: '5000' }),
    deniedTo: MANAGER,
  },
  'POST /planning/what-if/:id/remove': {
    as: FINANCE,
    page: (fx) => `/planning/what-if/${fx.removableScenarioId}`,
    action: (fx) => `/planning/what-if/${fx.removableScenarioId}/remove`,
    deniedTo: MANAGER,
  },
  // The partnership: kept by the host's executives; its finance officers only read it.
  'POST /partnership/pipeline': {
    as: EXECUTIVE,
    page: () => '/partnership/pipeline/new',
    action: () => '/partnership/pipeline',
    values: (_fx, n) => ({ name: `Fuzz body ${n}`, kind: 'police' }),
    deniedTo: FINANCE,
  },
  'POST /partnership/pipeline/:id/edit': {
    as: EXECUTIVE,
    page: (fx) => `/partnership/pipeline/${fx.prospectId}/edit`,
    action: (fx) => `/partnership/pipeline/${fx.prospectId}/edit`,
    deniedTo: FINANCE,
  },
  'POST /partnership/pipeline/:id/move': {
    as: EXECUTIVE,
    page: (fx) => `/partnership/pipeline/${fx.prospectId}`,
    action: (fx) => `/partnership/pipeline/${fx.prospectId}/move`,
    values: () => ({ stage: 'interested' }),
    deniedTo: FINANCE,
  },
  'POST /organisations/:id/terms': {
    as: EXECUTIVE,
    page: (fx) => `/organisations/${fx.orgs.SVCT!.id}/terms/new`,
    action: (fx) => `/organisations/${fx.orgs.SVCT!.id}/terms`,
    values: () => ({
      ...dateFields('effectiveFrom', '2027-04-01'),
      ...dateFields('reviewOn', '2030-03-31'),
      noticeMonths: '6',
      exitCostSharing: 'Each bears its own',
      dataSharingRole: 'controller',
      'model-HR': 'cost_pool',
    }),
    deniedTo: FINANCE,
  },
  'POST /organisations/:id/terms/:versionId/edit': {
    as: EXECUTIVE,
    page: (fx) => `/organisations/${fx.orgs.BWF!.id}/terms/${fx.editableTermsId}/edit`,
    action: (fx) => `/organisations/${fx.orgs.BWF!.id}/terms/${fx.editableTermsId}/edit`,
    deniedTo: FINANCE,
  },
  'POST /organisations/:id/terms/:versionId/sign': {
    as: EXECUTIVE,
    page: (fx) => `/organisations/${fx.orgId}/terms/${fx.signableTermsId}/sign`,
    action: (fx) => `/organisations/${fx.orgId}/terms/${fx.signableTermsId}/sign`,
    values: () => ({ ...dateFields('signedOn', '2026-01-05'), signedForPartner: 'Fuzz signatory' }),
    deniedTo: FINANCE,
  },
  'POST /organisations/:id/terms/:versionId/discard': {
    as: EXECUTIVE,
    page: (fx) => `/organisations/${fx.orgs['MCC-RES']!.id}/terms/${fx.discardableTermsId}`,
    action: (fx) => `/organisations/${fx.orgs['MCC-RES']!.id}/terms/${fx.discardableTermsId}/discard`,
    deniedTo: FINANCE,
  },
  // The joint committee: kept by the host's executives.
  'POST /planning/governance/seats': {
    as: EXECUTIVE,
    page: () => '/planning/governance/seats/new',
    action: () => '/planning/governance/seats',
    values: (_fx, n) => ({
      organisation: 'MFRS',
      ...dateFields('effectiveFrom', `${2030 + n}-01-01`),
      memberName: 'Fuzz member',
      memberJobTitle: 'Chair',
      substituteName: 'Fuzz substitute',
      substituteJobTitle: 'Vice-chair',
    }),
    deniedTo: FINANCE,
  },
  'POST /planning/governance/meetings': {
    as: EXECUTIVE,
    page: () => '/planning/governance/meetings/new',
    action: () => '/planning/governance/meetings',
    values: () => ({ ...dateFields('heldOn', '2026-09-01'), title: 'Fuzz meeting' }),
    deniedTo: FINANCE,
  },
  'POST /planning/governance/meetings/:id/attendance': {
    as: EXECUTIVE,
    page: (fx) => `/planning/governance/meetings/${fx.meetingId}/attendance`,
    action: (fx) => `/planning/governance/meetings/${fx.meetingId}/attendance`,
    values: () => ({ 'attended-MCC': 'member', 'attended-WDC': 'substitute' }),
    deniedTo: FINANCE,
  },
  'POST /planning/governance/meetings/:id/decisions': {
    as: EXECUTIVE,
    page: (fx) => `/planning/governance/meetings/${fx.confirmableMeetingId}/decisions/new`,
    action: (fx) => `/planning/governance/meetings/${fx.confirmableMeetingId}/decisions`,
    values: () => ({ title: 'Fuzz decision', resolution: 'That the fuzz be noted.', 'vote-MCC': 'for' }),
    deniedTo: FINANCE,
  },
  'POST /planning/governance/meetings/:id/confirm': {
    as: EXECUTIVE,
    page: (fx) => `/planning/governance/meetings/${fx.confirmableMeetingId}/confirm`,
    action: (fx) => `/planning/governance/meetings/${fx.confirmableMeetingId}/confirm`,
    deniedTo: FINANCE,
  },
};

/** A date as the three boxes of a GOV.UK date input named `name` carry it. */
function dateFields(name: string, date: string): Fields {
  const [year = '', month = '', day = ''] = date.split('-');
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
}

/**
 * Kinds of hostile text that a form field cannot carry differently from another kind (a lone
 * surrogate arrives as U+FFFD whichever half it is; JSON bodies carry the real thing) or that no
 * form field treats as anything but text.
 */
const FORM_SKIPS = ['lone low surrogate', 'NaN as text', 'path traversal'];

/** Kinds every field gets; the other kinds go to every other field in turn, so that a form of many fields stays quick. */
const FORM_CORE = ['NUL', 'control character', 'huge string', 'empty string', 'year 0', '30 February'];

/** Whether the i-th of `count` fields gets hostile text of this kind. */
function forField(kind: string, i: number, count: number): boolean {
  if (FORM_SKIPS.includes(kind)) return false;
  if (FORM_CORE.includes(kind) || count < 2) return true;
  const others = hostileStrings()
    .map((h) => h.kind)
    .filter((k) => !FORM_SKIPS.includes(k) && !FORM_CORE.includes(k));
  return others.indexOf(kind) % 2 === i % 2;
}

/** Values a redirect target must not slip through: other sites, and what cannot go in a header. */
const REDIRECTS = [
  ['another site by a tab', '/\t/evil.example'],
  ['another site by two slashes', '//evil.example'],
  ['another site by a backslash', '/\\evil.example'],
  ['another scheme', 'https://evil.example/'],
  ['javascript', 'javascript:alert(1)'],
  ['a newline', '/%0A/x\nLocation: //evil.example'],
  ['a line separator', '/\u2028x'],
  ['a NUL', '/\u0000'],
];

let t: TestApp;
let fx: FuzzFixtures;
let routes: RouteEntry[];
let managerToken: string;
const log = new FailureLog(expectedFailures);
const serverErrors = new ServerErrors();
const browsers = new Map<string, Browser>();
let clients = 0;
/** A second session of WYVERN's, for the form that ends one. */
let otherSession = '';

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'error' }, { logger: true, logStream: serverErrors.stream });
  routes = routeTable(t.app);
  await apiTokenFor(t.db, WYVERN, 'WDC');
  fx = await makeFuzzFixtures(t);
  await new Browser(t.app).signIn(WYVERN);
  const sessions = await sql<{ id: string }>`select s.id from sessions s join users u on u.id = s.user_id
    where u.email = ${WYVERN} order by s.created_at`.execute(t.db.kysely);
  otherSession = sessions.rows[0]!.id;
  managerToken = await apiTokenFor(t.db, MANAGER, 'MCC');
});

afterAll(async () => {
  log.writeReport(`forms-fuzz-${process.env.TANDEM_TEST_ENGINE ?? 'embedded'}`);
  const fixed = log.fixed();
  if (fixed.length)
    console.info(`forms-fuzz: allow-listed failures that no longer fail:\n  ${fixed.join('\n  ')}`);
  await t?.close();
});

/**
 * A browser signed in as `email`, kept between requests and signed in again when its session ends
 * (signing out is one of the forms); for null, a new browser that has seen nothing.
 */
async function browserFor(email: string | null): Promise<Browser> {
  if (email === null) return new Browser(t.app);
  let browser = browsers.get(email);
  if (!browser || !Object.keys(browser.cookies).some((name) => name.endsWith('tandem_session'))) {
    browser = new Browser(t.app);
    await browser.signIn(email);
    browsers.set(email, browser);
  }
  return browser;
}

/** Form encoding as a browser does it, but a lone surrogate goes as its (invalid) UTF-8 bytes instead of throwing. */
function formEncode(fields: Fields): string {
  const encode = (text: string) =>
    [...text]
      .map((char) => {
        const code = char.codePointAt(0)!;
        if (code < 0xd800 || code > 0xdfff) return encodeURIComponent(char);
        return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
          .map((byte) => `%${byte.toString(16).toUpperCase()}`)
          .join('');
      })
      .join('');
  return Object.entries(fields)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((item) => `${encode(name)}=${encode(item)}`),
    )
    .join('&');
}

interface Submission {
  key: string;
  url: string;
  /** Form fields (sent form-encoded), or a body of another kind. */
  fields?: Fields;
  body?: { text: string; contentType: string };
  /** Leave the CSRF token out (or send this one). */
  csrf?: string | null;
  /** Send another browser's CSRF cookie and token with this one's session, as a planted cookie would. */
  plantedCsrf?: boolean;
  expect?: 'success' | 'refusal';
  as?: string | null;
  method?: 'GET' | 'POST';
}

async function submit(entry: FormEntry, s: Submission): Promise<void> {
  const as = s.as === undefined ? entry.as : s.as;
  const browser = await browserFor(as);
  if (as === null) await browser.get(entry.page(fx));
  let csrf = s.csrf === undefined ? browser.csrf : s.csrf;
  let cookies = browser.cookies;
  if (s.plantedCsrf) {
    const attacker = new Browser(t.app);
    await attacker.get('/sign-in');
    const planted = Object.entries(attacker.cookies).filter(([name]) => name.endsWith('tandem_csrf'));
    cookies = { ...browser.cookies, ...Object.fromEntries(planted) };
    csrf = attacker.csrf;
  }
  const method = s.method ?? 'POST';
  let payload: string | undefined;
  let contentType = 'application/x-www-form-urlencoded';
  if (s.body) {
    // JSON bodies name the token as {{csrf}}: the one of the page just seen.
    payload = s.body.text.replaceAll('{{csrf}}', browser.csrf);
    contentType = s.body.contentType;
  } else if (s.fields) {
    payload = formEncode(csrf === null ? s.fields : { _csrf: csrf, ...s.fields });
  }
  const record = (problem: string, response?: LightMyRequestResponse) =>
    log.record({
      key: s.key,
      problem,
      method,
      url: s.url,
      sent: payload,
      status: response?.statusCode,
      answer: response
        ? `${response.headers.location ? `Location: ${String(response.headers.location)} ` : ''}${response.body}`
        : undefined,
      cause: serverErrors.causeOf(response?.headers['x-request-id']),
    });
  let response: LightMyRequestResponse;
  try {
    response = await t.app.inject({
      method,
      url: s.url,
      cookies,
      ...(entry.ownClientAddress
        ? { remoteAddress: `10.${(++clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}` }
        : {}),
      ...(payload !== undefined ? { headers: { 'content-type': contentType }, payload } : {}),
    });
  } catch (error) {
    record(`the request threw: ${String(error)}`);
    return;
  }
  for (const cookie of response.cookies) {
    if (cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now()))
      delete browser.cookies[cookie.name];
    else browser.cookies[cookie.name] = cookie.value;
  }
  log.count(s.key, response);
  const status = response.statusCode;
  if (status >= 500) record(`server error ${status}`, response);
  const trace = stackTraceIn(response.body);
  if (trace) record(`the page shows ${trace}`, response);
  const location = response.headers.location;
  if (location !== undefined) {
    const target = String(location);
    const parsed = new URL(target, 'http://tandem.invalid/');
    if (
      parsed.origin !== 'http://tandem.invalid' ||
      !target.startsWith('/') ||
      // eslint-disable-next-line no-control-regex -- control characters are what this looks for
      /^\/[\\/\t]|[\u0000-\u001f]/.test(target)
    )
      record(`a redirect off the site: ${JSON.stringify(target)}`, response);
  }
  if (s.expect === 'success' && (status >= 400 || /govuk-error-summary/.test(response.body)))
    record('the valid form was refused', response);
  if (s.expect === 'refusal' && status < 400 && !String(location ?? '').startsWith('/sign-in'))
    record('someone who may not use the form was answered', response);
}

/** The form on the entry's page that posts to its action, with the page's current values. */
async function formFor(
  key: string,
  entry: FormEntry,
): Promise<{ fields: Fields; names: string[] } | undefined> {
  const browser = await browserFor(entry.as);
  const page = await browser.get(entry.page(fx));
  if (page.statusCode >= 500)
    log.record({
      key: `${key}: the form's page`,
      problem: `server error ${page.statusCode}`,
      method: 'GET',
      url: entry.page(fx),
      status: page.statusCode,
      answer: page.body,
      cause: serverErrors.causeOf(page.headers['x-request-id']),
    });
  const action = entry.formOf ?? new URL(entry.action(fx), 'http://tandem.invalid').pathname;
  const form = formsOf(page.body, entry.page(fx)).find((f) => f.method === 'post' && f.action === action);
  if (!form) return undefined;
  const fields: Fields = {};
  for (const [name, values] of Object.entries(form.fields))
    if (name !== '_csrf') fields[name] = values.length === 1 ? values[0]! : values;
  return { fields, names: form.names.filter((name) => name !== '_csrf') };
}

function* submissionsFor(
  key: string,
  entry: FormEntry,
  form: { fields: Fields; names: string[] },
  route: RouteEntry,
): Generator<Submission> {
  const url = entry.action(fx);
  let n = 0;
  const valid = () => ({ ...form.fields, ...(entry.values?.(fx, ++n) ?? {}) });
  const names = [...new Set([...form.names, ...Object.keys(entry.values?.(fx, 0) ?? {})])];
  const as = entry.as ?? 'anonymous';
  const k = (what: string, who = as) => `${key} as ${who}: ${what}`;

  // Someone who may not use the form first: a refusal changes nothing the valid form then needs.
  if (entry.deniedTo)
    yield {
      key: k('valid form', entry.deniedTo),
      url,
      fields: valid(),
      as: entry.deniedTo,
      expect: 'refusal',
    };
  yield { key: k('valid form'), url, fields: valid(), expect: 'success' };

  for (const [i, name] of names.entries()) {
    const base = valid();
    const current = base[name];
    const like = typeof current === 'string' && current ? current : 'ab';
    for (const { kind, value } of hostileStrings(like).filter((h) => forField(h.kind, i, names.length)))
      yield { key: k(`${name}: ${kind}`), url, fields: { ...base, [name]: value as string } };
    const { [name]: _dropped, ...without } = base;
    yield { key: k(`${name}: missing`), url, fields: without };
    yield { key: k(`${name}: repeated`), url, fields: { ...base, [name]: [like, 'other'] } };
    if (name === 'next' || name === 'returnTo')
      for (const [kind, value] of REDIRECTS)
        yield { key: k(`${name}: ${kind}`), url, fields: { ...base, [name]: value! } };
  }

  const base = valid();
  yield { key: k('no fields'), url, fields: {} };
  yield { key: k('unknown field'), url, fields: { ...base, fuzzExtra: 'x' } };
  yield {
    key: k('__proto__ field'),
    url,
    fields: { ...base, ['__proto__']: 'x', 'constructor[prototype]': 'x' },
  };
  yield { key: k('field name with a NUL'), url, fields: { ...base, 'fuzz\u0000': 'x' } };
  yield { key: k('no CSRF token'), url, fields: base, csrf: null };
  yield { key: k('a forged CSRF token'), url, fields: base, csrf: 'forged' };
  yield { key: k('a CSRF token with a NUL'), url, fields: base, csrf: '\u0000' };
  if (entry.as !== null)
    yield {
      key: k('a CSRF cookie and token planted from another browser'),
      url,
      fields: base,
      plantedCsrf: true,
      expect: 'refusal',
    };
  for (const { label, fields } of entry.refused?.(fx) ?? [])
    yield { key: k(label), url, fields: { ...base, ...fields }, expect: 'refusal' };
  yield {
    key: k('a body larger than the limit'),
    url,
    fields: { ...base, fuzzExtra: 'x'.repeat(1_100_000) },
  };
  yield {
    key: k('multipart body'),
    url,
    body: {
      text: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
      contentType: 'multipart/form-data; boundary=x',
    },
  };
  yield { key: k('plain text body'), url, body: { text: 'hello', contentType: 'text/plain' } };

  // The same route takes JSON too (Fastify parses it for every route), where values need not be strings.
  const json = (what: string, body: Json) => ({
    key: k(`JSON body: ${what}`),
    url,
    body: { text: jsonText(body), contentType: 'application/json' },
  });
  yield json('the valid form', { _csrf: '{{csrf}}', ...base });
  for (const [i, name] of names.entries()) {
    for (const [what, value] of [
      ['array', ['a', 'b']],
      ['lone surrogate', 'a\ud800'],
      ...(i % 3 === 0 ? [['object', { x: 1 }]] : i % 3 === 1 ? [['number', 42]] : []),
    ] as Array<[string, Json]>)
      yield json(`${name} as ${what}`, { _csrf: '{{csrf}}', ...base, [name]: value });
  }
  yield json('an array', [base]);
  yield json('null', null);
  yield { key: k('JSON body: malformed'), url, body: { text: '{"_csrf":', contentType: 'application/json' } };

  // Random combinations of hostile text in one to three fields at once, the same on every run.
  if (names.length) {
    const changes = fc.array(
      fc.tuple(
        fc.constantFrom(...names),
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 60 }).map((value) => ({ kind: 'random text', value })),
          fc
            .string({ unit: 'grapheme', maxLength: 60 })
            .map((value) => ({ kind: 'random unicode text', value })),
          fc.constantFrom(...hostileStrings()).map(({ kind, value }) => ({ kind, value: value as string })),
        ),
      ),
      { minLength: 1, maxLength: 3 },
    );
    const samples = fc.sample(changes, { seed: SEED + key.length, numRuns: RANDOM_RUNS });
    for (const [i, sample] of samples.entries()) {
      const fields = valid();
      for (const [name, hostile] of sample) fields[name] = hostile.value;
      yield {
        key: k(`random #${i}: ${sample.map(([name, h]) => `${name} (${h.kind})`).join(' + ')}`),
        url,
        fields,
      };
    }
  }

  // Path parameters, with the valid form.
  const keys = paramKeys(route.url);
  const actual = actionParams(route, url);
  for (const [i, paramKey] of keys.entries()) {
    for (const [kind, raw] of PATH_VALUES) {
      const values = { ...actual, [paramKey]: raw };
      yield {
        key: k(`path ${route.params[i]}: ${kind}`),
        url: fillPath(route.url, values, true),
        fields: valid(),
      };
    }
  }
}

/** The values of a route's parameters in a URL of it, as they are on the wire. */
function actionParams(route: RouteEntry, url: string): Record<string, string> {
  const pattern = route.url.split('/');
  const actual = url.split('?')[0]!.split('/');
  const keys = paramKeys(route.url);
  const values: Record<string, string> = {};
  let k = 0;
  pattern.forEach((segment, i) => {
    if (segment.startsWith(':') || segment === '*') values[keys[k++]!] = actual[i]!;
  });
  return values;
}

/** Path parameter values as they go on the wire. */
const PATH_VALUES: Array<[string, string]> = [
  ['NUL', 'x%00'],
  ['lone surrogate (WTF-8)', 'x%ED%A0%80'],
  ['invalid UTF-8', 'x%FF%C0%AF'],
  ['percent-u escape', 'x%uD800'],
  ['control character', 'x%1B'],
  ['huge', 'x'.repeat(100_000)],
  ['encoded slash', '..%2F..%2F'],
  ['not a uuid', 'not-a-uuid'],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['year 0', '0000-01-01'],
  ['30 February', '2026-02-30'],
  ['huge number', '99999999999999999999999'],
  ['astral characters', encodeURIComponent('Zoë𝔘')],
  ['a literal percent', '%25'],
  ['SQL', encodeURIComponent("' or 1=1; --")],
];

describe('the forms fuzz', () => {
  it('has an entry for every form route in the route table, and for nothing else', () => {
    const formRoutes = routes
      .filter((r) => r.method !== 'GET' && !r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${r.url}`);
    expect(formRoutes.length).toBeGreaterThan(20);
    expect(
      formRoutes.filter((r) => !(r in FORMS)),
      'form routes with no entry in FORMS: add one',
    ).toEqual([]);
    // An entry for a route not (or not yet) in the app harms nothing: say so, fail on nothing.
    const stale = Object.keys(FORMS).filter((r) => !formRoutes.includes(r));
    if (stale.length)
      console.info(`forms-fuzz: entries for routes the app does not have: ${stale.join(', ')}`);
  });

  for (const key of Object.keys(FORMS)) {
    it(`answers hostile submissions of ${key} without a 5xx or a stack trace`, async (context) => {
      const entry = FORMS[key]!;
      const route = routes.find((r) => `${r.method} ${r.url}` === key);
      // An entry made ahead of its route (or left after it) has nothing to fuzz.
      if (!route) context.skip();
      const form = await formFor(key, entry);
      if (!form) {
        log.record({
          key: `${key}: form on its page`,
          problem: `no form posting to ${entry.action(fx)} on ${entry.page(fx)}`,
          method: 'GET',
          url: entry.page(fx),
        });
      } else {
        for (const submission of submissionsFor(key, entry, form, route!)) {
          await submit(entry, submission);
          if (entry.restore)
            await t.app.inject({
              method: 'POST',
              url: entry.restore.url,
              headers: { authorization: `Bearer ${managerToken}`, 'content-type': 'application/json' },
              payload: jsonText(entry.restore.body),
            });
        }
      }
      log.check(`${key} `);
      log.check(`${key}:`);
    }, 120_000);
  }

  it('answers hostile path parameters of every page route without a 5xx or a stack trace', async () => {
    const pages = routes.filter((r) => r.method === 'GET' && !r.url.startsWith('/api/') && r.params.length);
    for (const route of pages) {
      for (const as of [ADMIN, MANAGER, WYVERN]) {
        for (const [i, paramKey] of paramKeys(route.url).entries()) {
          for (const [kind, raw] of PATH_VALUES) {
            const values = Object.fromEntries(paramKeys(route.url).map((k) => [k, 'x']));
            values[paramKey] = raw;
            await submit(
              { as, page: () => '/', action: () => '/' },
              {
                key: `GET ${route.url} as ${as}: path ${route.params[i]}: ${kind}`,
                url: fillPath(route.url, values, true),
                method: 'GET',
              },
            );
          }
        }
      }
    }
    log.check('GET ');
  }, 120_000);

  it('is still healthy afterwards', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
