import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../../test/helpers/app.js';
import { londonDate } from '../../../kernel/dates.js';
import { formatDate } from '../../../platform/web/index.js';
import { demoIds } from '../../../../test/helpers/database.js';

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

const api = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);
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

/** A date as a person types it into the GOV.UK date input named `name`; '' leaves it empty. */
function typed(name: string, date: string): Record<string, string> {
  const [year = '', month = '', day = ''] = date ? date.split('-') : [];
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
}

function daysFromToday(days: number): string {
  const [y, m, d] = londonDate().split('-').map(Number) as [number, number, number];
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
    for (const line of ['Finance', 'IT', 'Printing'])
      expect(page.body).toContain(`<td class="govuk-table__cell">${line}</td>`);
    expect(page.body).not.toContain('<td class="govuk-table__cell">Legal</td>');
    expect(page.body).toContain('1 April 2025');
    expect(page.body).toContain('Until further notice');
    expect(page.body).toContain('In force');
  });

  it('adds an agreement, audited, and explains bad dates and overlaps without changing anything', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const url = `/organisations/${orgs.MFRS}/service-lines`;
    await admin.get(url);
    const before = await agreementCount();

    const empty = await admin.post(url, {
      serviceLine: '',
      ...typed('validFrom', ''),
      ...typed('validTo', ''),
    });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toContain('Select a service line');
    expect(errorSummary(empty.body)).toContain('Enter the date the agreement starts');

    const unreal = await admin.post(url, {
      serviceLine: 'LEGAL',
      ...typed('validFrom', '2026-02-30'),
      'validTo-day': '31',
      'validTo-month': '13',
      'validTo-year': '2026',
    });
    expect(unreal.statusCode).toBe(400);
    expect(errorSummary(unreal.body)).toContain('The date the agreement starts must be a real date');
    expect(errorSummary(unreal.body)).toContain('The date the agreement ends');
    expect(unreal.body).toContain('href="#validFrom-day"');
    expect(unreal.body).toContain('href="#validTo-month"');

    const backwards = await admin.post(url, {
      serviceLine: 'LEGAL',
      ...typed('validFrom', '2026-06-01'),
      ...typed('validTo', '2026-05-31'),
    });
    expect(errorSummary(backwards.body)).toContain(
      'The end date must be the same as or after the start date',
    );

    const unknown = await admin.post(url, {
      serviceLine: 'NOPE',
      ...typed('validFrom', '2026-06-01'),
      ...typed('validTo', ''),
    });
    expect(errorSummary(unknown.body)).toContain('Select a service line from the list');

    const overlap = await admin.post(url, {
      serviceLine: 'PRINT',
      ...typed('validFrom', '2030-01-01'),
      ...typed('validTo', ''),
    });
    expect(overlap.statusCode).toBe(400);
    expect(errorSummary(overlap.body)).toContain('Those dates overlap another agreement of this partner');
    expect(await agreementCount()).toBe(before);

    const added = await admin.post(url, {
      serviceLine: 'legal',
      ...typed('validFrom', '2031-01-01'),
      ...typed('validTo', '2031-12-31'),
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`${url}?added=1`);
    const page = await admin.get(added.headers.location as string);
    expect(page.body).toContain('Service line added');
    expect(page.body).toContain('<td class="govuk-table__cell">Legal</td>');
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

    const missing = await admin.post(url, typed('validTo', ''));
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toContain('Enter the date the agreement ends');
    const early = await admin.post(url, typed('validTo', '2025-03-31'));
    expect(errorSummary(early.body)).toContain('The end date must be the same as or after the start date');

    const yesterday = daysFromToday(-1);
    const ended = await admin.post(url, typed('validTo', yesterday));
    expect(ended.statusCode).toBe(303);
    const after = await admin.get(ended.headers.location as string);
    expect(after.body).toContain('Agreement ended');
    expect(after.body).toContain(formatDate(yesterday));
    expect(await lastAudit('agreement.end')).toMatchObject({
      org_id: orgs.MFRS,
      before: { serviceLine: 'PRINT', validTo: null },
      after: { serviceLine: 'PRINT', validTo: yesterday },
    });
    // Once ended it cannot be extended again.
    const later = await admin.post(url, typed('validTo', daysFromToday(30)));
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

describe('agreements are recorded by platform administrators only', () => {
  it("shows a partner manager their own organisation's agreements and dates, to read", async () => {
    const manager = await signedInBrowser(t.app, 'manager@wyvern.example');
    const own = await manager.get(`/organisations/${orgs.WDC}`);
    expect(own.body).toContain(`href="/organisations/${orgs.WDC}/service-lines"`);
    const page = await manager.get(`/organisations/${orgs.WDC}/service-lines`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="agreements"');
    expect(page.body).toMatch(/Finance[\s\S]*?In force/);
    expect(page.body).not.toContain('<form method="post" action="/organisations/');
    expect(page.body).not.toContain('/end"');
    expect(page.body).not.toContain('Mercia Fire and Rescue');

    // Not their requesters, and not another partner's manager.
    const requester = await signedInBrowser(t.app, 'requester@wyvern.example');
    expect((await requester.get(`/organisations/${orgs.WDC}/service-lines`)).statusCode).toBe(403);
    expect((await requester.get(`/organisations/${orgs.WDC}`)).body).not.toContain('/service-lines"');
    const fire = await signedInBrowser(t.app, 'manager@merciafire.example');
    expect((await fire.get(`/organisations/${orgs.WDC}/service-lines`)).statusCode).toBe(404);
  });

  it("answers 403 on a change to a person's own organisation and 404 on anyone else's, on pages", async () => {
    const manager = await signedInBrowser(t.app, 'manager@wyvern.example');
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
});
