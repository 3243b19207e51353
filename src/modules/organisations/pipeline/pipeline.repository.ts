import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { PartnershipStage } from '../../../kernel/partnership-stages.js';

/** An entry of the host's pipeline. */
export interface Prospect {
  id: string;
  hostOrgId: string;
  name: string;
  kind: string;
  stage: PartnershipStage;
  stageSince: string;
  organisation: { id: string; code: string; name: string } | null;
  owner: { id: string; name: string; email: string } | null;
  nextStep: string;
  nextStepDue: string | null;
  notes: string;
  version: number;
}

/** A prospect's fields as they are written. */
export interface ProspectFields {
  name: string;
  kind: string;
  organisationId: string | null;
  ownerUserId: string | null;
  nextStep: string;
  nextStepDue: string | null;
  notes: string;
}

export interface StageMove {
  seq: number;
  from: PartnershipStage | null;
  to: PartnershipStage;
  movedOn: string;
  note: string;
  byName: string | null;
}

type ProspectRow = {
  id: string;
  org_id: string;
  name: string;
  kind: string;
  stage: PartnershipStage;
  stage_since: string;
  organisation_id: string | null;
  organisation_code: string | null;
  organisation_name: string | null;
  owner_user_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  next_step: string;
  next_step_due: string | null;
  notes: string;
  version: number;
};

const selectProspects = sql`
  select p.id, p.org_id, p.name, p.kind, p.stage, p.stage_since::text as stage_since, p.organisation_id,
         o.code as organisation_code, o.name as organisation_name, p.owner_user_id, u.name as owner_name,
         u.email as owner_email, p.next_step, p.next_step_due::text as next_step_due, p.notes, p.version
    from partnership_prospects p
    left join organisations o on o.id = p.organisation_id
    left join users u on u.id = p.owner_user_id`;

const toProspect = (row: ProspectRow): Prospect => ({
  id: row.id,
  hostOrgId: row.org_id,
  name: row.name,
  kind: row.kind,
  stage: row.stage,
  stageSince: row.stage_since,
  organisation:
    row.organisation_id && row.organisation_code
      ? { id: row.organisation_id, code: row.organisation_code, name: row.organisation_name ?? '' }
      : null,
  owner:
    row.owner_user_id && row.owner_name
      ? { id: row.owner_user_id, name: row.owner_name, email: row.owner_email ?? '' }
      : null,
  nextStep: row.next_step,
  nextStepDue: row.next_step_due,
  notes: row.notes,
  version: row.version,
});

