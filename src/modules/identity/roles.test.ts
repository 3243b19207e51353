import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import { HOST_ONLY_ROLES, ROLES } from '../../platform/auth/index.js';
import { inScope } from '../../platform/db/index.js';
import { DomainError } from '../../platform/errors.js';
import { identityRepository } from './identity.repository.js';

/**
 * Roles that act for the shared service centre are held only in the host organisation: the service
 * refuses them elsewhere with a field error naming the role, and the database refuses them too, in
 * both directions (a membership in a partner; a host with such members becoming a partner).
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const ADMIN_SCOPE = { orgIds: [] as string[], platformAdmin: true };

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
});
afterAll(() => t.close());

const rolesOf = async (orgCode: string, email: string) =>
  (
    await t.db.kysely
      .selectFrom('memberships')
      .select('roles')
      .where('org_id', '=', ids.orgs[orgCode]!)
      .where('user_id', '=', ids.users[email]!)
      .executeTakeFirst()
  )?.roles;

/** The DomainError a failed unit of work ended in (the database's refusal, mapped). */
async function refusal(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the database accepted it');
}

describe('giving roles (the service)', () => {
  it('refuses each host-only role in a partner, naming it, and changes nothing', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const user = ids.users['requester@wyvern.example']!;
    const messages: Record<string, string> = {
      platform_administrator: 'Platform administrator can be given only in the host organisation',
      service_manager: 'Service manager can be given only in the host organisation',
      agent: 'Agent can be given only in the host organisation',
      team_lead: 'Team lead can be given only in the host organisation',
      finance_officer: 'Finance officer can be given only in the host organisation',
      executive: 'Executive can be given only in the host organisation',
    };
    const auditsBefore = await t.db.kysely
      .selectFrom('audit_events')
      .select('id')
      .where('entity_type', '=', 'membership')
      .execute();
    for (const role of HOST_ONLY_ROLES) {
      await admin.get(`/users/${user}`);
      const response = await admin.post(`/users/${user}/roles`, {
        orgId: ids.orgs.WDC!,
        roles: ['requester', role],
      });
      expect(response.statusCode, role).toBe(400);
      expect(response.body, role).toContain('govuk-error-summary');
      expect(response.body, role).toContain(messages[role]);
      expect(response.body, role).toContain('href="#roles"');
    }
    expect(await rolesOf('WDC', 'requester@wyvern.example')).toEqual(['requester']);
    const auditsAfter = await t.db.kysely
      .selectFrom('audit_events')
      .select('id')
      .where('entity_type', '=', 'membership')
      .execute();
    expect(auditsAfter).toHaveLength(auditsBefore.length);
  });

  it('gives partner roles in a partner, and any role in the host', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const user = ids.users['requester@merciafire.example']!;
    await admin.get(`/users/${user}`);
    const partner = await admin.post(`/users/${user}/roles`, {
      orgId: ids.orgs.MFRS!,
      roles: ['requester', 'partner_manager'],
    });
    expect(partner.statusCode).toBe(303);
    await admin.get(`/users/${user}`);
    const host = await admin.post(`/users/${user}/roles`, { orgId: ids.orgs.MCC!, roles: [...ROLES] });
    expect(host.statusCode).toBe(303);
    expect(await rolesOf('MCC', 'requester@merciafire.example')).toEqual([...ROLES]);
    // Put back as the demo had it.
    await admin.get(`/users/${user}`);
    expect((await admin.post(`/users/${user}/roles`, { orgId: ids.orgs.MCC!, roles: [] })).statusCode).toBe(
      303,
    );
    await admin.get(`/users/${user}`);
    await admin.post(`/users/${user}/roles`, { orgId: ids.orgs.MFRS!, roles: ['requester'] });
  });

  it('marks the host-only roles on the form', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const page = await admin.get(`/users/${ids.users['requester@wyvern.example']}`);
    expect(page.body.match(/Host organisation only/g)).toHaveLength(HOST_ONLY_ROLES.length);
  });
});

