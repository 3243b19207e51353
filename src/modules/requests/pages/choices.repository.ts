import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { FormField } from '../catalogue-port.js';

export interface Choice {
  value: string;
  text: string;
}

/** The host's teams, each named with its service line, as JSON (`value`, `text`, `lineCode`). */
const teamsJson = (hostOrgId: string) => sql`
  coalesce((select jsonb_agg(jsonb_build_object('value', t.id, 'text', t.name || ' (' || l.name || ')',
                                                'lineCode', l.code) order by l.name, t.name)
              from service_line_teams t join service_lines l on l.id = t.service_line_id
             where t.org_id = ${hostOrgId}), '[]'::jsonb)`;

/**
 * What the pages offer to choose from: the queue's filters, people to assign, teams to move to.
 * Each read is one statement (the pages read them with `readInScope`).
 */
export const choicesRepository = {
  /** The queue's filters: the host's teams, partners (who take or took a line), offerings, and workers. */
  async queueFilters(
    tx: Tx,
    hostOrgId: string,
  ): Promise<{ teams: Choice[]; partners: Choice[]; offerings: Choice[]; workers: Choice[] }> {
    const { rows } = await sql<{
      teams: Choice[];
      partners: Choice[];
      offerings: Choice[];
      workers: Choice[];
    }>`
      select ${teamsJson(hostOrgId)} as teams,
        coalesce((select jsonb_agg(jsonb_build_object('value', o.code, 'text', o.name) order by o.name)
                    from organisations o
                   where exists (select 1 from service_agreements a
                                  where a.org_id = o.id and a.host_org_id = ${hostOrgId})), '[]'::jsonb) as partners,
        coalesce((select jsonb_agg(jsonb_build_object('value', f.code, 'text', f.name) order by f.name)
                    from offerings f where f.host_org_id = ${hostOrgId}), '[]'::jsonb) as offerings,
        coalesce((select jsonb_agg(jsonb_build_object('value', u.id, 'text', u.name) order by u.name)
                    from memberships m join users u on u.id = m.user_id
                   where m.org_id = ${hostOrgId} and u.disabled_at is null
                     and m.roles && array['agent', 'team_lead']::text[]), '[]'::jsonb) as workers`.execute(
      tx,
    );
    return rows[0] ?? { teams: [], partners: [], offerings: [], workers: [] };
  },

  /**
   * For a request of a line: its teams, and who the person may assign it to: themselves, and where
   * they lead a team of the line, everyone in the teams they lead.
   */
  async forRequest(
    tx: Tx,
    hostOrgId: string,
    lineCode: string,
    userId: string,
  ): Promise<{ teams: Array<Choice & { lineCode: string }>; people: Choice[] }> {
    const { rows } = await sql<{ teams: Array<Choice & { lineCode: string }>; people: Choice[] }>`
      select ${teamsJson(hostOrgId)} as teams,
        coalesce((select jsonb_agg(jsonb_build_object('value', u.id, 'text', u.name) order by u.name)
                    from users u
                   where u.id = ${userId}
                      or u.id in (select m.user_id from service_line_team_members m
                                    join service_line_team_members lead on lead.team_id = m.team_id
                                    join service_line_teams t on t.id = m.team_id
                                    join service_lines l on l.id = t.service_line_id
                                   where lead.user_id = ${userId} and lead.role = 'lead'
                                     and l.code = ${lineCode} and t.org_id = ${hostOrgId})), '[]'::jsonb) as people`.execute(
      tx,
    );
    const found = rows[0] ?? { teams: [], people: [] };
    return { teams: found.teams.filter((team) => team.lineCode === lineCode), people: found.people };
  },

  /** The questions of an offering as an organisation (by code) answered them: the variant's extra ones after. */
  async questions(tx: Tx, orgCode: string | null, offeringCode: string): Promise<FormField[]> {
    const { rows } = await sql<{ form_fields: FormField[]; extra_fields: FormField[] }>`
      select o.form_fields, coalesce(v.extra_fields, '[]'::jsonb) as extra_fields
        from offerings o
        left join offering_variants v
          on v.offering_id = o.id and v.org_id = (select id from organisations where code = ${orgCode})
       where o.code = ${offeringCode}
       limit 1`.execute(tx);
    const row = rows[0];
    return row ? [...row.form_fields, ...row.extra_fields] : [];
  },
};
