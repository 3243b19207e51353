import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { apiTokenFor, type TestApp } from './app.js';
import { demoRecords, type DemoRecords } from './demo-records.js';
import type { Json } from './hostile-input.js';
import { sampleCase } from '../../src/modules/planning/planning.test-helpers.js';

/**
 * Records of the fuzz tests' own, made through the API as the demo's people would, so that the
 * fuzz can change, end and delete them without spoiling anything the demo (or another test) uses:
 * an organisation with an agreement, a calendar, an SLA policy, an offering with a price, a line
 * with a team to delete and a second service manager of its own (and a third to add and remove),
 * and two people to manage.
 */
export interface FuzzFixtures extends DemoRecords {
  /** FZORG, a partner taking FIN from 2090. */
  orgId: string;
  agreementId: string;
  /** The standard price of FZ-OFF from 2090, open-ended. */
  tariffId: string;
  /** fuzz.manager@mercia.example: a service manager of FZLINE alone. */
  managerId: string;
  /** fuzz.spare@mercia.example: a service manager of no line, to add to FZLINE and take off. */
  spareId: string;
  /** fuzz.person@mercia.example: a requester of MCC-RES, to give roles and disable. */
  personId: string;
  /** fuzz.disabled@mercia.example: a disabled requester of MCC-RES, to enable. */
  disabledId: string;
  /** Records of the modules that came later, where the demo has them: a WDC request, a time entry on it, … */
  requestReference?: string;
  timeEntryId?: string;
  rechargeRunId?: string;
  statementNumber?: string;
  chargingArrangementId?: string;
  /** An attachment of `requestReference`. */
  attachmentId?: string;
  /** The host's business case and what-if scenario, made by its finance officer. */
  businessCaseId: string;
  whatIfScenarioId: string;
  /** Cases and a scenario of their own for the forms that approve and remove. */
  approvableCaseId: string;
  removableCaseId: string;
  removableScenarioId: string;
  /** The id of the WDC request `requestReference` names, and a team of the host's IT line. */
  requestId?: string;
  itTeamId?: string;
  /** A pipeline entry at prospect; drafts of agreement terms (BWF's to change, FZORG's to sign, MCC-RES's to discard). */
  prospectId: string;
  editableTermsId: string;
  signableTermsId: string;
  discardableTermsId: string;
  /** Joint committee meetings: one with seats and no attendance yet, one with attendance to confirm. */
  meetingId: string;
  confirmableMeetingId: string;
  /** Recharge runs of FZORG alone, in periods of their own: drafts to compute, review and discard, a reviewed one to issue. */
  runs: { compute: string; review: string; discard: string; issue: string };
}

/** The first value a query answers, or undefined (also when its table does not exist yet). */
async function firstValue(t: TestApp, query: string): Promise<string | undefined> {
  try {
    const rows = (await sql.raw<{ value: string }>(query).execute(t.db.kysely)).rows;
    return rows[0]?.value;
  } catch {
    return undefined;
  }
}

export const FUZZ = {
  org: 'FZORG',
  calendar: 'FZ-CAL',
  slaPolicy: 'FZ-SLA',
  offering: 'FZ-OFF',
  line: 'FZLINE',
  team: 'Doomed team',
  managerEmail: 'fuzz.manager@mercia.example',
  spareEmail: 'fuzz.spare@mercia.example',
  /** An SLA policy of FZLINE, for offerings of that line. */
  lineSlaPolicy: 'FZL-SLA',
  personEmail: 'fuzz.person@mercia.example',
  disabledEmail: 'fuzz.disabled@mercia.example',
} as const;

const target = (value: number, unit: 'working_minutes' | 'working_days'): Json => ({ value, unit });

/** A valid SLA policy body of the IT line. */
export const slaPolicyBody = (code: string): Json => ({
  code,
  name: 'Fuzz SLA policy',
  serviceLine: 'IT',
  calendar: 'MCC-OFFICE',
  warningPercent: 80,
  pauseStates: ['awaiting_requester', 'on_hold'],
  targets: {
    critical: { response: target(30, 'working_minutes'), resolution: target(240, 'working_minutes') },
    high: { response: target(60, 'working_minutes'), resolution: target(1, 'working_days') },
    medium: { response: target(240, 'working_minutes'), resolution: target(3, 'working_days') },
    low: { response: target(1, 'working_days'), resolution: target(10, 'working_days') },
  },
});

/** A valid calendar body. */
export const calendarBody = (code: string): Json => ({
  code,
  name: 'Fuzz calendar',
  timeZone: 'Europe/London',
  hours: {
    monday: [
      ['09:00', '12:00'],
      ['13:00', '17:00'],
    ],
    friday: [['09:00', '16:00']],
  },
  holidays: 'england-and-wales',
  closures: ['2026-12-24'],
});

