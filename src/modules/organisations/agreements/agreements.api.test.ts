import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { inScope } from '../../../platform/db/index.js';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { agreementsRepository } from './agreements.repository.js';
import { londonDate } from '../../../kernel/dates.js';
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

type Json = Record<string, unknown>;
const api = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);
const adminToken = () => apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
const agreementCount = async () =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from service_agreements`.execute(t.db.kysely)).rows[0]!.n,
  );
describe('agreements are for platform administrators only', () => {
  it('answers the same through the API, and changes nothing', async () => {
    const before = await agreementCount();
    const partner = await apiTokenFor(t.db, 'manager@wyvern.example', 'WDC');
    // A partner manager reads their own organisation's agreements, and records none.
    const own = await api(partner, 'GET', `/api/v1/organisations/${orgs.WDC}/service-lines`);
    expect(own.statusCode).toBe(200);
    expect(own.json().data.length).toBeGreaterThan(0);
    const requester = await apiTokenFor(t.db, 'requester@wyvern.example', 'WDC');
    expect((await api(requester, 'GET', `/api/v1/organisations/${orgs.WDC}/service-lines`)).statusCode).toBe(
      403,
    );
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
        agreementsRepository.insert(tx, {
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
      details: { fields: { validFrom: 'agreements.errors.dateFormat' } },
    });
    const backwards = await api(admin, 'POST', base, {
      serviceLine: 'IT',
      validFrom: '2026-06-01',
      validTo: '2026-01-01',
    });
    expect(backwards.json().error.details.fields.validTo).toBe('agreements.errors.validToBeforeFrom');
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
    expect(host.json().error.details.fields.serviceLine).toBe('agreements.errors.host');
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
    expect(extend.json().error.details.fields.validTo).toBe('agreements.errors.endLater');
    const unreal = await api(admin, 'PATCH', `${base}/${id}`, { validTo: '2030-02-30' });
    expect(unreal.json().error.details.fields.validTo).toBe('agreements.errors.dateFormat');
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
    const spy = vi.spyOn(agreementsRepository, 'overlapping').mockResolvedValue([]);
    try {
      const raced = await api(admin, 'POST', `/api/v1/organisations/${orgs.BWF}/service-lines`, {
        serviceLine: 'PRINT',
        validFrom: '2030-01-01',
      });
      expect(spy).toHaveBeenCalled();
      expect(raced.statusCode).toBe(409);
      expect(raced.json().error).toMatchObject({
        code: 'ERR_AGREEMENT_OVERLAP',
        details: { fields: { validFrom: 'agreements.errors.overlap' } },
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
    expect(east.app).toBe(londonDate());
    expect(west.app).toBe(londonDate());
  });
});
