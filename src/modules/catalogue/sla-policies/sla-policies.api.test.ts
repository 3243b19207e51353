import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';

let t: TestApp;
const ids: Record<string, string> = {};

const tokenFor = (email: string, code: string) => apiTokenFor(t.db, email, code);
const api = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);

let manager: string;

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, (await demoIds(t.db)).orgs);
  manager = await tokenFor('service.manager@mercia.example', 'MCC');
});
afterAll(() => t.close());

const count = async (table: string) =>
  Number(
    (
      await t.db.kysely
        .selectFrom(table as 'users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('SLA policies', () => {
  const targets = {
    critical: {
      response: { value: 15, unit: 'working_minutes' },
      resolution: { value: 120, unit: 'working_minutes' },
    },
    high: {
      response: { value: 30, unit: 'working_minutes' },
      resolution: { value: 1, unit: 'working_days' },
    },
    medium: {
      response: { value: 60, unit: 'working_minutes' },
      resolution: { value: 3, unit: 'working_days' },
    },
    low: { response: { value: 1, unit: 'working_days' }, resolution: { value: 5, unit: 'working_days' } },
  };
  const body = {
    code: 'PRINT-RUSH',
    name: 'Print rush',
    serviceLine: 'PRINT',
    calendar: 'MCC-OFFICE',
    warningPercent: 80,
    pauseStates: ['awaiting_requester'],
    targets,
  };

  it('adds and changes a policy that offerings and variants can then use', async () => {
    const created = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'PRINT-RUSH', serviceLine: 'PRINT', version: 1 });
    const changed = await api(manager, 'PUT', '/api/v1/catalogue/sla-policies/PRINT-RUSH', {
      ...body,
      warningPercent: 70,
    });
    expect(changed.json()).toMatchObject({ warningPercent: 70, version: 2 });
    const variant = await api(manager, 'PUT', '/api/v1/catalogue/offerings/PRT-BULK/variants/BWF', {
      slaPolicy: 'PRINT-RUSH',
    });
    expect(variant.json().resolved.slaPolicy.code).toBe('PRINT-RUSH');
    const bwf = await tokenFor('requester@brightwater.example', 'BWF');
    expect((await api(bwf, 'GET', '/api/v1/catalogue/offerings/PRT-BULK')).json().slaPolicy).toMatchObject({
      code: 'PRINT-RUSH',
      warningPercent: 70,
    });
  });

  it('refuses bad targets, unknown calendars and other lines', async () => {
    const before = await count('sla_policies');
    const bad = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'PRINT-BAD',
      targets: {
        ...targets,
        low: { response: { value: 0, unit: 'working_days' }, resolution: { value: 5, unit: 'working_days' } },
      },
    });
    expect(bad.statusCode).toBe(400);
    const calendar = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'PRINT-BAD',
      calendar: 'NOPE',
    });
    expect(calendar.json().error.details.fields.calendar).toBe('catalogue.errors.calendarUnknown');
    const line = await api(manager, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'PRINT-BAD',
      serviceLine: 'NOPE',
    });
    expect(line.json().error.details.fields.serviceLine).toBe('catalogue.errors.serviceLineUnknown');
    expect(await count('sla_policies')).toBe(before);
  });

  it('audits a change with what the policy was before', async () => {
    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select(['before', 'after'])
      .where('action', '=', 'sla-policy.change')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ code: 'PRINT-RUSH', warningPercent: 80, calendar: 'MCC-OFFICE' });
    expect(audit.after).toMatchObject({ code: 'PRINT-RUSH', warningPercent: 70 });
  });

  it('answers a code taken in a line the caller cannot see exactly as one they can see', async () => {
    // The team lead becomes a service manager of Finance alone: IT's partner policies are out of sight.
    const { users, orgs } = await demoIds(t.db);
    const lead = users['teamlead@mercia.example']!;
    await sql`update memberships set roles = '{team_lead,agent,service_manager}'
               where user_id = ${lead} and org_id = ${orgs.MCC}`.execute(t.db.kysely);
    await sql`update service_lines set manager_user_ids = array_append(manager_user_ids, ${lead}::uuid)
               where code = 'FIN'`.execute(t.db.kysely);
    const finance = await tokenFor('teamlead@mercia.example', 'MCC');
    expect((await api(finance, 'GET', '/api/v1/catalogue/sla-policies/IT-WDC')).statusCode).toBe(404);
    const before = await count('sla_policies');
    const unseen = await api(finance, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'IT-WDC',
      serviceLine: 'FIN',
    });
    const seen = await api(finance, 'POST', '/api/v1/catalogue/sla-policies', {
      ...body,
      code: 'FIN-STANDARD',
      serviceLine: 'FIN',
    });
    expect(unseen.statusCode).toBe(409);
    expect(unseen.json()).toEqual(seen.json());
    expect(seen.json().error).toEqual({
      code: 'ERR_CATALOGUE_CODE_TAKEN',
      message: 'An SLA policy with that code already exists',
      details: { fields: { code: 'catalogue.errors.codeTaken' } },
    });
    expect(await count('sla_policies')).toBe(before);
  });
});
