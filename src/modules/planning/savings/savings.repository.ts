import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { LedgerScope } from '../planning.policy.js';
import type { LedgerEntry } from './savings.ledger.js';

/** A baseline as listed, with its partner's and line's codes and names. */
export interface Baseline {
  id: string;
  orgId: string;
  organisation: string;
  organisationName: string;
  serviceLineId: string;
  serviceLine: string;
  serviceLineName: string;
  year: string;
  amountPence: bigint;
  source: string;
  version: number;
  updatedAt: Date;
}

/** A baseline ready to record, by ids. */
export interface BaselineValues {
  orgId: string;
  serviceLineId: string;
  year: string;
  amountPence: bigint;
  source: string;
}

/** The tolerance the ledger's RAG uses when the host has set none: 10% of the plan. */
export const DEFAULT_TOLERANCE_BASIS_POINTS = 1000;

/** Rows of the scope: every partner of the host, or the partner's own (row level security agrees). */
function inScope(scope: LedgerScope, alias: string): RawBuilder<unknown> {
  return scope.kind === 'host'
    ? sql`${sql.ref(`${alias}.host_org_id`)} = ${scope.hostOrgId}::uuid`
    : sql`${sql.ref(`${alias}.org_id`)} = ${scope.orgId}::uuid`;
}