export const pipelineRepository = {
  /** The host's whole pipeline, by name. */
  async list(tx: Tx, hostOrgId: string): Promise<Prospect[]> {
    const { rows } = await sql<ProspectRow>`${selectProspects}
      where p.org_id = ${hostOrgId} order by lower(p.name), p.id`.execute(tx);
    return rows.map(toProspect);
  },

  async byId(tx: Tx, hostOrgId: string, id: string): Promise<Prospect | undefined> {
    const { rows } = await sql<ProspectRow>`${selectProspects}
      where p.org_id = ${hostOrgId} and p.id = ${id}`.execute(tx);
    return rows[0] && toProspect(rows[0]);
  },

  async moves(tx: Tx, hostOrgId: string, id: string): Promise<StageMove[]> {
    const { rows } = await sql<{
      seq: number;
      from_stage: PartnershipStage | null;
      to_stage: PartnershipStage;
      moved_on: string;
      note: string;
      by_name: string | null;
    }>`
      select m.seq, m.from_stage, m.to_stage, m.moved_on::text as moved_on, m.note, u.name as by_name
        from partnership_stage_moves m left join users u on u.id = m.moved_by
       where m.org_id = ${hostOrgId} and m.prospect_id = ${id}
       order by m.seq desc`.execute(tx);
    return rows.map((row) => ({
      seq: row.seq,
      from: row.from_stage,
      to: row.to_stage,
      movedOn: row.moved_on,
      note: row.note,
      byName: row.by_name,
    }));
  },

  /** Adds an entry at `prospect`, with the first line of its history. */
  async insert(
    tx: Tx,
    hostOrgId: string,
    fields: ProspectFields,
    on: string,
    userId: string,
  ): Promise<string> {
    const { rows } = await sql<{ id: string }>`
      insert into partnership_prospects (org_id, name, kind, stage_since, organisation_id, owner_user_id,
                                         next_step, next_step_due, notes, created_by)
      values (${hostOrgId}, ${fields.name}, ${fields.kind}, ${on}, ${fields.organisationId}, ${fields.ownerUserId},
              ${fields.nextStep}, ${fields.nextStepDue}, ${fields.notes}, ${userId})
      returning id`.execute(tx);
    const id = rows[0]!.id;
    await sql`
      insert into partnership_stage_moves (org_id, prospect_id, seq, from_stage, to_stage, moved_on, moved_by)
      values (${hostOrgId}, ${id}, 1, null, 'prospect', ${on}, ${userId})`.execute(tx);
    return id;
  },

  /** Changes an entry's fields if it is still at `version`; false when someone changed it first. */
  async update(tx: Tx, prospect: Prospect, fields: ProspectFields): Promise<boolean> {
    const result = await sql`
      update partnership_prospects
         set name = ${fields.name}, kind = ${fields.kind}, organisation_id = ${fields.organisationId},
             owner_user_id = ${fields.ownerUserId}, next_step = ${fields.nextStep},
             next_step_due = ${fields.nextStepDue}, notes = ${fields.notes}, version = version + 1, updated_at = now()
       where org_id = ${prospect.hostOrgId} and id = ${prospect.id} and version = ${prospect.version}`.execute(
      tx,
    );
    return Number(result.numAffectedRows ?? 0) === 1;
  },

  /** Moves an entry to a stage if it is still at `version`, and keeps the move. */
  async move(
    tx: Tx,
    prospect: Prospect,
    move: { to: PartnershipStage; on: string; note: string; userId: string },
  ): Promise<boolean> {
    const result = await sql`
      update partnership_prospects
         set stage = ${move.to}, stage_since = ${move.on}, version = version + 1, updated_at = now()
       where org_id = ${prospect.hostOrgId} and id = ${prospect.id} and version = ${prospect.version}`.execute(
      tx,
    );
    if (Number(result.numAffectedRows ?? 0) !== 1) return false;
    await sql`
      insert into partnership_stage_moves (org_id, prospect_id, seq, from_stage, to_stage, moved_on, note, moved_by)
      select ${prospect.hostOrgId}, ${prospect.id}, coalesce(max(seq), 0) + 1, ${prospect.stage}, ${move.to},
             ${move.on}, ${move.note}, ${move.userId}
        from partnership_stage_moves where org_id = ${prospect.hostOrgId} and prospect_id = ${prospect.id}`.execute(
      tx,
    );
    return true;
  },

  /**
   * The host's officers who may own a relationship (its executives, finance officers, service
   * managers and administrators), by name; or the one of them with that e-mail address.
   */
  async owners(
    tx: Tx,
    hostOrgId: string,
    email?: string,
  ): Promise<Array<{ id: string; name: string; email: string }>> {
    const { rows } = await sql<{ id: string; name: string; email: string }>`
      select u.id, u.name, u.email from memberships m join users u on u.id = m.user_id
       where m.org_id = ${hostOrgId} and u.disabled_at is null
         and m.roles && array['executive', 'finance_officer', 'service_manager', 'platform_administrator']::text[]
         and (${email ?? null}::text is null or u.email = ${email ?? null})
       order by u.name, u.email`.execute(tx);
    return rows;
  },

  /** A partner organisation the caller sees, by its code. */
  async partnerOrganisation(
    tx: Tx,
    code: string,
  ): Promise<{ id: string; code: string; name: string } | undefined> {
    const { rows } = await sql<{ id: string; code: string; name: string }>`
      select id, code, name from organisations where role = 'partner' and code = ${code}`.execute(tx);
    return rows[0];
  },

  /** Whether an entry other than `except` is linked to the organisation already. */
  async linkedTo(tx: Tx, hostOrgId: string, organisationId: string, except: string | null): Promise<boolean> {
    const { rows } = await sql<{ taken: boolean }>`
      select exists (select 1 from partnership_prospects
                      where org_id = ${hostOrgId} and organisation_id = ${organisationId}
                        and id is distinct from ${except}::uuid) as taken`.execute(tx);
    return rows[0]!.taken;
  },

  /** Partner organisations the caller sees, by name: what a prospect may be linked to. */
  async partnerOrganisations(tx: Tx): Promise<Array<{ id: string; code: string; name: string }>> {
    const { rows } = await sql<{ id: string; code: string; name: string }>`
      select id, code, name from organisations where role = 'partner' order by name`.execute(tx);
    return rows;
  },
};
