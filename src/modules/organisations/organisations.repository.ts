import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';
import type { OrganisationInput } from './organisations.schemas.js';

const COLUMNS = [
  'o.id',
  'o.code',
  'o.name',
  'o.role',
  'o.kind',
  'o.parent_id',
  'o.bank_holiday_division',
  'o.created_at',
  'o.updated_at',
] as const;

export interface Organisation {
  id: string;
  code: string;
  name: string;
  role: 'host' | 'partner';
  kind: string;
  parentId: string | null;
  parentName: string | null;
  bankHolidayDivision: string;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  id: string;
  code: string;
  name: string;
  role: 'host' | 'partner';
  kind: string;
  parent_id: string | null;
  bank_holiday_division: string;
  created_at: Date;
  updated_at: Date;
  parent_name: string | null;
};

function present(row: Row): Organisation {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    role: row.role,
    kind: row.kind,
    parentId: row.parent_id,
    parentName: row.parent_name,
    bankHolidayDivision: row.bank_holiday_division,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns an organisation's input sets, on insert and on update alike. */
function columnsOf(input: OrganisationInput) {
  return {
    code: input.code,
    name: input.name,
    role: input.role,
    kind: input.kind,
    parent_id: input.parentId,
    bank_holiday_division: input.bankHolidayDivision,
  };
}

function selectOrganisations(tx: Tx) {
  return tx
    .selectFrom('organisations as o')
    .leftJoin('organisations as p', 'p.id', 'o.parent_id')
    .select(COLUMNS)
    .select('p.name as parent_name');
}

export const organisationsRepository = {
  /** Every organisation row level security lets the caller see, hosts first, then by name. */
  async list(tx: Tx, onlyIds?: string[]): Promise<Organisation[]> {
    let query = selectOrganisations(tx).orderBy('o.role').orderBy('o.name');
    if (onlyIds)
      query = query.where('o.id', 'in', onlyIds.length ? onlyIds : ['00000000-0000-0000-0000-000000000000']);
    return (await query.execute()).map(present);
  },

  async findById(tx: Tx, id: string): Promise<Organisation | undefined> {
    const row = await selectOrganisations(tx).where('o.id', '=', id).executeTakeFirst();
    return row && present(row);
  },

  async findByCode(tx: Tx, code: string): Promise<Organisation | undefined> {
    const row = await selectOrganisations(tx).where('o.code', '=', code).executeTakeFirst();
    return row && present(row);
  },

  /** True when `candidateParent` is `id` itself or sits somewhere below it (which would make a loop). */
  async wouldLoop(tx: Tx, id: string, candidateParent: string): Promise<boolean> {
    const result = await sql<{ loops: boolean }>`
      with recursive ancestors(id, parent_id) as (
        select id, parent_id from organisations where id = ${candidateParent}
        union all
        select o.id, o.parent_id from organisations o join ancestors a on o.id = a.parent_id
      )
      select exists (select 1 from ancestors where id = ${id}) as loops`.execute(tx);
    return result.rows[0]?.loops ?? false;
  },

  async insert(tx: Tx, input: OrganisationInput): Promise<Organisation> {
    const { id } = await tx
      .insertInto('organisations')
      .values(columnsOf(input))
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await organisationsRepository.findById(tx, id))!;
  },

  async update(tx: Tx, id: string, input: OrganisationInput): Promise<Organisation | undefined> {
    const updated = await tx
      .updateTable('organisations')
      .set({ ...columnsOf(input), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    return updated && organisationsRepository.findById(tx, id);
  },

  async members(tx: Tx, orgId: string) {
    return tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.name', 'u.email', 'm.roles', 'u.disabled_at'])
      .where('m.org_id', '=', orgId)
      .orderBy('u.name')
      .execute();
  },
};