describe('the database', () => {
  it('refuses a host-only role in a partner membership, added or changed', async () => {
    for (const role of HOST_ONLY_ROLES) {
      const added = await refusal(
        inScope(t.db, ADMIN_SCOPE, (tx) =>
          identityRepository.upsertMembership(tx, ids.orgs.MFRS!, ids.users['agent@mercia.example']!, [role]),
        ),
      );
      expect(added.code, role).toBe('ERR_ROLE_HOST_ONLY');
      expect(added.details?.fields, role).toEqual({ roles: 'identity.roles.hostOnlyAny' });
    }
    const changed = await refusal(
      inScope(t.db, ADMIN_SCOPE, (tx) =>
        tx
          .updateTable('memberships')
          .set({ roles: ['partner_manager', 'platform_administrator'] })
          .where('org_id', '=', ids.orgs.WDC!)
          .where('user_id', '=', ids.users['manager@wyvern.example']!)
          .execute(),
      ),
    );
    expect(changed.code).toBe('ERR_ROLE_HOST_ONLY');
    const moved = await refusal(
      inScope(t.db, ADMIN_SCOPE, (tx) =>
        tx
          .updateTable('memberships')
          .set({ org_id: ids.orgs.BWF! })
          .where('org_id', '=', ids.orgs.MCC!)
          .where('user_id', '=', ids.users['agent@mercia.example']!)
          .execute(),
      ),
    );
    expect(moved.code).toBe('ERR_ROLE_HOST_ONLY');
    expect(await rolesOf('MFRS', 'agent@mercia.example')).toBeUndefined();
    expect(await rolesOf('WDC', 'manager@wyvern.example')).toEqual(['partner_manager', 'requester']);
    expect(await rolesOf('MCC', 'agent@mercia.example')).toEqual(['agent']);
  });

  it('refuses it also from the table owner, who is not subject to the service', async () => {
    await expect(
      sql`insert into memberships (org_id, user_id, roles)
          values (${ids.orgs.SVCT!}, ${ids.users['agent@mercia.example']!}, array['executive'])`.execute(
        t.db.kysely,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'memberships_host_only_roles' });
  });

  it('keeps the host the host while its people hold host-only roles', async () => {
    const admin = await apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
    const demoted = await apiCall(t.app, admin, 'PATCH', `/api/v1/organisations/${ids.orgs.MCC}`, {
      role: 'partner',
    });
    expect(demoted.statusCode).toBe(409);
    expect(demoted.json()).toMatchObject({
      error: { code: 'ERR_HOST_ROLES_HELD', details: { fields: { role: 'identity.roles.hostRolesHeld' } } },
    });
    const mcc = await t.db.kysely
      .selectFrom('organisations')
      .select('role')
      .where('id', '=', ids.orgs.MCC!)
      .executeTakeFirstOrThrow();
    expect(mcc.role).toBe('host');
    // An organisation whose people hold only partner roles may change either way.
    for (const role of ['host', 'partner']) {
      const changed = await apiCall(t.app, admin, 'PATCH', `/api/v1/organisations/${ids.orgs.BWF}`, { role });
      expect(changed.statusCode, role).toBe(200);
    }
  });

  it('holds for the demo partnership', async () => {
    const offending = await sql<{ code: string; email: string }>`
      select o.code, u.email from memberships m
        join organisations o on o.id = m.org_id join users u on u.id = m.user_id
       where o.role <> 'host' and m.roles && ${sql.val([...HOST_ONLY_ROLES])}::text[]`.execute(t.db.kysely);
    expect(offending.rows).toEqual([]);
    const hostOnlyHeld = await sql<{ count: string }>`
      select count(*) as count from memberships m join organisations o on o.id = m.org_id
       where o.role = 'host' and m.roles && ${sql.val([...HOST_ONLY_ROLES])}::text[]`.execute(t.db.kysely);
    expect(Number(hostOnlyHeld.rows[0]!.count)).toBeGreaterThan(0);
  });
});
