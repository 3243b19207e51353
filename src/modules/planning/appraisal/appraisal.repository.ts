import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import {
  COST_CATEGORIES,
  parseAmountPence,
  type AppraisalOption,
  type BenefitCategory,
  type CostCategory,
  type RateBand,
} from '../../../kernel/appraisal.js';
import { formatPounds } from '../../../kernel/money.js';
import { SECTIONS, type CaseInput, type Section } from './appraisal.input.js';

/** A business case as listed. */
export interface CaseSummary {
  id: string;
  title: string;
  baseYear: string;
  horizonYears: number;
  status: 'draft' | 'approved';
  preferred: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  approvedAt: Date | null;
}

/** A planned saving as stored with its case, with the names of its partner and line. */
export interface StoredSaving {
  organisation: string;
  organisationName: string;
  serviceLine: string;
  serviceLineName: string;
  year: string;
  amountPence: bigint;
}

/** A business case as stored: its summary, and the case in the API's shape. */
export interface StoredCase extends CaseSummary {
  input: CaseInput;
  savings: StoredSaving[];
  approvedByName: string | null;
}

interface CaseRow {
  id: string;
  title: string;
  base_year: string;
  horizon_years: number;
  status: 'draft' | 'approved';
  preferred: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  approved_at: Date | null;
}

interface FullRow extends CaseRow, Record<Section, string> {
  approved_by_name: string | null;
  options: Array<{ code: string; name: string; kind: AppraisalOption['kind']; preferred: boolean }> | null;
  flows: Array<[string, string, number, string]> | null;
  bias: Array<{
    option: string;
    category: CostCategory;
    upper: string;
    mitigation: string;
    reason: string;
  }> | null;
  rates: Array<{ from: number; to: number | null; rate: string }> | null;
  savings: Array<{
    organisation: string;
    organisationName: string;
    serviceLine: string;
    serviceLineName: string;
    year: string;
    amount: string;
  }> | null;
}

function summaryOf(row: CaseRow): CaseSummary {
  return {
    id: row.id,
    title: row.title,
    baseYear: row.base_year,
    horizonYears: row.horizon_years,
    status: row.status,
    preferred: row.preferred,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    approvedAt: row.approved_at,
  };
}

const PREFERRED = sql`(select o.code from business_case_options o
                        where o.org_id = c.org_id and o.case_id = c.id and o.preferred)`;

/** The children of a case, each as one JSON array, so a case is read in one statement. */
const CHILDREN = sql`
  (select json_agg(json_build_object('code', o.code, 'name', o.name, 'kind', o.kind, 'preferred', o.preferred)
                   order by o.position)
     from business_case_options o where o.org_id = c.org_id and o.case_id = c.id) as options,
  (select json_agg(json_build_array(f.option_code, f.category, f.year, f.amount_pence::text)
                   order by f.option_code, f.position)
     from business_case_flows f where f.org_id = c.org_id and f.case_id = c.id) as flows,
  (select json_agg(json_build_object('option', b.option_code, 'category', b.category,
                                     'upper', trim_scale(b.upper)::text,
                                     'mitigation', trim_scale(b.mitigation)::text, 'reason', b.reason))
     from business_case_bias b where b.org_id = c.org_id and b.case_id = c.id) as bias,
  (select json_agg(json_build_object('from', r.from_year, 'to', r.to_year, 'rate', trim_scale(r.rate)::text)
                   order by r.from_year)
     from business_case_rates r where r.org_id = c.org_id and r.case_id = c.id) as rates,
  (select json_agg(json_build_object('organisation', po.code, 'organisationName', po.name,
                                     'serviceLine', l.code, 'serviceLineName', l.name,
                                     'year', s.financial_year, 'amount', s.amount_pence::text)
                   order by s.financial_year, po.code, l.code)
     from business_case_savings s
     join organisations po on po.id = s.partner_org_id
     join service_lines l on l.id = s.service_line_id
    where s.org_id = c.org_id and s.case_id = c.id) as savings`;

function inputOf(row: FullRow): CaseInput {
  const flows = row.flows ?? [];
  const bias = row.bias ?? [];
  const options = (row.options ?? []).map((option): AppraisalOption => {
    const own = flows.filter((flow) => flow[0] === option.code);
    const isCost = (category: string) => (COST_CATEGORIES as readonly string[]).includes(category);
    const optimism = bias.filter((entry) => entry.option === option.code);
    return {
      code: option.code,
      name: option.name,
      kind: option.kind,
      preferred: option.preferred,
      costs: own
        .filter((flow) => isCost(flow[1]))
        .map(([, category, year, pence]) => ({
          category: category as CostCategory,
          year,
          amount: formatPounds(pence),
        })),
      benefits: own
        .filter((flow) => !isCost(flow[1]))
        .map(([, category, year, pence]) => ({
          category: category as BenefitCategory,
          year,
          amount: formatPounds(pence),
        })),
      ...(optimism.length
        ? {
            optimismBias: Object.fromEntries(
              optimism.map((entry) => [
                entry.category,
                { upper: entry.upper, mitigation: entry.mitigation, reason: entry.reason },
              ]),
            ),
          }
        : {}),
    };
  });
  return {
    title: row.title,
    baseYear: row.base_year,
    horizonYears: row.horizon_years,
    options,
    discountRates: (row.rates ?? []).map((band): RateBand => ({
      from: band.from,
      to: band.to,
      rate: band.rate,
    })),
    sections: Object.fromEntries(SECTIONS.map((name) => [name, row[name]])) as Record<Section, string>,
    plannedSavings: (row.savings ?? []).map((saving) => ({
      organisation: saving.organisation,
      serviceLine: saving.serviceLine,
      year: saving.year,
      amountPence: BigInt(saving.amount),
    })),
  };
}