export const savingsRepository = {
  /** Baselines and planned savings (summed over approved cases), one row per partner, line and year. */
  async entries(tx: Tx, scope: LedgerScope): Promise<LedgerEntry[]> {
    const result = await sql<{
      org_id: string;
      service_line_id: string;
      year: string;
      baseline: string | null;
      planned: string;
    }>`
      select l.org_id, l.service_line_id, l.financial_year as year, l.baseline_pence::text as baseline,
             l.planned_pence::text as planned
        from savings_ledger_lines l
       where ${inScope(scope, 'l')} and (l.baseline_pence is not null or l.planned_pence <> 0)`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      serviceLineId: row.service_line_id,
      year: row.year,
      baselinePence: row.baseline === null ? null : BigInt(row.baseline),
      plannedPence: BigInt(row.planned),
    }));
  },

  /**
   * The codes and names of the organisations and service lines the ledger may mention, and the
   * host's tolerance, in one statement.
   */
  async names(
    tx: Tx,
    scope: LedgerScope,
  ): Promise<{
    organisations: Map<string, { code: string; name: string }>;
    lines: Map<string, { code: string; name: string }>;
    toleranceBasisPoints: number;
  }> {
    const result = await sql<{ kind: 'org' | 'line' | 'tolerance'; id: string; code: string; name: string }>`
      select 'org' as kind, o.id::text as id, o.code, o.name from organisations o
       where ${scope.kind === 'host' ? sql`o.role = 'partner' or o.id = ${scope.hostOrgId}::uuid` : sql`o.id = ${scope.orgId}::uuid`}
      union all
      select 'line', l.id::text, l.code, l.name from service_lines l
       where ${scope.kind === 'host' ? sql`l.org_id = ${scope.hostOrgId}::uuid` : sql`true`}
      union all
      select 'tolerance', '', coalesce(min(s.ledger_tolerance_basis_points), ${DEFAULT_TOLERANCE_BASIS_POINTS})::text, ''
        from planning_settings s
       where ${scope.kind === 'host' ? sql`s.org_id = ${scope.hostOrgId}::uuid` : sql`true`}`.execute(tx);
    const organisations = new Map<string, { code: string; name: string }>();
    const lines = new Map<string, { code: string; name: string }>();
    let toleranceBasisPoints = DEFAULT_TOLERANCE_BASIS_POINTS;
    for (const row of result.rows) {
      if (row.kind === 'org') organisations.set(row.id, { code: row.code, name: row.name });
      else if (row.kind === 'line') lines.set(row.id, { code: row.code, name: row.name });
      else toleranceBasisPoints = Number(row.code);
    }
    return { organisations, lines, toleranceBasisPoints };
  },

  async baselines(tx: Tx, scope: LedgerScope, year?: string): Promise<Baseline[]> {
    const result = await sql<{
      id: string;
      org_id: string;
      organisation: string | null;
      organisation_name: string | null;
      service_line_id: string;
      service_line: string | null;
      service_line_name: string | null;
      year: string;
      amount_pence: string;
      source: string;
      version: number;
      updated_at: Date;
    }>`
      select b.id, b.org_id, o.code as organisation, o.name as organisation_name, b.service_line_id,
             l.code as service_line, l.name as service_line_name, b.financial_year as year,
             b.amount_pence::text, b.source, b.version, b.updated_at
        from savings_baselines b
        left join organisations o on o.id = b.org_id
        left join service_lines l on l.id = b.service_line_id
       where ${inScope(scope, 'b')} and ${year ? sql`b.financial_year = ${year}` : sql`true`}
       order by b.financial_year, o.code, l.code`.execute(tx);
    return result.rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      organisation: row.organisation ?? '',
      organisationName: row.organisation_name ?? '',
      serviceLineId: row.service_line_id,
      serviceLine: row.service_line ?? '',
      serviceLineName: row.service_line_name ?? '',
      year: row.year,
      amountPence: BigInt(row.amount_pence),
      source: row.source,
      version: row.version,
      updatedAt: row.updated_at,
    }));
  },

  /** Partners by code and the host's service lines by code, as row level security shows them. */
  async lookups(tx: Tx, hostOrgId: string, orgCodes: string[]) {
    const result = await sql<{ kind: 'org' | 'line'; id: string; code: string; name: string; role: string }>`
      select 'org' as kind, id, code, name, role from organisations where code = any (${orgCodes}::text[])
      union all
      select 'line', id, code, name, '' from service_lines where org_id = ${hostOrgId}`.execute(tx);
    const organisations = new Map<string, { id: string; role: string }>();
    const lines = new Map<string, string>();
    for (const row of result.rows) {
      if (row.kind === 'org') organisations.set(row.code, { id: row.id, role: row.role });
      else lines.set(row.code, row.id);
    }
    return { organisations, lines };
  },

  /** The partners and lines a baseline can be for, for the form's choices. */
  async choices(tx: Tx, hostOrgId: string) {
    const result = await sql<{ kind: 'org' | 'line'; code: string; name: string }>`
      select 'org' as kind, code, name from organisations where role = 'partner'
      union all
      select 'line', code, name from service_lines where org_id = ${hostOrgId}
      order by kind, name`.execute(tx);
    return {
      organisations: result.rows.filter((row) => row.kind === 'org'),
      lines: result.rows.filter((row) => row.kind === 'line'),
    };
  },

  /** The baselines already recorded for these keys, locked for the change. */
  async current(tx: Tx, hostOrgId: string, values: BaselineValues[]) {
    if (!values.length) return new Map<string, { amountPence: bigint; source: string }>();
    const result = await sql<{
      org_id: string;
      service_line_id: string;
      financial_year: string;
      amount_pence: string;
      source: string;
    }>`
      select b.org_id, b.service_line_id, b.financial_year, b.amount_pence::text, b.source
        from savings_baselines b
        join unnest(${values.map((v) => v.orgId)}::uuid[], ${values.map((v) => v.serviceLineId)}::uuid[],
                    ${values.map((v) => v.year)}::text[]) as k(org_id, line_id, year)
          on b.org_id = k.org_id and b.service_line_id = k.line_id and b.financial_year = k.year
       where b.host_org_id = ${hostOrgId}
         for update of b`.execute(tx);
    return new Map(
      result.rows.map((row) => [
        `${row.org_id}|${row.service_line_id}|${row.financial_year}`,
        { amountPence: BigInt(row.amount_pence), source: row.source },
      ]),
    );
  },

  /** Records baselines, new or replacing, in one statement. */
  async upsert(tx: Tx, hostOrgId: string, userId: string, values: BaselineValues[]): Promise<void> {
    if (!values.length) return;
    await sql`
      insert into savings_baselines (org_id, host_org_id, service_line_id, financial_year, amount_pence, source,
                                     created_by, updated_by)
      select v.org_id, ${hostOrgId}, v.line_id, v.year, v.amount, v.source, ${userId}, ${userId}
        from unnest(${values.map((v) => v.orgId)}::uuid[], ${values.map((v) => v.serviceLineId)}::uuid[],
                    ${values.map((v) => v.year)}::text[], ${values.map((v) => String(v.amountPence))}::bigint[],
                    ${values.map((v) => v.source)}::text[]) as v(org_id, line_id, year, amount, source)
      on conflict (host_org_id, org_id, service_line_id, financial_year) do update
         set amount_pence = excluded.amount_pence, source = excluded.source,
             version = savings_baselines.version + 1, updated_by = excluded.updated_by, updated_at = now()`.execute(
      tx,
    );
  },

  async setTolerance(tx: Tx, hostOrgId: string, userId: string, basisPoints: number): Promise<number | null> {
    const before = await sql<{ bp: number }>`
      select ledger_tolerance_basis_points as bp from planning_settings where org_id = ${hostOrgId} for update`.execute(
      tx,
    );
    await sql`
      insert into planning_settings (org_id, ledger_tolerance_basis_points, updated_by)
      values (${hostOrgId}, ${basisPoints}, ${userId})
      on conflict (org_id) do update
         set ledger_tolerance_basis_points = excluded.ledger_tolerance_basis_points,
             updated_by = excluded.updated_by, updated_at = now()`.execute(tx);
    return before.rows[0]?.bp ?? null;
  },
};
