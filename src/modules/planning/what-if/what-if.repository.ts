import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

/** A cost model as stored (amounts as text of whole pence and whole units). */
export interface StoredModel {
  unit: string;
  offering: string | null;
  fixedPence: string;
  variablePence: string;
  steps: Array<{ fromVolume: string; addedFixedPence: string }>;
}

/** A partner's volume as a scenario keeps it. */
export interface StoredVolume {
  orgId: string;
  code: string;
  name: string;
  volume: string;
  source: 'usage' | 'entered';
}

export interface LineWithModel {
  id: string;
  code: string;
  name: string;
  model: (StoredModel & { version: number; updatedAt: Date }) | null;
  offerings: Array<{ code: string; name: string; unit: string }>;
}

export interface StoredScenario {
  id: string;
  serviceLineId: string;
  serviceLine: string;
  serviceLineName: string;
  name: string;
  prospect: string;
  prospectVolume: string;
  model: StoredModel;
  volumes: StoredVolume[];
  notes: string;
  createdAt: Date;
  createdByName: string | null;
}

type ScenarioRow = {
  id: string;
  service_line_id: string;
  service_line: string;
  service_line_name: string;
  name: string;
  prospect: string;
  prospect_volume: string;
  model: StoredModel;
  volumes: StoredVolume[];
  notes: string;
  created_at: Date;
  created_by_name: string | null;
};

const scenarioOf = (row: ScenarioRow): StoredScenario => ({
  id: row.id,
  serviceLineId: row.service_line_id,
  serviceLine: row.service_line,
  serviceLineName: row.service_line_name,
  name: row.name,
  prospect: row.prospect,
  prospectVolume: row.prospect_volume,
  model: row.model,
  volumes: row.volumes,
  notes: row.notes,
  createdAt: row.created_at,
  createdByName: row.created_by_name,
});

const SCENARIO = sql`
  select s.id, s.service_line_id, l.code as service_line, l.name as service_line_name, s.name, s.prospect,
         s.prospect_volume::text, s.model, s.volumes, s.notes, s.created_at,
         (select u.name from users u where u.id = s.created_by) as created_by_name
    from what_if_scenarios s join service_lines l on l.id = s.service_line_id`;

