import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { catalogueTx as c } from '../catalogue.tables.js';

export interface Tariff {
  id: string;
  /** The host, for the standard price; the partner, for its own. */
  orgId: string;
  hostOrgId: string;
  serviceLineId: string;
  offeringId: string;
  offeringCode: string;
  offeringName: string;
  pence: number;
  validFrom: string;
  validTo: string | null;
  /** The partner whose own price this is; null for the standard price. */
  organisation: { code: string; name: string } | null;
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);

function selectTariffs(tx: Tx) {
  return c(tx)
    .selectFrom('tariffs as t')
    .innerJoin('offerings as o', 'o.id', 't.offering_id')
    .leftJoin('organisations as org', (join) =>
      join.onRef('org.id', '=', 't.org_id').onRef('t.org_id', '<>', 't.host_org_id'),
    )
    .select([
      't.id',
      't.org_id',
      't.host_org_id',
      't.service_line_id',
      't.offering_id',
      'o.code as offering_code',
      'o.name as offering_name',
      't.unit_price_pence',
      'org.code as org_code',
      'org.name as org_name',
    ])
    .select([
      sql<string>`t.valid_from::text`.as('valid_from'),
      sql<string | null>`t.valid_to::text`.as('valid_to'),
    ]);
}

type TariffRow = Awaited<ReturnType<ReturnType<typeof selectTariffs>['executeTakeFirstOrThrow']>>;

function toTariff(row: TariffRow): Tariff {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    offeringId: row.offering_id,
    offeringCode: row.offering_code,
    offeringName: row.offering_name,
    pence: Number(row.unit_price_pence),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    organisation: row.org_code && row.org_name ? { code: row.org_code, name: row.org_name } : null,
  };
}

export const tariffsRepository = {
  /** Prices by offering code, organisation and start; `on` keeps those in force that day. */
  async list(
    tx: Tx,
    filter: {
      lineIds?: readonly string[];
      offeringIds?: readonly string[];
      orgIds?: readonly string[];
      on?: string;
    },
  ): Promise<Tariff[]> {
    let query = selectTariffs(tx).orderBy('o.code').orderBy('t.org_id').orderBy('t.valid_from');
    if (filter.lineIds) query = query.where('t.service_line_id', 'in', orNone(filter.lineIds));
    if (filter.offeringIds) query = query.where('t.offering_id', 'in', orNone(filter.offeringIds));
    if (filter.orgIds) query = query.where('t.org_id', 'in', orNone(filter.orgIds));
    if (filter.on) {
      const on = filter.on;
      query = query
        .where('t.valid_from', '<=', on)
        .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', on)]));
    }
    return (await query.execute()).map(toTariff);
  },

  async byId(tx: Tx, id: string): Promise<Tariff | undefined> {
    const row = await selectTariffs(tx).where('t.id', '=', id).executeTakeFirst();
    return row && toTariff(row);
  },

  /**
   * Prices of this offering for this organisation whose dates share a day with [from, to] (to null:
   * open-ended): the rule the overlap trigger enforces.
   */
  async overlapping(
    tx: Tx,
    offeringId: string,
    orgId: string,
    from: string,
    to: string | null,
  ): Promise<Tariff[]> {
    const rows = await selectTariffs(tx)
      .where('t.offering_id', '=', offeringId)
      .where('t.org_id', '=', orgId)
      .where(
        sql<boolean>`daterange(t.valid_from, t.valid_to, '[]') && daterange(${from}::date, ${to}::date, '[]')`,
      )
      .execute();
    return rows.map(toTariff);
  },

  async insert(
    tx: Tx,
    tariff: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      offeringId: string;
      pence: number;
      validFrom: string;
      validTo: string | null;
      createdBy: string | null;
    },
  ): Promise<string> {
    const { id } = await c(tx)
      .insertInto('tariffs')
      .values({
        org_id: tariff.orgId,
        host_org_id: tariff.hostOrgId,
        service_line_id: tariff.serviceLineId,
        offering_id: tariff.offeringId,
        unit_price_pence: tariff.pence,
        valid_from: tariff.validFrom,
        valid_to: tariff.validTo,
        created_by: tariff.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  async end(tx: Tx, tariff: Tariff, validTo: string): Promise<Tariff> {
    await c(tx)
      .updateTable('tariffs')
      .set({ valid_to: validTo })
      .where('id', '=', tariff.id)
      .where('host_org_id', '=', tariff.hostOrgId)
      .execute();
    return { ...tariff, validTo };
  },
};
