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
/** A team lead who is also made a service manager of the host, so that a line can be handed to them. */
const SECOND = 'teamlead@mercia.example';

beforeAll(async () => {
  t = await buildTestApp();
  const found = await demoIds(t.db);
  Object.assign(orgs, found.orgs);
  Object.assign(users, found.users);
  await sql`update memberships set roles = '{team_lead,agent,service_manager}'
             where user_id = ${users[SECOND]} and org_id = ${orgs.MCC}`.execute(t.db.kysely);
});
afterAll(() => t.close());

type Json = Record<string, unknown>;
const api = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);
const managerEmails = async (code: string) => {
  const row = await sql<{ emails: string[] }>`
    select coalesce(array_agg(u.email order by u.email), '{}') as emails
      from service_lines l join users u on u.id = any(l.manager_user_ids) where l.code = ${code}`.execute(
    t.db.kysely,
  );
  return row.rows[0]!.emails;
};
const scopeOf = (email: string): Scope => ({ userId: users[email], orgIds: [orgs.MCC!] });
/** Renames an offering straight in the database as `email`, under row level security: rows changed. */
const renameUnderRls = (email: string, code: string) =>
  inScope(t.db, scopeOf(email), async (tx) =>
    Number(
      (await sql`update offerings set name = name || ' ' where code = ${code}`.execute(tx)).numAffectedRows,
    ),
  );

function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

/** Changes an offering's name through the API as the token's owner (read first as `reader`, a manager of its line); the status code. */
async function renameThroughApi(
  token: string,
  code: string,
  name: string,
  reader = MANAGER,
): Promise<number> {
  const manager = await apiTokenFor(t.db, reader, 'MCC');
  const standard = (await api(manager, 'GET', `/api/v1/catalogue/offerings/${code}/standard`)).json<Json>();
  expect(standard.code).toBe(code);
  const { version: _version, ...body } = standard;
  return (await api(token, 'PUT', `/api/v1/catalogue/offerings/${code}`, { ...body, name })).statusCode;
}

describe('a service line page', () => {
  it("is linked from the service manager's catalogue and shows the line's teams and managers", async () => {
    const manager = await signedInBrowser(t.app, MANAGER);
    const list = await manager.get('/catalogue');
    expect(list.body).toContain('href="/catalogue/service-lines/PRINT"');
    const page = await manager.get('/catalogue/service-lines/print');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Printing');
    expect(page.body).toContain('Print room');
    expect(page.body).toContain('Deborah Okafor');
    // Only the host's service managers are offered; the agent is not.
    expect(page.body).toContain(`<option value="${SECOND}"`);
    expect(page.body).not.toContain('agent@mercia.example');
    // The only manager has no button to remove themselves.
    expect(page.body).not.toContain('/managers/');
    expect(page.body).toContain('A line always keeps at least one manager.');
  });

  it('shows the host staff the line without the forms, and partners nothing', async () => {
    const agent = await signedInBrowser(t.app, 'agent@mercia.example');
    expect((await agent.get('/catalogue')).body).toContain('href="/catalogue/service-lines/PRINT"');
    const page = await agent.get('/catalogue/service-lines/PRINT');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Deborah Okafor');
    expect(page.body).not.toContain('action="/catalogue/service-lines/PRINT/managers"');
    expect(
      (await agent.post('/catalogue/service-lines/PRINT/managers', { email: 'agent@mercia.example' }))
        .statusCode,
    ).toBe(403);

    const partner = await signedInBrowser(t.app, 'manager@wyvern.example');
    expect((await partner.get('/catalogue')).body).not.toContain('/catalogue/service-lines/');
    const hidden = await partner.get('/catalogue/service-lines/PRINT');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('Deborah Okafor');
    expect(
      (await partner.post('/catalogue/service-lines/PRINT/managers', { email: SECOND })).statusCode,
    ).toBe(404);
    expect(await managerEmails('PRINT')).toEqual([MANAGER]);
  });
});

