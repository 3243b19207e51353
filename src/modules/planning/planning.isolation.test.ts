import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import { inScope, type Scope } from '../../platform/db/index.js';
import { PEOPLE, sampleCase } from './planning.test-helpers.js';

/**
 * A partner never sees a business case, a scenario, a cost model, or another partner's baseline,
 * planned saving or charges: not through the API, and not through SQL under the application role
 * with the partner's scope, whatever query is made. Approved cases, planned savings and the
 * ledger's charges never change, for anyone.
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let caseId: string;
let draftId: string;
let scenarioId: string;
const tokens: Record<string, string> = {};
const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);

const PLANNING_TABLES = [
  'business_cases',
  'business_case_options',
  'business_case_flows',
  'business_case_bias',
  'business_case_rates',
  'business_case_savings',
  'line_cost_models',
  'what_if_scenarios',
];

const scopeOf = (email: string, org: string): Scope => ({
  userId: ids.users[email]!,
  orgIds: [ids.orgs[org]!],
});

/** What a query sees, run as the application role in `scope`. */
const seen = (scope: Scope, query: string) =>
  inScope(t.db, scope, async (tx) => (await sql.raw<Record<string, unknown>>(query).execute(tx)).rows);

/** The error a statement raises as the application role in `scope`. */
async function refusal(scope: Scope, statement: string): Promise<string> {
  try {
    await inScope(t.db, scope, (tx) => sql.raw(statement).execute(tx));
  } catch (error) {
    return (error as Error).message;
  }
  return 'not refused';
}

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  for (const [who, org] of [
    ['finance', 'MCC'],
    ['executive', 'MCC'],
    ['wdcManager', 'WDC'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, PEOPLE[who], org);
  await api('finance', 'POST', '/api/v1/savings-baselines/import', {
    csv: 'organisation,service_line,year,amount,source\nWDC,HR,2026-27,500000,a\nMFRS,HR,2026-27,200000,b',
  });
  const created = await api(
    'finance',
    'POST',
    '/api/v1/business-cases',
    sampleCase({
      plannedSavings: [
        { organisation: 'WDC', serviceLine: 'HR', year: '2026-27', amount: '1000.00' },
        { organisation: 'MFRS', serviceLine: 'HR', year: '2026-27', amount: '2000.00' },
      ],
    }),
  );
  caseId = created.json().id;
  await api('executive', 'POST', `/api/v1/business-cases/${caseId}/approve`);
  draftId = (await api('finance', 'POST', '/api/v1/business-cases', sampleCase())).json().id;
  await api('finance', 'PUT', '/api/v1/cost-models/HR', {
    unit: 'payslips',
    fixedCost: '1000.00',
    variableCost: '1.00',
  });
  scenarioId = (
    await api('finance', 'POST', '/api/v1/what-if-scenarios', {
      serviceLine: 'HR',
      prospect: 'X',
      prospectVolume: 10,
    })
  ).json().id;
});
afterAll(() => t?.close());

describe('a partner, through SQL under the application role', () => {
  it('sees no business case, option, cash flow, cost model or scenario', async () => {
    for (const [email, org] of [
      [PEOPLE.wdcManager, 'WDC'],
      [PEOPLE.wdcRequester, 'WDC'],
    ] as const)
      for (const table of PLANNING_TABLES)
        expect(await seen(scopeOf(email, org), `select * from ${table}`), `${email} ${table}`).toEqual([]);
  });

  it('sees only its own baselines, planned savings and charges — its managers only', async () => {
    const manager = scopeOf(PEOPLE.wdcManager, 'WDC');
    for (const table of ['savings_baselines', 'planned_savings', 'ledger_charges', 'savings_ledger_lines']) {
      const rows = await seen(manager, `select org_id from ${table}`);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.org_id)), table).toEqual(new Set([ids.orgs.WDC]));
      expect(await seen(scopeOf(PEOPLE.wdcRequester, 'WDC'), `select * from ${table}`), table).toEqual([]);
    }
    // Another partner's id named outright still finds nothing.
    expect(await seen(manager, `select * from savings_baselines where org_id = '${ids.orgs.MFRS}'`)).toEqual(
      [],
    );
    expect(await seen(manager, `select * from business_cases where id = '${caseId}'`)).toEqual([]);
  });

  it('writes nothing of planning', async () => {
    const manager = scopeOf(PEOPLE.wdcManager, 'WDC');
    expect(
      await refusal(
        manager,
        `insert into savings_baselines (org_id, host_org_id, service_line_id, financial_year, amount_pence, source)
         select '${ids.orgs.WDC}', '${ids.orgs.MCC}', id, '2027-28', 1, 'mine' from service_lines where code = 'HR'`,
      ),
    ).toMatch(/row-level security|row level security/);
    expect(
      await refusal(
        manager,
        `insert into business_cases (org_id, title, base_year, horizon_years) values ('${ids.orgs.WDC}', 'x', '2026-27', 1)`,
      ),
    ).toMatch(/row-level security|row level security/);
    expect(await refusal(manager, `update planning_settings set ledger_tolerance_basis_points = 0`)).toBe(
      'not refused',
    );
    expect(
      (
        await seen(
          scopeOf(PEOPLE.finance, 'MCC'),
          'select ledger_tolerance_basis_points as bp from planning_settings',
        )
      ).map((r) => r.bp),
    ).not.toContain(0);
  });
});

