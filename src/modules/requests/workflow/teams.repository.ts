import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

export interface TeamMembership {
  teamId: string;
  userId: string;
  role: 'member' | 'lead';
}

/** Who works in which team of the host, and who may be given work. */
export const teamsRepository = {
  /** The memberships of these people in the teams of a service line. */
  async memberships(tx: Tx, serviceLineId: string, userIds: readonly string[]): Promise<TeamMembership[]> {
    if (userIds.length === 0) return [];
    const { rows } = await sql<{ team_id: string; user_id: string; role: 'member' | 'lead' }>`
      select m.team_id, m.user_id, m.role
        from service_line_team_members m join service_line_teams t on t.id = m.team_id
       where t.service_line_id = ${serviceLineId} and m.user_id = any(${[...userIds]}::uuid[])
       order by t.name`.execute(tx);
    return rows.map((row) => ({ teamId: row.team_id, userId: row.user_id, role: row.role }));
  },

  /** Whether a team belongs to a service line. */
  async isTeamOfLine(tx: Tx, serviceLineId: string, teamId: string): Promise<boolean> {
    const { rows } = await sql<{ found: boolean }>`
      select exists (select 1 from service_line_teams t
                      where t.id = ${teamId} and t.service_line_id = ${serviceLineId}) as found`.execute(tx);
    return rows[0]?.found ?? false;
  },

  /** Whether someone is an agent or team lead of the host, and so may be given work. */
  async isWorker(tx: Tx, hostOrgId: string, userId: string): Promise<boolean> {
    const { rows } = await sql<{ found: boolean }>`
      select exists (
        select 1 from memberships m join users u on u.id = m.user_id
         where m.org_id = ${hostOrgId} and m.user_id = ${userId} and u.disabled_at is null
           and m.roles && array['agent', 'team_lead']::text[]) as found`.execute(tx);
    return rows[0]?.found ?? false;
  },

  /** Adds someone to a team, or changes their role in it (platform administrators and the line's managers). */
  async putMember(
    tx: Tx,
    member: { hostOrgId: string; teamId: string; userId: string; role: 'member' | 'lead' },
  ) {
    await sql`
      insert into service_line_team_members (org_id, team_id, user_id, role)
      values (${member.hostOrgId}, ${member.teamId}, ${member.userId}, ${member.role})
      on conflict (team_id, user_id) do update set role = excluded.role`.execute(tx);
  },
};
