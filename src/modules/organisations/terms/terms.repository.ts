import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { ChargingModel, DataSharingRole } from './terms.schemas.js';

/** A version of the terms agreed between the host and one partner. */
export interface TermsVersion {
  id: string;
  orgId: string;
  hostOrgId: string;
  version: number;
  status: 'draft' | 'signed';
  effectiveFrom: string;
  reviewOn: string;
  noticeMonths: number;
  exitCostSharing: string;
  dataSharingRole: DataSharingRole;
  notes: string;
  lines: TermsLine[];
  signedOn: string | null;
  signedForPartner: string | null;
  signedByName: string | null;
  updatedAt: Date;
}

export interface TermsLine {
  serviceLineId: string;
  code: string;
  name: string;
  chargingModel: ChargingModel;
}

/** A draft's terms as they are written. */
export interface TermsDraft {
  effectiveFrom: string;
  reviewOn: string;
  noticeMonths: number;
  exitCostSharing: string;
  dataSharingRole: DataSharingRole;
  notes: string;
  lines: Array<{ serviceLineId: string; chargingModel: ChargingModel }>;
}

type VersionRow = {
  id: string;
  org_id: string;
  host_org_id: string;
  version: number;
  status: 'draft' | 'signed';
  effective_from: string;
  review_on: string;
  notice_months: number;
  exit_cost_sharing: string;
  data_sharing_role: DataSharingRole;
  notes: string;
  signed_on: string | null;
  signed_for_partner: string | null;
  signed_by_name: string | null;
  updated_at: Date;
  lines: TermsLine[] | null;
};

const selectVersions = sql`
  select v.id, v.org_id, v.host_org_id, v.version, v.status, v.effective_from::text as effective_from,
         v.review_on::text as review_on, v.notice_months, v.exit_cost_sharing, v.data_sharing_role, v.notes,
         v.signed_on::text as signed_on, v.signed_for_partner, u.name as signed_by_name, v.updated_at,
         (select json_agg(json_build_object('serviceLineId', l.service_line_id, 'code', s.code,
                                            'name', s.name, 'chargingModel', l.charging_model)
                          order by s.name)
            from agreement_version_lines l join service_lines s on s.id = l.service_line_id
           where l.org_id = v.org_id and l.version_id = v.id) as lines
    from agreement_versions v
    left join users u on u.id = v.signed_by`;

const toVersion = (row: VersionRow): TermsVersion => ({
  id: row.id,
  orgId: row.org_id,
  hostOrgId: row.host_org_id,
  version: row.version,
  status: row.status,
  effectiveFrom: row.effective_from,
  reviewOn: row.review_on,
  noticeMonths: row.notice_months,
  exitCostSharing: row.exit_cost_sharing,
  dataSharingRole: row.data_sharing_role,
  notes: row.notes,
  lines: row.lines ?? [],
  signedOn: row.signed_on,
  signedForPartner: row.signed_for_partner,
  signedByName: row.signed_by_name,
  updatedAt: row.updated_at,
});

export const termsRepository = {
  /** Every version of one partner's terms, newest first. */
  async list(tx: Tx, orgId: string): Promise<TermsVersion[]> {
    const { rows } = await sql<VersionRow>`${selectVersions}
      where v.org_id = ${orgId} order by v.version desc`.execute(tx);
    return rows.map(toVersion);
  },

  async byId(tx: Tx, orgId: string, id: string): Promise<TermsVersion | undefined> {
    const { rows } = await sql<VersionRow>`${selectVersions}
      where v.org_id = ${orgId} and v.id = ${id}`.execute(tx);
    return rows[0] && toVersion(rows[0]);
  },

  /** The number the next version of this partner's terms takes. */
  async nextNumber(tx: Tx, hostOrgId: string, orgId: string): Promise<number> {
    const { rows } = await sql<{ next: number }>`
      select coalesce(max(version), 0) + 1 as next from agreement_versions
       where host_org_id = ${hostOrgId} and org_id = ${orgId}`.execute(tx);
    return rows[0]!.next;
  },

  async insert(
    tx: Tx,
    keys: { orgId: string; hostOrgId: string; version: number; userId: string },
    draft: TermsDraft,
  ): Promise<string> {
    const { rows } = await sql<{ id: string }>`
      insert into agreement_versions (org_id, host_org_id, version, effective_from, review_on, notice_months,
                                      exit_cost_sharing, data_sharing_role, notes, created_by)
      values (${keys.orgId}, ${keys.hostOrgId}, ${keys.version}, ${draft.effectiveFrom}, ${draft.reviewOn},
              ${draft.noticeMonths}, ${draft.exitCostSharing}, ${draft.dataSharingRole}, ${draft.notes},
              ${keys.userId})
      returning id`.execute(tx);
    const id = rows[0]!.id;
    await termsRepository.writeLines(tx, keys.orgId, id, draft.lines);
    return id;
  },

  async updateDraft(tx: Tx, version: TermsVersion, draft: TermsDraft): Promise<void> {
    await sql`
      update agreement_versions
         set effective_from = ${draft.effectiveFrom}, review_on = ${draft.reviewOn},
             notice_months = ${draft.noticeMonths}, exit_cost_sharing = ${draft.exitCostSharing},
             data_sharing_role = ${draft.dataSharingRole}, notes = ${draft.notes}, updated_at = now()
       where org_id = ${version.orgId} and id = ${version.id} and status = 'draft'`.execute(tx);
    await sql`delete from agreement_version_lines where org_id = ${version.orgId} and version_id = ${version.id}`.execute(
      tx,
    );
    await termsRepository.writeLines(tx, version.orgId, version.id, draft.lines);
  },

  async writeLines(tx: Tx, orgId: string, versionId: string, lines: TermsDraft['lines']): Promise<void> {
    if (!lines.length) return;
    await sql`
      insert into agreement_version_lines (org_id, version_id, service_line_id, charging_model)
      select ${orgId}, ${versionId}, line, model
        from unnest(${lines.map((l) => l.serviceLineId)}::uuid[], ${lines.map((l) => l.chargingModel)}::text[])
             as t (line, model)`.execute(tx);
  },

  async sign(
    tx: Tx,
    version: TermsVersion,
    signing: { signedOn: string; signedForPartner: string; userId: string },
  ): Promise<void> {
    await sql`
      update agreement_versions
         set status = 'signed', signed_on = ${signing.signedOn}, signed_for_partner = ${signing.signedForPartner},
             signed_by = ${signing.userId}, updated_at = now()
       where org_id = ${version.orgId} and id = ${version.id} and status = 'draft'`.execute(tx);
  },

  async removeDraft(tx: Tx, version: TermsVersion): Promise<void> {
    await sql`delete from agreement_versions where org_id = ${version.orgId} and id = ${version.id} and status = 'draft'`.execute(
      tx,
    );
  },

  /** Whether the organisation has a signed version of its terms with this host. */
  async hasSigned(tx: Tx, hostOrgId: string, orgId: string): Promise<boolean> {
    const { rows } = await sql<{ signed: boolean }>`
      select exists (select 1 from agreement_versions
                      where host_org_id = ${hostOrgId} and org_id = ${orgId} and status = 'signed') as signed`.execute(
      tx,
    );
    return rows[0]!.signed;
  },

  /** The host's service lines, by name: what a version may cover. */
  async hostLines(tx: Tx, hostOrgId: string): Promise<Array<{ id: string; code: string; name: string }>> {
    const { rows } = await sql<{ id: string; code: string; name: string }>`
      select id, code, name from service_lines where org_id = ${hostOrgId} order by name`.execute(tx);
    return rows;
  },
};
