import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { inScope } from '../../platform/db/index.js';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../test/helpers/app.js';
import { catalogueRepository } from './catalogue.repository.js';
import { londonToday } from './catalogue.service.js';
import { demoIds } from '../../../test/helpers/database.js';

let t: TestApp;
const orgs: Record<string, string> = {};
const users: Record<string, string> = {};

beforeAll(async () => {
  t = await buildTestApp();
  const found = await demoIds(t.db);
  Object.assign(orgs, found.orgs);
  Object.assign(users, found.users);
});
afterAll(() => t.close());

type Json = Record<string, unknown>;
const api = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);
const adminToken = () => apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
const agreementCount = async () =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from service_agreements`.execute(t.db.kysely)).rows[0]!.n,
  );
const lastAudit = (action: string) =>
  t.db.kysely
    .selectFrom('audit_events')
    .select(['action', 'org_id', 'actor_user_id', 'before', 'after'])
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .executeTakeFirst();

function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

function daysFromToday(days: number): string {
  const [y, m, d] = londonToday().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

describe('agreements on pages, for platform administrators', () => {
  it("links a partner's organisation page to the lines it takes, and lists them with their dates", async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const org = await admin.get(`/organisations/${orgs.MFRS}`);
    expect(org.body).toContain(`href="/organisations/${orgs.MFRS}/service-lines"`);
    // A host runs the services and takes none: no link there.
    expect((await admin.get(`/organisations/${orgs.MCC}`)).body).not.toContain('/service-lines"');

    const page = await admin.get(`/organisations/${orgs.MFRS}/service-lines`);
    expect(page.statusCode).toBe(200);
    for (const line of ['Finance (FIN)', 'IT (IT)', 'Printing (PRINT)']) expect(page.body).toContain(line);
    expect(page.body).not.toContain('Legal (LEGAL)</td>');
    expect(page.body).toContain('2025-04-01');
    expect(page.body).toContain('Until further notice');
    expect(page.body).toContain('In force');
  });

  it('adds an agreement, audited, and explains bad dates and overlaps without changing anything', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const url = `/organisations/${orgs.MFRS}/service-lines`;
    await admin.get(url);
    const before = await agreementCount();

    const empty = await admin.post(url, { serviceLine: '', validFrom: '', validTo: '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toContain('Select a service line');
    expect(errorSummary(empty.body)).toContain('Enter the date the agreement starts');

    const unreal = await admin.post(url, {
      serviceLine: 'LEGAL',
      validFrom: '2026-02-30',
      validTo: '31/12/2026',
    });
    expect(unreal.statusCode).toBe(400);
    expect(errorSummary(unreal.body)).toContain('Enter a real date as YYYY-MM-DD');
    expect(unreal.body).toContain('href="#validFrom"');
    expect(unreal.body).toContain('href="#validTo"');

    const backwards = await admin.post(url, {
      serviceLine: 'LEGAL',
      validFrom: '2026-06-01',
      validTo: '2026-05-31',
    });
    expect(errorSummary(backwards.body)).toContain(
      'The end date must be the same as or after the start date',
    );

    const unknown = await admin.post(url, { serviceLine: 'NOPE', validFrom: '2026-06-01', validTo: '' });
    expect(errorSummary(unknown.body)).toContain('Select a service line from the list');

    const overlap = await admin.post(url, { serviceLine: 'PRINT', validFrom: '2030-01-01', validTo: '' });
    expect(overlap.statusCode).toBe(400);
    expect(errorSummary(overlap.body)).toContain('Those dates overlap another agreement of this partner');
    expect(await agreementCount()).toBe(before);

    const added = await admin.post(url, {
      serviceLine: 'legal',
      validFrom: '2031-01-01',
      validTo: '2031-12-31',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`${url}?added=1`);
    const page = await admin.get(added.headers.location as string);
    expect(page.body).toContain('Service line added');
    expect(page.body).toContain('Legal (LEGAL)');
    expect(page.body).toContain('Not started');
    expect(await agreementCount()).toBe(before + 1);
    const audit = await lastAudit('agreement.add');
    expect(audit).toMatchObject({
      org_id: orgs.MFRS,
      actor_user_id: users['admin@mercia.example'],
      after: { organisation: 'MFRS', serviceLine: 'LEGAL', validFrom: '2031-01-01', validTo: '2031-12-31' },
    });
  });

  it("ends an agreement, after which the partner's staff no longer see that line's offerings", async () => {
    const fire = await signedInBrowser(t.app, 'requester@merciafire.example');
    expect((await fire.get('/catalogue')).body).toContain('Business cards');
    expect((await fire.get('/catalogue/offerings/PRT-BUSINESS-CARDS')).statusCode).toBe(200);

    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const list = await admin.get(`/organisations/${orgs.MFRS}/service-lines`);
    const endUrl = new RegExp(
      `/organisations/${orgs.MFRS}/service-lines/([0-9a-f-]{36})/end">End<span class="govuk-visually-hidden"> Printing`,
    ).exec(list.body);
    expect(endUrl).not.toBeNull();
    const url = `/organisations/${orgs.MFRS}/service-lines/${endUrl![1]}/end`;
    const form = await admin.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('End Printing');

    const missing = await admin.post(url, { validTo: '' });
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toContain('Enter the date the agreement ends');
    const early = await admin.post(url, { validTo: '2025-03-31' });
    expect(errorSummary(early.body)).toContain('The end date must be the same as or after the start date');

    const yesterday = daysFromToday(-1);
    const ended = await admin.post(url, { validTo: yesterday });
    expect(ended.statusCode).toBe(303);
    const after = await admin.get(ended.headers.location as string);
    expect(after.body).toContain('Agreement ended');
    expect(after.body).toContain(yesterday);
    expect(await lastAudit('agreement.end')).toMatchObject({
      org_id: orgs.MFRS,
      before: { serviceLine: 'PRINT', validTo: null },
      after: { serviceLine: 'PRINT', validTo: yesterday },
    });
    // Once ended it cannot be extended again.
    const later = await admin.post(url, { validTo: daysFromToday(30) });
    expect(errorSummary(later.body)).toContain('An agreement can only be ended earlier');

    const catalogue = await fire.get('/catalogue');
    expect(catalogue.body).not.toContain('Business cards');
    expect(catalogue.body).toContain('Supplier invoice');
    expect((await fire.get('/catalogue/offerings/PRT-BUSINESS-CARDS')).statusCode).toBe(404);
    const token = await apiTokenFor(t.db, 'requester@merciafire.example', 'MFRS');
    const offerings = (await api(token, 'GET', '/api/v1/catalogue/offerings')).json().data as Array<{
      serviceLine: { code: string };
    }>;
    expect(offerings.length).toBeGreaterThan(0);
    expect(offerings.some((o) => o.serviceLine.code === 'PRINT')).toBe(false);
    // Another partner taking the line still sees it.
    const wyvern = await apiTokenFor(t.db, 'requester@wyvern.example', 'WDC');
    const theirs = (await api(wyvern, 'GET', '/api/v1/catalogue/offerings')).json().data as Array<{
      serviceLine: { code: string };
    }>;
    expect(theirs.some((o) => o.serviceLine.code === 'PRINT')).toBe(true);
  });

  it('says a host takes no service lines', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const page = await admin.get(`/organisations/${orgs.MCC}/service-lines`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('runs the shared services; it does not take them');
    expect(page.body).not.toContain('<form method="post" action="/organisations/');
  });
});

