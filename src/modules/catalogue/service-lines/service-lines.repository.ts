import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { catalogueTx as c } from '../catalogue.tables.js';

export interface ServiceLine {
  id: string;
  orgId: string;
  code: string;
  name: string;
  managerUserIds: string[];
  teams: string[];
}

/** Someone named on a service line, or who could be. */
export interface Person {
  id: string;
  name: string;
  email: string;
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);

function selectLines(tx: Tx) {
  return c(tx)
    .selectFrom('service_lines as l')
    .select(['l.id', 'l.org_id', 'l.code', 'l.name', 'l.manager_user_ids'])
    .select(
      sql<string[]>`coalesce((select array_agg(t.name order by t.name) from service_line_teams t
                               where t.service_line_id = l.id), '{}')`.as('teams'),
    );
}

type LineRow = Awaited<ReturnType<ReturnType<typeof selectLines>['executeTakeFirstOrThrow']>>;

function toLine(row: LineRow): ServiceLine {
  return {
    id: row.id,
    orgId: row.org_id,
    code: row.code,
    name: row.name,
    managerUserIds: row.manager_user_ids,
    teams: row.teams,
  };
}

export const serviceLinesRepository = {
  /** The lines with these ids, by name. */
  async list(tx: Tx, ids: readonly string[]): Promise<ServiceLine[]> {
    return (await selectLines(tx).where('l.id', 'in', orNone(ids)).orderBy('l.name').execute()).map(toLine);
  },

  async byCode(tx: Tx, hostOrgId: string, code: string): Promise<ServiceLine | undefined> {
    const row = await selectLines(tx)
      .where('l.org_id', '=', hostOrgId)
      .where('l.code', '=', code)
      .executeTakeFirst();
    return row && toLine(row);
  },

  async byId(tx: Tx, id: string): Promise<ServiceLine | undefined> {
    const row = await selectLines(tx).where('l.id', '=', id).executeTakeFirst();
    return row && toLine(row);
  },

  /** A host's lines, and whether this person is listed as one of each one's managers. */
  async linesOfHost(
    tx: Tx,
    hostOrgId: string,
    userId: string,
  ): Promise<Array<{ id: string; managed: boolean }>> {
    return c(tx)
      .selectFrom('service_lines')
      .select('id')
      .select(sql<boolean>`${userId}::uuid = any(manager_user_ids)`.as('managed'))
      .where('org_id', '=', hostOrgId)
      .execute();
  },

  async insert(
    tx: Tx,
    line: { orgId: string; code: string; name: string; managerUserIds: string[]; teams: string[] },
  ): Promise<ServiceLine> {
    const { id } = await c(tx)
      .insertInto('service_lines')
      .values({ org_id: line.orgId, code: line.code, name: line.name, manager_user_ids: line.managerUserIds })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (line.teams.length) {
      await c(tx)
        .insertInto('service_line_teams')
        .values(line.teams.map((name) => ({ org_id: line.orgId, service_line_id: id, name })))
        .execute();
    }
    return { id, ...line, teams: [...line.teams].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  },

  /** People who hold the service manager role in the host and are not disabled: who may manage its lines. */
  async serviceManagersOf(tx: Tx, hostOrgId: string): Promise<Person[]> {
    return tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.name', 'u.email'])
      .where('m.org_id', '=', hostOrgId)
      .where(sql<boolean>`'service_manager' = any(m.roles)`)
      .where('u.disabled_at', 'is', null)
      .orderBy('u.name')
      .execute();
  },

  async people(tx: Tx, ids: readonly string[]): Promise<Person[]> {
    return tx
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('id', 'in', orNone(ids))
      .orderBy('name')
      .execute();
  },

  /** Adds a manager to a line; false when they were already one. */
  async addManager(tx: Tx, line: ServiceLine, userId: string): Promise<boolean> {
    const result = await c(tx)
      .updateTable('service_lines')
      .set({
        manager_user_ids: sql<string[]>`array_append(manager_user_ids, ${userId}::uuid)`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', line.id)
      .where('org_id', '=', line.orgId)
      .where(sql<boolean>`not (${userId}::uuid = any(manager_user_ids))`)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /**
   * Takes a manager off a line, unless that would leave it with none; false then. The condition sits
   * in the statement, so two managers removing each other at once cannot both succeed.
   */
  async removeManager(tx: Tx, line: ServiceLine, userId: string): Promise<boolean> {
    const result = await c(tx)
      .updateTable('service_lines')
      .set({
        manager_user_ids: sql<string[]>`array_remove(manager_user_ids, ${userId}::uuid)`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', line.id)
      .where('org_id', '=', line.orgId)
      .where(sql<boolean>`${userId}::uuid = any(manager_user_ids)`)
      .where(sql<boolean>`cardinality(array_remove(manager_user_ids, ${userId}::uuid)) > 0`)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /**
   * Adds a team to a line; false when the line already has a team of that name, whatever its case.
   * The condition sits in the statement, so the check and the insert see the same teams.
   */
  async addTeam(tx: Tx, line: ServiceLine, name: string): Promise<boolean> {
    const result = await sql`
      insert into service_line_teams (org_id, service_line_id, name)
      select ${line.orgId}::uuid, ${line.id}::uuid, ${name}
       where not exists (select 1 from service_line_teams
                          where service_line_id = ${line.id}::uuid and lower(name) = lower(${name}))`.execute(
      tx,
    );
    return (result.numAffectedRows ?? 0n) > 0n;
  },

  /** Takes a team off a line; false when the line has no team of exactly that name. */
  async removeTeam(tx: Tx, line: ServiceLine, name: string): Promise<boolean> {
    const result = await c(tx)
      .deleteFrom('service_line_teams')
      .where('org_id', '=', line.orgId)
      .where('service_line_id', '=', line.id)
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
};
