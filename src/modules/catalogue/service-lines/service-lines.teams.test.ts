import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, type Scope } from '../../../platform/db/index.js';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';

let t: TestApp;
const orgs: Record<string, string> = {};
const users: Record<string, string> = {};

const MANAGER = 'service.manager@mercia.example';
/** Made a service manager of the host, but of no line: may not change PRINT's teams. */
const OTHER_MANAGER = 'teamlead@mercia.example';
const AGENT = 'agent@mercia.example';
const PARTNER = 'manager@wyvern.example';

beforeAll(async () => {
  t = await buildTestApp();
  const found = await demoIds(t.db);
  Object.assign(orgs, found.orgs);
  Object.assign(users, found.users);
  await sql`update memberships set roles = '{team_lead,agent,service_manager}'
             where user_id = ${users[OTHER_MANAGER]} and org_id = ${orgs.MCC}`.execute(t.db.kysely);
});
afterAll(() => t.close());

type Json = Record<string, unknown>;
const api = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);
const teamsOf = async (code: string) => {
  const row = await sql<{ teams: string[] }>`
    select coalesce(array_agg(t.name order by t.name), '{}') as teams
      from service_line_teams t join service_lines l on l.id = t.service_line_id where l.code = ${code}`.execute(
    t.db.kysely,
  );
  return row.rows[0]!.teams;
};
const latestAudit = (action: string) =>
  t.db.kysely
    .selectFrom('audit_events')
    .select(['org_id', 'actor_user_id', 'entity_type', 'before', 'after'])
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .executeTakeFirst();

function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

const PRINT_TEAMS = ['Post room', 'Print room'];

describe('changing the teams of a service line on its page', () => {
  it('lets a manager add a team and remove it, auditing each change', async () => {
    const manager = await signedInBrowser(t.app, MANAGER);
    const page = await manager.get('/catalogue/service-lines/PRINT');
    expect(page.body).toContain('action="/catalogue/service-lines/PRINT/teams"');
    expect(page.body).toContain('action="/catalogue/service-lines/PRINT/teams/Print%20room/remove"');

    const added = await manager.post('/catalogue/service-lines/PRINT/teams', { name: '  Large format  ' });
    expect(added.statusCode).toBe(303);
    const after = await manager.get(added.headers.location as string);
    expect(after.body).toContain('Team added');
    expect(after.body).toContain('Large format');
    expect(await teamsOf('PRINT')).toEqual(['Large format', ...PRINT_TEAMS]);
    expect(await latestAudit('service-line.team.add')).toEqual({
      org_id: orgs.MCC,
      actor_user_id: users[MANAGER],
      entity_type: 'service_line',
      before: { teams: PRINT_TEAMS },
      after: { teams: ['Large format', ...PRINT_TEAMS] },
    });

    const removed = await manager.post('/catalogue/service-lines/PRINT/teams/Large%20format/remove', {});
    expect(removed.statusCode).toBe(303);
    expect((await manager.get(removed.headers.location as string)).body).toContain('Team removed');
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
    expect(await latestAudit('service-line.team.remove')).toMatchObject({
      actor_user_id: users[MANAGER],
      before: { teams: ['Large format', ...PRINT_TEAMS] },
      after: { teams: PRINT_TEAMS },
    });
    expect((await manager.post('/catalogue/service-lines/PRINT/teams/Nope/remove', {})).statusCode).toBe(404);
  });

  it('refuses a duplicate, an empty or an overlong name with an error summary, changing nothing', async () => {
    const manager = await signedInBrowser(t.app, MANAGER);
    await manager.get('/catalogue/service-lines/PRINT');
    const cases: Array<[string, string]> = [
      ['print ROOM', 'This service line already has a team with that name'],
      ['', 'Enter a team name'],
      ['   ', 'Enter a team name'],
      ['x'.repeat(201), 'Team name must be 200 characters or fewer'],
    ];
    for (const [name, message] of cases) {
      const refused = await manager.post('/catalogue/service-lines/PRINT/teams', { name });
      expect(refused.statusCode, name).toBe(400);
      expect(errorSummary(refused.body), name).toContain(message);
      expect(refused.body).toContain('href="#name"');
    }
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
  });

  it('shows the teams to other host staff without the forms, and refuses their changes; partners find nothing', async () => {
    for (const email of [OTHER_MANAGER, AGENT]) {
      const browser = await signedInBrowser(t.app, email);
      const page = await browser.get('/catalogue/service-lines/PRINT');
      expect(page.statusCode, email).toBe(200);
      expect(page.body).toContain('Print room');
      expect(page.body).not.toContain('/catalogue/service-lines/PRINT/teams');
      expect((await browser.post('/catalogue/service-lines/PRINT/teams', { name: 'Mine' })).statusCode).toBe(
        403,
      );
      expect(
        (await browser.post('/catalogue/service-lines/PRINT/teams/Print%20room/remove', {})).statusCode,
      ).toBe(403);
    }
    const partner = await signedInBrowser(t.app, PARTNER);
    const hidden = await partner.get('/catalogue/service-lines/PRINT');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('Print room');
    expect((await partner.post('/catalogue/service-lines/PRINT/teams', { name: 'Mine' })).statusCode).toBe(
      404,
    );
    expect(
      (await partner.post('/catalogue/service-lines/PRINT/teams/Print%20room/remove', {})).statusCode,
    ).toBe(404);
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
  });
});