describe('in the host, only those whose work it is', () => {
  it('shows an agent no business case or scenario, and a service manager cases to read but not write', async () => {
    const agent = scopeOf(PEOPLE.agent, 'MCC');
    for (const table of [
      ...PLANNING_TABLES,
      'savings_baselines',
      'planned_savings',
      'ledger_charges',
      'savings_ledger_lines',
    ])
      expect(await seen(agent, `select * from ${table}`), table).toEqual([]);
    const manager = scopeOf(PEOPLE.serviceManager, 'MCC');
    expect((await seen(manager, 'select id from business_cases')).length).toBeGreaterThan(0);
    expect(await seen(manager, 'select * from savings_baselines')).toEqual([]);
    expect(await refusal(manager, `update business_cases set title = 'Mine' where id = '${draftId}'`)).toBe(
      'not refused',
    );
    const [draft] = await seen(
      scopeOf(PEOPLE.finance, 'MCC'),
      `select title from business_cases where id = '${draftId}'`,
    );
    expect(draft!.title).toBe('Shared HR and payroll');
  });
});

describe('what never changes', () => {
  it('refuses any change to an approved case, its planned savings and the ledger’s charges, even by the owner', async () => {
    const finance = scopeOf(PEOPLE.finance, 'MCC');
    const statements = [
      `update business_cases set title = 'Changed' where id = '${caseId}'`,
      `delete from business_cases where id = '${caseId}'`,
      `update business_case_flows set amount_pence = 1 where case_id = '${caseId}'`,
      `delete from business_case_options where case_id = '${caseId}'`,
      `insert into business_case_rates (org_id, case_id, from_year, rate) values ('${ids.orgs.MCC}', '${caseId}', 500, 0.01)`,
      `update planned_savings set amount_pence = 0 where case_id = '${caseId}'`,
      `delete from planned_savings where case_id = '${caseId}'`,
      `update ledger_charges set amount_pence = 0`,
      `delete from ledger_charges`,
    ];
    // The ledger's lines are written only by the triggers that keep them, as the owner.
    for (const statement of [
      `update savings_ledger_lines set charged_pence = 0`,
      `delete from savings_ledger_lines`,
      `insert into savings_ledger_lines (host_org_id, org_id, service_line_id, financial_year)
       select host_org_id, org_id, service_line_id, '2040-41' from savings_ledger_lines limit 1`,
    ])
      expect(await refusal(finance, statement), statement).toMatch(/permission denied/);
    for (const statement of statements) {
      expect(await refusal(finance, statement), statement).toMatch(
        /approved|fixed|never change|kept|permission denied/,
      );
      await expect(sql.raw(statement).execute(t.db.kysely), statement).rejects.toThrow(
        /approved|fixed|never change|kept/,
      );
    }
    expect(
      await refusal(
        finance,
        `insert into ledger_charges (run_id, org_id, statement_kind, service_line_id, host_org_id, number, financial_year,
                                     period_from, period_until, amount_pence, line_count)
         select run_id, org_id, statement_kind, service_line_id, host_org_id, number || 'X', financial_year, period_from,
                period_until, -amount_pence, line_count from ledger_charges limit 1`,
      ),
    ).toMatch(/kept from issued statements/);
    expect(
      await refusal(
        finance,
        `insert into planned_savings (org_id, host_org_id, case_id, service_line_id, financial_year, amount_pence, approved_at)
         select '${ids.orgs.WDC}', '${ids.orgs.MCC}', '${draftId}', id, '2030-31', 1, now() from service_lines where code = 'HR'`,
      ),
    ).toMatch(/fixed by approving/);
    const { statusCode, body } = await api(
      'finance',
      'PUT',
      `/api/v1/business-cases/${caseId}`,
      sampleCase(),
    );
    expect(statusCode).toBe(409);
    expect(JSON.parse(body).error.code).toBe('ERR_CASE_APPROVED');
  });
});

describe('a partner through the API', () => {
  it('is refused cases, scenarios and cost models, and sees only its own ledger rows', async () => {
    expect((await api('wdcManager', 'GET', '/api/v1/business-cases')).statusCode).toBe(403);
    expect((await api('wdcManager', 'GET', `/api/v1/business-cases/${caseId}`)).statusCode).toBe(404);
    expect((await api('wdcManager', 'GET', `/api/v1/what-if-scenarios/${scenarioId}`)).statusCode).toBe(404);
    expect(
      (
        await api('wdcManager', 'POST', '/api/v1/what-if-scenarios/preview', {
          serviceLine: 'HR',
          prospect: 'X',
          prospectVolume: 1,
        })
      ).statusCode,
    ).toBe(404);
    const ledger = (await api('wdcManager', 'GET', '/api/v1/savings-ledger')).json();
    expect(JSON.stringify(ledger)).not.toContain('MFRS');
    const baselines = (await api('wdcManager', 'GET', '/api/v1/savings-baselines')).json();
    expect(baselines.data.map((b: { organisation: string }) => b.organisation)).toEqual(['WDC']);
  });
});
