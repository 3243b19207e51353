import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';

let t: TestApp;
const ids: Record<string, string> = {};

const tokenFor = (email: string, code: string) => apiTokenFor(t.db, email, code);

const api = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, (await demoIds(t.db)).orgs);
});
afterAll(() => t.close());

describe('organisation pages', () => {
  it('lists every organisation for a platform administrator', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const page = await admin.get('/organisations');
    for (const name of [
      'Mercia County Council',
      'Wyvern District Council',
      'Mercia Fire and Rescue Service',
      'Brightwater Facilities Ltd',
    ]) {
      expect(page.body).toContain(name);
    }
  });

  it('shows a partner only its own organisation, and 404 for any other id', async () => {
    const partner = await signedInBrowser(t.app, 'manager@wyvern.example');
    const list = await partner.get('/organisations');
    expect(list.body).toContain('Wyvern District Council');
    expect(list.body).not.toContain('Mercia Fire and Rescue Service');
    expect(list.body).not.toContain('Add an organisation');
    const other = await partner.get(`/organisations/${ids.MFRS}`);
    expect(other.statusCode).toBe(404);
    expect(other.body).toContain('Page not found');
    const unknown = await partner.get('/organisations/00000000-0000-0000-0000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect((await partner.get('/organisations/not-a-uuid')).statusCode).toBe(404);
    expect((await partner.get(`/organisations/${ids.WDC}`)).statusCode).toBe(200);
    expect(
      (await partner.post(`/organisations/${ids.MFRS}`, { code: 'MFRS', name: 'Hijacked' })).statusCode,
    ).toBe(404);
  });

  it('lets an administrator add an organisation as a directorate, with the change audited', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    await admin.get('/organisations/new');
    const response = await admin.post('/organisations', {
      code: 'mcc-env',
      name: 'Mercia County Council: Environment',
      role: 'partner',
      kind: 'internal_directorate',
      parentId: ids.MCC!,
      bankHolidayDivision: 'england-and-wales',
    });
    expect(response.statusCode).toBe(303);
    const page = await admin.get((response.headers.location as string).split('?')[0]!);
    expect(page.body).toContain('MCC-ENV');
    expect(page.body).toContain('Internal directorate');
    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'after', 'actor_user_id'])
      .where('action', '=', 'organisation.add')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ code: 'MCC-ENV', parentId: ids.MCC });
    expect(audit.actor_user_id).not.toBeNull();
  });

  it('re-renders the form with a GOV.UK error summary and changes nothing', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    await admin.get('/organisations/new');
    const before = await t.db.kysely.selectFrom('organisations').select('id').execute();
    const response = await admin.post('/organisations', { code: 'x', name: '', parentId: 'nope' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    for (const text of [
      'Code must be 2 to 16 capital letters',
      'Enter a name',
      'Select the role in the partnership',
      'Select the kind of organisation',
      'Select an organisation from the list',
    ]) {
      expect(response.body).toContain(text);
    }
    expect(response.body).toContain('href="#role"');
    const taken = await admin.post('/organisations', {
      code: 'WDC',
      name: 'Copy',
      role: 'partner',
      kind: 'police',
      bankHolidayDivision: 'scotland',
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('Another organisation already has that code');
    expect((await t.db.kysely.selectFrom('organisations').select('id').execute()).length).toBe(before.length);
  });

  it('refuses to make an organisation part of its own directorate', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    await admin.get(`/organisations/${ids.MCC}/edit`);
    const response = await admin.post(`/organisations/${ids.MCC}`, {
      code: 'MCC',
      name: 'Mercia County Council',
      role: 'host',
      kind: 'local_authority',
      parentId: ids['MCC-RES']!,
      bankHolidayDivision: 'england-and-wales',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('An organisation cannot be part of itself');
  });
});

describe('organisations API', () => {
  it('lists only what the token may see', async () => {
    const partner = await tokenFor('requester@wyvern.example', 'WDC');
    const response = await api(partner, 'GET', '/api/v1/organisations');
    expect(response.statusCode).toBe(200);
    expect(response.json().data.map((o: { code: string }) => o.code)).toEqual(['WDC']);
    const admin = await tokenFor('admin@mercia.example', 'MCC');
    const all = (await api(admin, 'GET', '/api/v1/organisations'))
      .json()
      .data.map((o: { code: string }) => o.code);
    expect(all).toEqual(expect.arrayContaining(['MCC', 'WDC', 'MFRS', 'SVCT', 'BWF']));
  });

  it("answers 404 for another partner's organisation, exactly as for one that does not exist", async () => {
    const partner = await tokenFor('requester@wyvern.example', 'WDC');
    const other = await api(partner, 'GET', `/api/v1/organisations/${ids.MFRS}`);
    const missing = await api(partner, 'GET', '/api/v1/organisations/00000000-0000-0000-0000-000000000000');
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    const change = await api(partner, 'PATCH', `/api/v1/organisations/${ids.MFRS}`, { name: 'Hijacked' });
    expect(change.statusCode).toBe(404);
    const own = await api(partner, 'PATCH', `/api/v1/organisations/${ids.WDC}`, { name: 'Renamed' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('ERR_FORBIDDEN');
  });

  it('adds and changes an organisation as an administrator', async () => {
    const admin = await tokenFor('admin@mercia.example', 'MCC');
    const created = await api(admin, 'POST', '/api/v1/organisations', {
      code: 'NPOL',
      name: 'Northshire Police',
      role: 'partner',
      kind: 'police',
      bankHolidayDivision: 'england-and-wales',
    });
    expect(created.statusCode).toBe(201);
    const org = created.json();
    expect(org).toMatchObject({ code: 'NPOL', parentId: null, kind: 'police' });
    const changed = await api(admin, 'PATCH', `/api/v1/organisations/${org.id}`, {
      name: 'Northshire Constabulary',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().name).toBe('Northshire Constabulary');
    const duplicate = await api(admin, 'POST', '/api/v1/organisations', {
      code: 'NPOL',
      name: 'Again',
      role: 'partner',
      kind: 'police',
      bankHolidayDivision: 'england-and-wales',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('ERR_ORGANISATION_CODE_TAKEN');
  });

  it('rejects bad input with a stable code, naming the field, and stores nothing', async () => {
    const admin = await tokenFor('admin@mercia.example', 'MCC');
    const count = async () => (await t.db.kysely.selectFrom('organisations').select('id').execute()).length;
    const before = await count();
    const valid = {
      code: 'ABC',
      name: 'A',
      role: 'partner',
      kind: 'police',
      bankHolidayDivision: 'scotland',
    };

    const malformed = await api(admin, 'POST', '/api/v1/organisations', '{"code": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('ERR_MALFORMED_JSON');

    const unknownField = await api(admin, 'POST', '/api/v1/organisations', { ...valid, colour: 'red' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error).toMatchObject({
      code: 'ERR_VALIDATION',
      details: { fields: { colour: 'is not a known field' } },
    });

    const wrongType = await api(admin, 'POST', '/api/v1/organisations', { ...valid, name: 42 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.details.fields).toHaveProperty('name');

    const badEnum = await api(admin, 'POST', '/api/v1/organisations', { ...valid, kind: 'army' });
    expect(badEnum.statusCode).toBe(400);
    expect(badEnum.json().error.details.fields).toHaveProperty('kind');

    const badCode = await api(admin, 'POST', '/api/v1/organisations', { ...valid, code: '1-bad code' });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error.details.fields.code).toBe('organisations.errors.codeFormat');

    const huge = await api(admin, 'POST', '/api/v1/organisations', {
      ...valid,
      name: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('ERR_BODY_TOO_LARGE');

    expect(await count()).toBe(before);
  });

  it('stores text with SQL and HTML in it exactly as written', async () => {
    const admin = await tokenFor('admin@mercia.example', 'MCC');
    const name = `Robert'); DROP TABLE organisations;-- <b>bold</b>`;
    const created = await api(admin, 'POST', '/api/v1/organisations', {
      code: 'TABLES',
      name,
      role: 'partner',
      kind: 'private',
      bankHolidayDivision: 'northern-ireland',
    });
    expect(created.statusCode).toBe(201);
    expect((await api(admin, 'GET', `/api/v1/organisations/${created.json().id}`)).json().name).toBe(name);
  });

  it('publishes an OpenAPI 3.1 document built from the route schemas', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/me', '/api/v1/organisations', '/api/v1/organisations/{id}']),
    );
    expect(
      doc.paths['/api/v1/organisations'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['code', 'name', 'role', 'kind', 'bankHolidayDivision']));
  });

  it('reports health and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ok' });
  });
});