/** Planned savings resolved to ids, ready to store. */
export interface ResolvedSaving {
  partnerOrgId: string;
  serviceLineId: string;
  year: string;
  amountPence: bigint;
}

export const appraisalRepository = {
  async list(tx: Tx, hostOrgId: string): Promise<CaseSummary[]> {
    const result = await sql<CaseRow>`
      select c.id, c.title, c.base_year, c.horizon_years, c.status, ${PREFERRED} as preferred, c.version,
             c.created_at, c.updated_at, c.approved_at
        from business_cases c
       where c.org_id = ${hostOrgId}
       order by c.updated_at desc, c.id`.execute(tx);
    return result.rows.map(summaryOf);
  },

  /** One case with everything in it, in one statement. */
  async find(tx: Tx, hostOrgId: string, id: string): Promise<StoredCase | undefined> {
    const result = await sql<FullRow>`
      select c.id, c.title, c.base_year, c.horizon_years, c.status, ${PREFERRED} as preferred, c.version,
             c.created_at, c.updated_at, c.approved_at, c.strategic, c.economic, c.commercial, c.financial,
             c.management, (select u.name from users u where u.id = c.approved_by) as approved_by_name,
             ${CHILDREN}
        from business_cases c
       where c.org_id = ${hostOrgId} and c.id = ${id}`.execute(tx);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      ...summaryOf(row),
      input: inputOf(row),
      approvedByName: row.approved_by_name,
      savings: (row.savings ?? []).map((saving) => ({ ...saving, amountPence: BigInt(saving.amount) })),
    };
  },

  /** The case's own row, locked for a change; undefined when it cannot be seen. */
  async lock(
    tx: Tx,
    hostOrgId: string,
    id: string,
  ): Promise<{ status: string; version: number } | undefined> {
    const result = await sql<{ status: string; version: number }>`
      select status, version from business_cases where org_id = ${hostOrgId} and id = ${id} for update`.execute(
      tx,
    );
    return result.rows[0];
  },

  async insert(tx: Tx, hostOrgId: string, userId: string, input: CaseInput): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into business_cases (org_id, title, base_year, horizon_years, strategic, economic, commercial,
                                  financial, management, created_by)
      values (${hostOrgId}, ${input.title}, ${input.baseYear}, ${input.horizonYears}, ${input.sections.strategic},
              ${input.sections.economic}, ${input.sections.commercial}, ${input.sections.financial},
              ${input.sections.management}, ${userId})
      returning id`.execute(tx);
    return result.rows[0]!.id;
  },

  /** Replaces a draft's own fields; its children are written again by `writeChildren`. */
  async update(tx: Tx, hostOrgId: string, id: string, input: CaseInput): Promise<void> {
    await sql`
      update business_cases
         set title = ${input.title}, base_year = ${input.baseYear}, horizon_years = ${input.horizonYears},
             strategic = ${input.sections.strategic}, economic = ${input.sections.economic},
             commercial = ${input.sections.commercial}, financial = ${input.sections.financial},
             management = ${input.sections.management}, version = version + 1, updated_at = now()
       where org_id = ${hostOrgId} and id = ${id}`.execute(tx);
    await sql`delete from business_case_options where org_id = ${hostOrgId} and case_id = ${id}`.execute(tx);
    await sql`delete from business_case_rates where org_id = ${hostOrgId} and case_id = ${id}`.execute(tx);
    await sql`delete from business_case_savings where org_id = ${hostOrgId} and case_id = ${id}`.execute(tx);
  },

  /** Writes a case's options, cash flows, optimism bias, rates and planned savings, set-based. */
  async writeChildren(
    tx: Tx,
    hostOrgId: string,
    id: string,
    input: CaseInput,
    savings: ResolvedSaving[],
  ): Promise<void> {
    const options = input.options;
    await sql`
      insert into business_case_options (org_id, case_id, code, position, name, kind, preferred)
      select ${hostOrgId}, ${id}, o.code, o.position - 1, o.name, o.kind, o.preferred
        from unnest(${options.map((o) => o.code)}::text[], ${options.map((o) => o.name ?? '')}::text[],
                    ${options.map((o) => o.kind)}::text[], ${options.map((o) => o.preferred)}::boolean[])
             with ordinality as o(code, name, kind, preferred, position)`.execute(tx);
    const flows = options.flatMap((option) =>
      [...option.costs, ...option.benefits].map((flow, position) => ({
        option: option.code,
        position,
        ...flow,
      })),
    );
    if (flows.length)
      await sql`
        insert into business_case_flows (org_id, case_id, option_code, position, category, year, amount_pence)
        select ${hostOrgId}, ${id}, f.option_code, f.position, f.category, f.year, f.amount
          from unnest(${flows.map((f) => f.option)}::text[], ${flows.map((f) => f.position)}::int[],
                      ${flows.map((f) => f.category)}::text[], ${flows.map((f) => f.year)}::int[],
                      ${flows.map((f) => String(parseAmountPence(f.amount)))}::bigint[])
               as f(option_code, position, category, year, amount)`.execute(tx);
    const bias = options.flatMap((option) =>
      Object.entries(option.optimismBias ?? {}).map(([category, value]) => ({
        option: option.code,
        category,
        ...value,
      })),
    );
    if (bias.length)
      await sql`
        insert into business_case_bias (org_id, case_id, option_code, category, upper, mitigation, reason)
        select ${hostOrgId}, ${id}, b.option_code, b.category, b.upper, b.mitigation, b.reason
          from unnest(${bias.map((b) => b.option)}::text[], ${bias.map((b) => b.category)}::text[],
                      ${bias.map((b) => String(b.upper))}::numeric[], ${bias.map((b) => String(b.mitigation))}::numeric[],
                      ${bias.map((b) => b.reason ?? '')}::text[])
               as b(option_code, category, upper, mitigation, reason)`.execute(tx);
    const rates = input.discountRates;
    await sql`
      insert into business_case_rates (org_id, case_id, from_year, to_year, rate)
      select ${hostOrgId}, ${id}, r.from_year, r.to_year, r.rate
        from unnest(${rates.map((r) => r.from)}::int[], ${rates.map((r) => r.to)}::int[],
                    ${rates.map((r) => r.rate)}::numeric[]) as r(from_year, to_year, rate)`.execute(tx);
    if (savings.length)
      await sql`
        insert into business_case_savings (org_id, case_id, partner_org_id, service_line_id, financial_year,
                                           amount_pence)
        select ${hostOrgId}, ${id}, s.partner, s.line, s.year, s.amount
          from unnest(${savings.map((s) => s.partnerOrgId)}::uuid[], ${savings.map((s) => s.serviceLineId)}::uuid[],
                      ${savings.map((s) => s.year)}::text[], ${savings.map((s) => String(s.amountPence))}::bigint[])
               as s(partner, line, year, amount)`.execute(tx);
  },

  /** Approves a draft and fixes its planned savings into the ledger, in the same unit of work. */
  async approve(tx: Tx, hostOrgId: string, id: string, userId: string): Promise<number> {
    await sql`
      update business_cases set status = 'approved', approved_by = ${userId}, approved_at = now(), updated_at = now()
       where org_id = ${hostOrgId} and id = ${id}`.execute(tx);
    const result = await sql`
      insert into planned_savings (org_id, host_org_id, case_id, service_line_id, financial_year, amount_pence,
                                   approved_at)
      select s.partner_org_id, s.org_id, s.case_id, s.service_line_id, s.financial_year, s.amount_pence, c.approved_at
        from business_case_savings s join business_cases c on c.org_id = s.org_id and c.id = s.case_id
       where s.org_id = ${hostOrgId} and s.case_id = ${id}`.execute(tx);
    return Number(result.numAffectedRows ?? 0);
  },

  async remove(tx: Tx, hostOrgId: string, id: string): Promise<void> {
    await sql`delete from business_cases where org_id = ${hostOrgId} and id = ${id}`.execute(tx);
  },

  /** Partners (by code) and the host's service lines (by code), as row level security shows them. */
  async lookups(
    tx: Tx,
    hostOrgId: string,
    orgCodes: string[],
  ): Promise<{ organisations: Map<string, { id: string; role: string }>; lines: Map<string, string> }> {
    const result = await sql<{ kind: 'org' | 'line'; id: string; code: string; role: string }>`
      select 'org' as kind, id, code, role from organisations where code = any (${orgCodes}::text[])
      union all
      select 'line', id, code, '' from service_lines where org_id = ${hostOrgId}`.execute(tx);
    const organisations = new Map<string, { id: string; role: string }>();
    const lines = new Map<string, string>();
    for (const row of result.rows) {
      if (row.kind === 'org') organisations.set(row.code, { id: row.id, role: row.role });
      else lines.set(row.code, row.id);
    }
    return { organisations, lines };
  },
};