export const whatIfRepository = {
  /** The host's service lines, each with its cost model (if any) and offerings. */
  async lines(tx: Tx, hostOrgId: string): Promise<LineWithModel[]> {
    const result = await sql<{
      id: string;
      code: string;
      name: string;
      model: (StoredModel & { version: number; updatedAt: string }) | null;
      offerings: LineWithModel['offerings'] | null;
    }>`
      select l.id, l.code, l.name,
             (select json_build_object('unit', m.unit, 'offering', o.code, 'fixedPence', m.fixed_pence::text,
                                       'variablePence', m.variable_pence::text, 'steps', m.steps,
                                       'version', m.version, 'updatedAt', m.updated_at)
                from line_cost_models m left join offerings o on o.id = m.offering_id
               where m.org_id = l.org_id and m.service_line_id = l.id) as model,
             (select json_agg(json_build_object('code', o.code, 'name', o.name, 'unit', o.unit) order by o.name)
                from offerings o where o.service_line_id = l.id and o.status = 'active') as offerings
        from service_lines l
       where l.org_id = ${hostOrgId}
       order by l.name`.execute(tx);
    return result.rows.map((row) => ({
      id: row.id,
      code: row.code,
      name: row.name,
      model: row.model && { ...row.model, updatedAt: new Date(row.model.updatedAt) },
      offerings: row.offerings ?? [],
    }));
  },

  async saveModel(
    tx: Tx,
    hostOrgId: string,
    lineId: string,
    userId: string,
    model: StoredModel & { offeringId: string | null },
  ): Promise<void> {
    await sql`
      insert into line_cost_models (org_id, service_line_id, unit, offering_id, fixed_pence, variable_pence, steps,
                                    updated_by)
      values (${hostOrgId}, ${lineId}, ${model.unit}, ${model.offeringId}, ${model.fixedPence}, ${model.variablePence},
              ${JSON.stringify(model.steps)}::jsonb, ${userId})
      on conflict (org_id, service_line_id) do update
         set unit = excluded.unit, offering_id = excluded.offering_id, fixed_pence = excluded.fixed_pence,
             variable_pence = excluded.variable_pence, steps = excluded.steps,
             version = line_cost_models.version + 1, updated_by = excluded.updated_by, updated_at = now()`.execute(
      tx,
    );
  },

  async offeringId(tx: Tx, lineId: string, code: string): Promise<string | undefined> {
    const result = await sql<{ id: string }>`
      select id from offerings where service_line_id = ${lineId} and code = ${code}`.execute(tx);
    return result.rows[0]?.id;
  },

  /**
   * Each organisation's volume on the line over [from, until): the usage recorded for it (of the
   * model's offering, or all the line's), in whole units; and every partner that takes the line
   * today, with none.
   */
  async usage(
    tx: Tx,
    query: { hostOrgId: string; lineId: string; offering: string | null; from: string; until: string },
  ): Promise<Array<{ orgId: string; code: string; name: string; volume: bigint }>> {
    const result = await sql<{ org_id: string; code: string; name: string; volume: string }>`
      with used as (
        select e.org_id, sum(e.quantity) as thousandths
          from usage_events e
         where e.host_org_id = ${query.hostOrgId} and e.service_line_id = ${query.lineId}
           and e.occurred_on >= ${query.from}::date and e.occurred_on < ${query.until}::date
           and ${query.offering === null ? sql`true` : sql`e.offering_id = (select o.id from offerings o where o.service_line_id = ${query.lineId} and o.code = ${query.offering})`}
         group by e.org_id),
      taking as (
        select distinct a.org_id from service_agreements a
         where a.host_org_id = ${query.hostOrgId} and a.service_line_id = ${query.lineId}
           and a.valid_from <= ${query.until}::date and (a.valid_to is null or a.valid_to >= ${query.until}::date))
      select o.id as org_id, o.code, o.name,
             div(greatest(coalesce(u.thousandths, 0), 0) + 500, 1000)::text as volume
        from organisations o
        left join used u on u.org_id = o.id
       where o.id in (select org_id from used union select org_id from taking)
       order by o.code`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      code: row.code,
      name: row.name,
      volume: BigInt(row.volume),
    }));
  },

  async insertScenario(
    tx: Tx,
    hostOrgId: string,
    userId: string,
    values: {
      lineId: string;
      name: string;
      prospect: string;
      prospectVolume: string;
      model: StoredModel;
      volumes: StoredVolume[];
      notes: string;
    },
  ): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into what_if_scenarios (org_id, service_line_id, name, prospect, prospect_volume, model, volumes, notes,
                                     created_by)
      values (${hostOrgId}, ${values.lineId}, ${values.name}, ${values.prospect}, ${values.prospectVolume},
              ${JSON.stringify(values.model)}::jsonb, ${JSON.stringify(values.volumes)}::jsonb, ${values.notes},
              ${userId})
      returning id`.execute(tx);
    return result.rows[0]!.id;
  },

  async scenarios(tx: Tx, hostOrgId: string): Promise<StoredScenario[]> {
    const result =
      await sql<ScenarioRow>`${SCENARIO} where s.org_id = ${hostOrgId} order by s.created_at desc`.execute(
        tx,
      );
    return result.rows.map(scenarioOf);
  },

  async scenariosById(tx: Tx, hostOrgId: string, ids: string[]): Promise<StoredScenario[]> {
    const result = await sql<ScenarioRow>`
      ${SCENARIO} where s.org_id = ${hostOrgId} and s.id = any (${ids}::uuid[]) order by s.created_at`.execute(
      tx,
    );
    return result.rows.map(scenarioOf);
  },

  async removeScenario(tx: Tx, hostOrgId: string, id: string): Promise<boolean> {
    const result =
      await sql`delete from what_if_scenarios where org_id = ${hostOrgId} and id = ${id}`.execute(tx);
    return Number(result.numAffectedRows ?? 0) > 0;
  },
};