describe('line teams API', () => {
  const base = '/api/v1/catalogue/service-lines/PRINT/teams';

  it('lets a manager add a team and remove it', async () => {
    const token = await apiTokenFor(t.db, MANAGER, 'MCC');
    const added = await api(token, 'POST', base, { name: 'Binding' });
    expect(added.statusCode).toBe(201);
    expect(added.json<Json>()).toEqual({ data: ['Binding', ...PRINT_TEAMS] });
    expect(await teamsOf('PRINT')).toEqual(['Binding', ...PRINT_TEAMS]);
    expect((await api(token, 'DELETE', `${base}/Binding`)).statusCode).toBe(204);
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
    const again = await api(token, 'DELETE', `${base}/Binding`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('ERR_NOT_FOUND');
    expect(await latestAudit('service-line.team.remove')).toMatchObject({ after: { teams: PRINT_TEAMS } });
  });

  it('refuses a duplicate and an empty name with stable codes, changing nothing', async () => {
    const token = await apiTokenFor(t.db, MANAGER, 'MCC');
    const duplicate = await api(token, 'POST', base, { name: 'POST ROOM' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({
      code: 'ERR_TEAM_NAME_TAKEN',
      details: { fields: { name: 'catalogue.errors.teamTaken' } },
    });
    for (const body of [{ name: '' }, { name: '  ' }, {}, { name: 'x'.repeat(201) }]) {
      const refused = await api(token, 'POST', base, body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      expect(refused.json().error.code).toBe('ERR_VALIDATION');
    }
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
  });

  it('is refused by the database itself when a name differs only in case (two writers at once)', async () => {
    const copy = sql`insert into service_line_teams (org_id, service_line_id, name)
                     select org_id, service_line_id, upper(name) from service_line_teams where name = ${PRINT_TEAMS[0]!}`;
    await expect(copy.execute(t.db.kysely)).rejects.toMatchObject({ code: '23505' });
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
  });

  it('answers 403 to host staff who do not manage the line and 404 to a partner', async () => {
    for (const email of [OTHER_MANAGER, AGENT]) {
      const token = await apiTokenFor(t.db, email, 'MCC');
      expect((await api(token, 'POST', base, { name: 'Mine' })).statusCode, email).toBe(403);
      expect((await api(token, 'DELETE', `${base}/Print%20room`)).statusCode, email).toBe(403);
    }
    const partner = await apiTokenFor(t.db, PARTNER, 'WDC');
    const refused = await api(partner, 'POST', base, { name: 'Mine' });
    const none = await api(partner, 'POST', '/api/v1/catalogue/service-lines/NOPE/teams', { name: 'Mine' });
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toEqual(none.json());
    expect((await api(partner, 'DELETE', `${base}/Print%20room`)).statusCode).toBe(404);
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const add = doc.paths['/api/v1/catalogue/service-lines/{code}/teams'].post;
    expect(add.tags).toEqual(['catalogue']);
    expect(Object.keys(add.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409']),
    );
    const remove = doc.paths['/api/v1/catalogue/service-lines/{code}/teams/{name}'].delete;
    expect(remove.tags).toEqual(['catalogue']);
    expect(Object.keys(remove.responses)).toEqual(expect.arrayContaining(['204', '401', '403', '404']));
  });
});

describe('line teams in the database', () => {
  const scopeOf = (email: string, org = 'MCC'): Scope => ({ userId: users[email], orgIds: [orgs[org]!] });
  const lineId = async () =>
    (await sql<{ id: string }>`select id from service_lines where code = 'PRINT'`.execute(t.db.kysely))
      .rows[0]!.id;

  /** Adds a team straight in the database under row level security: whether it went in. */
  const addUnderRls = async (scope: Scope, name: string) => {
    const id = await lineId();
    return inScope(t.db, scope, async (tx) => {
      await sql`insert into service_line_teams (org_id, service_line_id, name)
                values (${orgs.MCC}::uuid, ${id}::uuid, ${name})`.execute(tx);
      return true;
    }).catch((error: unknown) => {
      expect(String(error)).toMatch(/row-level security/);
      return false;
    });
  };
  /** Removes a team straight in the database under row level security: rows removed. */
  const removeUnderRls = (scope: Scope, name: string) =>
    inScope(t.db, scope, async (tx) =>
      Number((await sql`delete from service_line_teams where name = ${name}`.execute(tx)).numAffectedRows),
    );

  it('refuses changes by anyone but a manager of the line', async () => {
    for (const scope of [scopeOf(OTHER_MANAGER), scopeOf(AGENT), scopeOf(PARTNER, 'WDC')]) {
      expect(await addUnderRls(scope, 'Mine')).toBe(false);
      expect(await removeUnderRls(scope, 'Print room')).toBe(0);
    }
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
    // The same statements succeed for a manager of the line, so it is the policy that refused them.
    expect(await addUnderRls(scopeOf(MANAGER), 'Mine')).toBe(true);
    expect(await removeUnderRls(scopeOf(MANAGER), 'Mine')).toBe(1);
    expect(await teamsOf('PRINT')).toEqual(PRINT_TEAMS);
  });
});