describe('adding and removing managers', () => {
  it('adds only a service manager of the host, with an error summary otherwise, and audits the change', async () => {
    const manager = await signedInBrowser(t.app, MANAGER);
    await manager.get('/catalogue/service-lines/PRINT');
    const empty = await manager.post('/catalogue/service-lines/PRINT/managers', { email: '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toContain('Select a service manager');
    for (const email of ['agent@mercia.example', 'requester@wyvern.example', 'nobody@example.org']) {
      const refused = await manager.post('/catalogue/service-lines/PRINT/managers', { email });
      expect(refused.statusCode, email).toBe(400);
      expect(errorSummary(refused.body)).toContain('Select a person who is a service manager of the host');
    }
    expect(await managerEmails('PRINT')).toEqual([MANAGER]);

    const added = await manager.post('/catalogue/service-lines/PRINT/managers', {
      email: SECOND.toUpperCase(),
    });
    expect(added.statusCode).toBe(303);
    const page = await manager.get(added.headers.location as string);
    expect(page.body).toContain('Manager added');
    expect(page.body).toContain('Callum Reid');
    expect(await managerEmails('PRINT')).toEqual([MANAGER, SECOND]);
    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select(['org_id', 'actor_user_id', 'before', 'after'])
      .where('action', '=', 'service-line.manager.add')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      org_id: orgs.MCC,
      actor_user_id: users[MANAGER],
      before: { managers: [MANAGER] },
      after: { managers: expect.arrayContaining([MANAGER, SECOND]) as unknown },
    });
    const again = await manager.post('/catalogue/service-lines/PRINT/managers', { email: SECOND });
    expect(errorSummary(again.body)).toContain('That person already manages this line');
  });

  it("lets an added manager change the line's offerings, and stops them once removed (API and database)", async () => {
    const second = await apiTokenFor(t.db, SECOND, 'MCC');
    expect(await renameThroughApi(second, 'PRT-POSTERS', 'Posters and banners')).toBe(200);
    expect(await renameUnderRls(SECOND, 'PRT-POSTERS')).toBe(1);
    // Managing Printing gives nothing in Legal.
    expect(await renameUnderRls(SECOND, 'LEG-ADVICE')).toBe(0);

    const manager = await signedInBrowser(t.app, MANAGER);
    await manager.get('/catalogue/service-lines/PRINT');
    const removed = await manager.post(`/catalogue/service-lines/PRINT/managers/${users[SECOND]}/remove`, {});
    expect(removed.statusCode).toBe(303);
    expect((await manager.get(removed.headers.location as string)).body).toContain('Manager removed');
    expect(await managerEmails('PRINT')).toEqual([MANAGER]);
    expect(
      await t.db.kysely
        .selectFrom('audit_events')
        .select('after')
        .where('action', '=', 'service-line.manager.remove')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow(),
    ).toEqual({ after: { managers: [MANAGER] } });

    expect(await renameThroughApi(second, 'PRT-POSTERS', 'Posters again')).toBe(404);
    expect(await renameUnderRls(SECOND, 'PRT-POSTERS')).toBe(0);
  });

  it('never removes the last manager', async () => {
    const manager = await signedInBrowser(t.app, MANAGER);
    await manager.get('/catalogue/service-lines/PRINT');
    const page = await manager.post(`/catalogue/service-lines/PRINT/managers/${users[MANAGER]}/remove`, {});
    expect(page.statusCode).toBe(400);
    expect(errorSummary(page.body)).toContain('A service line must keep at least one manager');
    expect(page.body).toContain('href="#managers"');
    const token = await apiTokenFor(t.db, MANAGER, 'MCC');
    const response = await api(
      token,
      'DELETE',
      `/api/v1/catalogue/service-lines/PRINT/managers/${users[MANAGER]}`,
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('ERR_LAST_MANAGER');
    expect(await managerEmails('PRINT')).toEqual([MANAGER]);
  });

  it('lets a manager hand a line over and step down, after which they may not change it', async () => {
    const manager = await apiTokenFor(t.db, MANAGER, 'MCC');
    const base = '/api/v1/catalogue/service-lines/FIN/managers';
    const added = await api(manager, 'POST', base, { email: SECOND });
    expect(added.statusCode).toBe(201);
    expect((added.json().data as Json[]).map((p) => p.email).sort()).toEqual([MANAGER, SECOND]);
    const left = await api(manager, 'DELETE', `${base}/${users[MANAGER]}`);
    expect(left.statusCode).toBe(200);
    expect((left.json().data as Json[]).map((p) => p.email)).toEqual([SECOND]);
    // Still a manager of other lines: told they may not, rather than that FIN is not there.
    expect((await api(manager, 'POST', base, { email: MANAGER })).statusCode).toBe(403);
    expect(await renameThroughApi(manager, 'FIN-SUPPLIER-INVOICE', 'Invoices', SECOND)).toBe(403);
    expect(await renameUnderRls(MANAGER, 'FIN-SUPPLIER-INVOICE')).toBe(0);
    expect(await renameUnderRls(SECOND, 'FIN-SUPPLIER-INVOICE')).toBe(1);
    const second = await apiTokenFor(t.db, SECOND, 'MCC');
    const last = await api(second, 'DELETE', `${base}/${users[SECOND]}`);
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('ERR_LAST_MANAGER');
    expect((await api(second, 'POST', base, { email: MANAGER })).statusCode).toBe(201);
  });
});

describe('line managers API', () => {
  it('lets a platform administrator change any line, with stable codes for bad input', async () => {
    const admin = await apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
    const base = '/api/v1/catalogue/service-lines/LEGAL/managers';
    const list = await api(admin, 'GET', base);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([{ id: users[MANAGER], name: 'Deborah Okafor', email: MANAGER }]);
    const notManager = await api(admin, 'POST', base, { email: 'finance@mercia.example' });
    expect(notManager.statusCode).toBe(400);
    expect(notManager.json().error).toMatchObject({
      code: 'ERR_NOT_A_SERVICE_MANAGER',
      details: { fields: { email: 'catalogue.errors.managerNotServiceManager' } },
    });
    expect((await api(admin, 'POST', base, {})).json().error.code).toBe('ERR_VALIDATION');
    expect((await api(admin, 'POST', base, { email: SECOND, role: 'owner' })).statusCode).toBe(400);
    expect((await api(admin, 'POST', base, { email: SECOND })).statusCode).toBe(201);
    expect((await api(admin, 'DELETE', `${base}/${users[SECOND]}`)).statusCode).toBe(200);
    expect((await api(admin, 'DELETE', `${base}/${users[SECOND]}`)).statusCode).toBe(404);
    expect((await api(admin, 'DELETE', `${base}/not-a-user`)).statusCode).toBe(404);
    expect((await api(admin, 'GET', '/api/v1/catalogue/service-lines/NOPE/managers')).statusCode).toBe(404);
  });

  it("answers 404 to a partner, exactly as for a line that does not exist, and 403 to host staff who don't manage it", async () => {
    const partner = await apiTokenFor(t.db, 'manager@wyvern.example', 'WDC');
    const print = await api(partner, 'GET', '/api/v1/catalogue/service-lines/PRINT/managers');
    const none = await api(partner, 'GET', '/api/v1/catalogue/service-lines/NOPE/managers');
    expect(print.statusCode).toBe(404);
    expect(print.json()).toEqual(none.json());
    expect(
      (await api(partner, 'POST', '/api/v1/catalogue/service-lines/PRINT/managers', { email: SECOND }))
        .statusCode,
    ).toBe(404);
    expect(
      (await api(partner, 'DELETE', `/api/v1/catalogue/service-lines/PRINT/managers/${users[MANAGER]}`))
        .statusCode,
    ).toBe(404);
    const agent = await apiTokenFor(t.db, 'agent@mercia.example', 'MCC');
    expect((await api(agent, 'GET', '/api/v1/catalogue/service-lines/PRINT/managers')).statusCode).toBe(200);
    const refused = await api(
      agent,
      'DELETE',
      `/api/v1/catalogue/service-lines/PRINT/managers/${users[MANAGER]}`,
    );
    expect(refused.statusCode).toBe(403);
    expect(await managerEmails('PRINT')).toEqual([MANAGER]);
  });

  it('refuses a change of managers by anyone else in the database itself', async () => {
    const changed = async (scope: Scope) =>
      inScope(t.db, scope, async (tx) =>
        Number(
          (
            await sql`update service_lines set manager_user_ids = array_append(manager_user_ids, ${users['agent@mercia.example']}::uuid)
                       where code = 'PRINT'`.execute(tx)
          ).numAffectedRows,
        ),
      );
    expect(await changed(scopeOf('agent@mercia.example'))).toBe(0);
    expect(await changed({ userId: users['manager@wyvern.example'], orgIds: [orgs.WDC!] })).toBe(0);
    expect(await managerEmails('PRINT')).toEqual([MANAGER]);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const path = doc.paths['/api/v1/catalogue/service-lines/{code}/managers'];
    expect(path.post.tags).toEqual(['catalogue']);
    expect(Object.keys(path.post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409']),
    );
    expect(doc.paths['/api/v1/catalogue/service-lines/{code}/managers/{userId}'].delete.tags).toEqual([
      'catalogue',
    ]);
  });
});