/** A valid offering body of the IT line. */
export const offeringBody = (code: string): Json => ({
  serviceLine: 'IT',
  code,
  name: 'Fuzz offering',
  description: 'Made by the fuzz test.',
  lgslId: 12,
  unit: 'item',
  formFields: [
    { key: 'for_whom', label: 'For whom', type: 'text', required: true, hint: 'Their name' },
    { label: 'Model', type: 'choice', options: ['Standard', 'Large'] },
  ],
  slaPolicy: 'IT-STANDARD',
  approvalRequired: true,
  status: 'active',
});

async function addPerson(
  t: TestApp,
  email: string,
  name: string,
  org: string,
  roles: string[],
  disabled = false,
) {
  await sql`insert into users (email, name, password_hash, disabled_at)
    select ${email}, ${name}, password_hash, ${disabled ? new Date() : null} from users
    where email = 'service.manager@mercia.example'`.execute(t.db.kysely);
  await sql`insert into memberships (org_id, user_id, roles)
    select o.id, u.id, ${roles} from organisations o, users u
    where o.code = ${org} and u.email = ${email}`.execute(t.db.kysely);
}

export async function makeFuzzFixtures(t: TestApp): Promise<FuzzFixtures> {
  await addPerson(t, FUZZ.managerEmail, 'Fuzz Manager', 'MCC', ['service_manager']);
  await addPerson(t, FUZZ.spareEmail, 'Fuzz Spare', 'MCC', ['service_manager']);
  await addPerson(t, FUZZ.personEmail, 'Fuzz Person', 'MCC-RES', ['requester']);
  await addPerson(t, FUZZ.disabledEmail, 'Fuzz Disabled', 'MCC-RES', ['requester'], true);
  const admin = await apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
  const manager = await apiTokenFor(t.db, 'service.manager@mercia.example', 'MCC');
  const finance = await apiTokenFor(t.db, 'finance@mercia.example', 'MCC');
  const call = async (
    token: string,
    url: string,
    body: unknown,
    method: 'POST' | 'PUT' = 'POST',
  ): Promise<LightMyRequestResponse> => {
    const answer = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    if (answer.statusCode >= 300)
      throw new Error(`fuzz fixtures: ${method} ${url} answered ${answer.statusCode} ${answer.body}`);
    return answer;
  };
  const org = await call(admin, '/api/v1/organisations', {
    code: FUZZ.org,
    name: 'Fuzz organisation',
    role: 'partner',
    kind: 'voluntary',
    bankHolidayDivision: 'england-and-wales',
  });
  const orgId = org.json<{ id: string }>().id;
  const agreement = await call(admin, `/api/v1/organisations/${orgId}/service-lines`, {
    serviceLine: 'FIN',
    validFrom: '2090-01-01',
  });
  await call(manager, '/api/v1/calendars', calendarBody(FUZZ.calendar));
  await call(manager, '/api/v1/catalogue/sla-policies', slaPolicyBody(FUZZ.slaPolicy));
  await call(manager, '/api/v1/catalogue/offerings', offeringBody(FUZZ.offering));
  const tariff = await call(manager, '/api/v1/catalogue/tariffs', {
    offering: FUZZ.offering,
    unitPrice: '10.00',
    validFrom: '2090-01-01',
  });
  await call(manager, '/api/v1/catalogue/service-lines', {
    code: FUZZ.line,
    name: 'Fuzz line',
    teams: [FUZZ.team],
  });
  await call(manager, `/api/v1/catalogue/service-lines/${FUZZ.line}/managers`, { email: FUZZ.managerEmail });
  await call(manager, '/api/v1/catalogue/sla-policies', {
    ...(slaPolicyBody(FUZZ.lineSlaPolicy) as Record<string, Json>),
    serviceLine: FUZZ.line,
  });
  const businessCase = await call(finance, '/api/v1/business-cases', sampleCase());
  await call(
    finance,
    '/api/v1/cost-models/HR',
    { unit: 'payslips', fixedCost: '100000.00', variableCost: '0.50' },
    'PUT',
  );
  const scenario = await call(finance, '/api/v1/what-if-scenarios', {
    serviceLine: 'HR',
    prospect: 'Fuzz District Council',
    prospectVolume: 5000,
  });
  const approvable = await call(
    finance,
    '/api/v1/business-cases',
    sampleCase({ title: 'Fuzz case to approve' }),
  );
  const removable = await call(
    finance,
    '/api/v1/business-cases',
    sampleCase({ title: 'Fuzz case to remove' }),
  );
  const removableScenario = await call(finance, '/api/v1/what-if-scenarios', {
    serviceLine: 'HR',
    prospect: 'Fuzz Borough Council',
    prospectVolume: 100,
  });
  // The partnership and the joint committee, kept by the host's executive.
  const executive = await apiTokenFor(t.db, 'executive@mercia.example', 'MCC');
  const prospect = await call(executive, '/api/v1/partnership/prospects', {
    name: 'Fuzz prospect',
    kind: 'police',
  });
  const orgIds = Object.fromEntries(
    (
      await sql<{ code: string; id: string }>`select code, id::text as id from organisations`.execute(
        t.db.kysely,
      )
    ).rows.map((row) => [row.code, row.id]),
  );
  const termsOf = (code: string) => `/api/v1/organisations/${orgIds[code]}/agreement-versions`;
  const draftTerms = (effectiveFrom: string, serviceLine: string) => ({
    effectiveFrom,
    reviewOn: '2099-03-31',
    noticeMonths: 12,
    exitCostSharing: 'Shared by the last year of charges',
    dataSharingRole: 'controller',
    lines: [{ serviceLine, chargingModel: 'per_unit' }],
  });
  const signable = await call(
    executive,
    `/api/v1/organisations/${orgId}/agreement-versions`,
    draftTerms('2090-01-01', 'FIN'),
  );
  const discardable = await call(executive, termsOf('MCC-RES'), draftTerms('2090-01-01', 'HR'));
  for (const organisation of ['MCC', 'WDC'])
    await call(executive, '/api/v1/committee/seats', {
      organisation,
      effectiveFrom: '2026-01-01',
      memberName: `${organisation} fuzz member`,
      memberJobTitle: 'Leader',
      substituteName: `${organisation} fuzz substitute`,
      substituteJobTitle: 'Deputy',
    });
  const meeting = await call(executive, '/api/v1/committee-meetings', {
    heldOn: '2026-06-01',
    title: 'Fuzz meeting',
  });
  const confirmable = await call(executive, '/api/v1/committee-meetings', {
    heldOn: '2026-06-02',
    title: 'Fuzz meeting to confirm',
  });
  const confirmableId = confirmable.json<{ id: string }>().id;
  await call(
    executive,
    `/api/v1/committee-meetings/${confirmableId}/attendance`,
    {
      attendance: [
        { organisation: 'MCC', attended: 'member' },
        { organisation: 'WDC', attended: 'substitute' },
      ],
    },
    'PUT',
  );
  const run = async (period: string) =>
    (await call(finance, '/api/v1/recharge-runs', { period, organisations: [FUZZ.org] })).json<{
      run: { id: string };
    }>().run.id;
  const runs = {
    compute: await run('2091-01'),
    review: await run('2091-02'),
    discard: await run('2091-03'),
    issue: await run('2091-04'),
  };
  await call(finance, `/api/v1/recharge-runs/${runs.issue}/review`, {});
  const records = await demoRecords(t.db);
  const userId = (email: string) => records.users.find((u) => u.email === email)!.id;
  return {
    ...records,
    orgId,
    agreementId: agreement.json<{ id: string }>().id,
    tariffId: tariff.json<{ id: string }>().id,
    businessCaseId: businessCase.json<{ id: string }>().id,
    whatIfScenarioId: scenario.json<{ id: string }>().id,
    approvableCaseId: approvable.json<{ id: string }>().id,
    removableCaseId: removable.json<{ id: string }>().id,
    removableScenarioId: removableScenario.json<{ id: string }>().id,
    prospectId: prospect.json<{ id: string }>().id,
    editableTermsId: (await firstValue(
      t,
      `select v.id::text as value from agreement_versions v join organisations o on o.id = v.org_id
       where o.code = 'BWF' and v.status = 'draft'`,
    ))!,
    signableTermsId: signable.json<{ id: string }>().id,
    discardableTermsId: discardable.json<{ id: string }>().id,
    meetingId: meeting.json<{ id: string }>().id,
    confirmableMeetingId: confirmableId,
    runs,
    itTeamId: await firstValue(
      t,
      `select t.id::text as value from service_line_teams t join service_lines l on l.id = t.service_line_id
       where l.code = 'IT' order by t.name`,
    ),
    requestId: await firstValue(
      t,
      `select r.id::text as value from requests r join organisations o on o.id = r.org_id
       where o.code = 'WDC' order by r.reference`,
    ),
    managerId: userId(FUZZ.managerEmail),
    spareId: userId(FUZZ.spareEmail),
    personId: userId(FUZZ.personEmail),
    disabledId: userId(FUZZ.disabledEmail),
    requestReference: await firstValue(
      t,
      `select r.reference as value from requests r join organisations o on o.id = r.org_id
       where o.code = 'WDC' order by r.reference`,
    ),
    timeEntryId: await firstValue(
      t,
      `select id::text as value from request_time_entries order by recorded_at`,
    ),
    rechargeRunId: await firstValue(t, `select id::text as value from recharge_runs order by created_at`),
    statementNumber: await firstValue(
      t,
      `select number as value from recharge_statements where number is not null order by number`,
    ),
    attachmentId: await firstValue(
      t,
      `select a.id::text as value from request_attachments a join requests r on r.id = a.request_id
       join organisations o on o.id = r.org_id where o.code = 'WDC' order by r.reference, a.uploaded_at`,
    ),
    chargingArrangementId: await firstValue(
      t,
      `select id::text as value from charging_arrangements order by valid_from`,
    ),
  };
}