describe('agreements are for platform administrators only', () => {
  it("answers 403 on a person's own organisation and 404 on anyone else's, on pages", async () => {
    const manager = await signedInBrowser(t.app, 'manager@wyvern.example');
    const own = await manager.get(`/organisations/${orgs.WDC}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('/service-lines"');
    expect((await manager.get(`/organisations/${orgs.WDC}/service-lines`)).statusCode).toBe(403);
    expect((await manager.get(`/organisations/${orgs.MFRS}/service-lines`)).statusCode).toBe(404);
    expect((await manager.get('/organisations/not-a-uuid/service-lines')).statusCode).toBe(404);
    const before = await agreementCount();
    expect(
      (
        await manager.post(`/organisations/${orgs.WDC}/service-lines`, {
          serviceLine: 'LEGAL',
          validFrom: '2040-01-01',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await manager.post(`/organisations/${orgs.MFRS}/service-lines`, {
          serviceLine: 'PROP',
          validFrom: '2040-01-01',
        })
      ).statusCode,
    ).toBe(404);

    // The host's service manager keeps the catalogue, not the agreements.
    const serviceManager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    expect((await serviceManager.get(`/organisations/${orgs.WDC}/service-lines`)).statusCode).toBe(404);
    expect((await serviceManager.get(`/organisations/${orgs.MCC}/service-lines`)).statusCode).toBe(403);
    expect(await agreementCount()).toBe(before);
  });

  it('answers the same through the API, and changes nothing', async () => {
    const before = await agreementCount();
    const partner = await apiTokenFor(t.db, 'manager@wyvern.example', 'WDC');
    const own = await api(partner, 'GET', `/api/v1/organisations/${orgs.WDC}/service-lines`);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('ERR_FORBIDDEN');
    const other = await api(partner, 'GET', `/api/v1/organisations/${orgs.MFRS}/service-lines`);
    const missing = await api(
      partner,
      'GET',
      '/api/v1/organisations/00000000-0000-0000-0000-000000000000/service-lines',
    );
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual(missing.json());
    const agreementId = (
      await t.db.kysely
        .withTables<{ service_agreements: { id: string; org_id: string } }>()
        .selectFrom('service_agreements')
        .select('id')
        .where('org_id', '=', orgs.MFRS!)
        .executeTakeFirstOrThrow()
    ).id;
    expect(
      (
        await api(partner, 'PATCH', `/api/v1/organisations/${orgs.MFRS}/service-lines/${agreementId}`, {
          validTo: '2025-04-01',
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await api(partner, 'POST', `/api/v1/organisations/${orgs.WDC}/service-lines`, {
          serviceLine: 'LEGAL',
          validFrom: '2040-01-01',
        })
      ).statusCode,
    ).toBe(403);
    expect(await agreementCount()).toBe(before);
  });

  it('refuses a write by anyone but a platform administrator in the database itself', async () => {
    const line = await t.db.kysely
      .withTables<{ service_lines: { id: string; code: string } }>()
      .selectFrom('service_lines')
      .select('id')
      .where('code', '=', 'LEGAL')
      .executeTakeFirstOrThrow();
    const manager = { userId: users['service.manager@mercia.example'], orgIds: [orgs.MCC!] };
    await expect(
      inScope(t.db, manager, (tx) =>
        catalogueRepository.insertAgreement(tx, {
          orgId: orgs.SVCT!,
          hostOrgId: orgs.MCC!,
          serviceLineId: line.id,
          validFrom: '2040-01-01',
          validTo: null,
        }),
      ),
    ).rejects.toThrow(/row-level security/);
    const partner = { userId: users['manager@wyvern.example'], orgIds: [orgs.WDC!] };
    const changed = await inScope(
      t.db,
      partner,
      async (tx) =>
        (await sql`update service_agreements set valid_to = '2025-04-01'`.execute(tx)).numAffectedRows,
    );
    expect(changed).toBe(0n);
  });
});

describe('agreements API', () => {
  it('lists, adds and ends agreements with stable error codes', async () => {
    const admin = await adminToken();
    const base = `/api/v1/organisations/${orgs.SVCT}/service-lines`;
    const list = await api(admin, 'GET', base);
    expect(list.statusCode).toBe(200);
    expect((list.json().data as Json[]).map((a) => (a.serviceLine as Json).code).sort()).toEqual([
      'FIN',
      'HR',
    ]);
    expect(list.json().data[0]).toMatchObject({ validFrom: '2025-04-01', validTo: null, status: 'current' });

    const before = await agreementCount();
    const bad = await api(admin, 'POST', base, {
      serviceLine: 'IT',
      validFrom: '2026-13-01',
      validTo: '2026-01-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'ERR_VALIDATION',
      details: { fields: { validFrom: 'catalogue.errors.dateFormat' } },
    });
    const backwards = await api(admin, 'POST', base, {
      serviceLine: 'IT',
      validFrom: '2026-06-01',
      validTo: '2026-01-01',
    });
    expect(backwards.json().error.details.fields.validTo).toBe('catalogue.errors.validToBeforeFrom');
    const unknownField = await api(admin, 'POST', base, {
      serviceLine: 'IT',
      validFrom: '2026-06-01',
      colour: 'red',
    });
    expect(unknownField.statusCode).toBe(400);
    const overlap = await api(admin, 'POST', base, {
      serviceLine: 'FIN',
      validFrom: '2020-01-01',
      validTo: '2025-04-01',
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.code).toBe('ERR_AGREEMENT_OVERLAP');
    const host = await api(admin, 'POST', `/api/v1/organisations/${orgs.MCC}/service-lines`, {
      serviceLine: 'IT',
      validFrom: '2026-06-01',
    });
    expect(host.statusCode).toBe(400);
    expect(host.json().error.details.fields.serviceLine).toBe('catalogue.errors.agreementHost');
    expect(await agreementCount()).toBe(before);

    const added = await api(admin, 'POST', base, { serviceLine: 'it', validFrom: '2030-01-01' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      serviceLine: { code: 'IT', name: 'IT' },
      validFrom: '2030-01-01',
      validTo: null,
      status: 'future',
    });
    const id = added.json().id as string;

    const ended = await api(admin, 'PATCH', `${base}/${id}`, { validTo: '2030-12-31' });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ id, validTo: '2030-12-31' });
    const extend = await api(admin, 'PATCH', `${base}/${id}`, { validTo: '2031-06-30' });
    expect(extend.statusCode).toBe(400);
    expect(extend.json().error.details.fields.validTo).toBe('catalogue.errors.agreementEndLater');
    const unreal = await api(admin, 'PATCH', `${base}/${id}`, { validTo: '2030-02-30' });
    expect(unreal.json().error.details.fields.validTo).toBe('catalogue.errors.dateFormat');
    // The agreement belongs to SVCT: through another organisation's address it is not there.
    expect(
      (
        await api(admin, 'PATCH', `/api/v1/organisations/${orgs.BWF}/service-lines/${id}`, {
          validTo: '2030-06-30',
        })
      ).statusCode,
    ).toBe(404);
    expect((await api(admin, 'PATCH', `${base}/not-an-id`, { validTo: '2030-06-30' })).statusCode).toBe(404);
    // The next agreement may start the day after the last one ends.
    expect((await api(admin, 'POST', base, { serviceLine: 'IT', validFrom: '2031-01-01' })).statusCode).toBe(
      201,
    );
  });

  it('maps the database refusal of an overlap that raced past the check to ERR_AGREEMENT_OVERLAP', async () => {
    const admin = await adminToken();
    const spy = vi.spyOn(catalogueRepository, 'overlappingAgreements').mockResolvedValue([]);
    try {
      const raced = await api(admin, 'POST', `/api/v1/organisations/${orgs.BWF}/service-lines`, {
        serviceLine: 'PRINT',
        validFrom: '2030-01-01',
      });
      expect(spy).toHaveBeenCalled();
      expect(raced.statusCode).toBe(409);
      expect(raced.json().error).toMatchObject({
        code: 'ERR_AGREEMENT_OVERLAP',
        details: { fields: { validFrom: 'catalogue.errors.agreementOverlap' } },
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('documents the agreement routes in the OpenAPI document under their tag', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const path = doc.paths['/api/v1/organisations/{id}/service-lines'];
    expect(path.get.tags).toEqual(['agreements']);
    expect(Object.keys(path.post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409']),
    );
    expect(doc.paths['/api/v1/organisations/{id}/service-lines/{agreementId}'].patch.tags).toEqual([
      'agreements',
    ]);
  });
});

describe("the database's 'today' for agreements", () => {
  it("is the date in England, as the application's is, whatever the database's own time zone", async () => {
    const today = async (zone: string) =>
      t.db.kysely.transaction().execute(async (tx) => {
        await sql`select set_config('timezone', ${zone}, true)`.execute(tx);
        const row = await sql<{ app: string; server: string }>`
          select app_today()::text as app, current_date::text as server`.execute(tx);
        return row.rows[0]!;
      });
    // Twenty-six hours apart: their own dates always differ, so at least one differs from England's.
    const east = await today('Pacific/Kiritimati');
    const west = await today('Etc/GMT+12');
    expect(east.server).not.toBe(west.server);
    expect(east.app).toBe(londonToday());
    expect(west.app).toBe(londonToday());
  });
});
