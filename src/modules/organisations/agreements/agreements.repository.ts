import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { agreementsTx as a } from './agreements.tables.js';

/** A partner taking a service line, from and to dates (inclusive; no end: until further notice). */
export interface Agreement {
  id: string;
  orgId: string;
  hostOrgId: string;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  validFrom: string;
  validTo: string | null;
}

/** A service line an agreement can be for. */
export interface LineToTake {
  id: string;
  orgId: string;
  code: string;
  name: string;
}

function selectAgreements(tx: Tx) {
  return a(tx)
    .selectFrom('service_agreements as a')
    .innerJoin('service_lines as l', 'l.id', 'a.service_line_id')
    .select(['a.id', 'a.org_id', 'a.host_org_id', 'a.service_line_id', 'l.code', 'l.name'])
    .select([
      sql<string>`a.valid_from::text`.as('valid_from'),
      sql<string | null>`a.valid_to::text`.as('valid_to'),
    ]);
}

type AgreementRow = Awaited<ReturnType<ReturnType<typeof selectAgreements>['executeTakeFirstOrThrow']>>;

function toAgreement(row: AgreementRow): Agreement {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    serviceLineCode: row.code,
    serviceLineName: row.name,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);

export const agreementsRepository = {
  /** Every agreement of one organisation, past, present and future, by line then start. */
  async list(tx: Tx, orgId: string): Promise<Agreement[]> {
    const rows = await selectAgreements(tx)
      .where('a.org_id', '=', orgId)
      .orderBy('l.name')
      .orderBy('a.valid_from')
      .execute();
    return rows.map(toAgreement);
  },

  async byId(tx: Tx, orgId: string, id: string): Promise<Agreement | undefined> {
    const row = await selectAgreements(tx)
      .where('a.id', '=', id)
      .where('a.org_id', '=', orgId)
      .executeTakeFirst();
    return row && toAgreement(row);
  },

  /**
   * Agreements of this organisation for this line whose dates share a day with [from, to] (to null:
   * open-ended): the rule the overlap trigger enforces.
   */
  async overlapping(
    tx: Tx,
    orgId: string,
    serviceLineId: string,
    from: string,
    to: string | null,
  ): Promise<Agreement[]> {
    const rows = await selectAgreements(tx)
      .where('a.org_id', '=', orgId)
      .where('a.service_line_id', '=', serviceLineId)
      .where(
        sql<boolean>`daterange(a.valid_from, a.valid_to, '[]') && daterange(${from}::date, ${to}::date, '[]')`,
      )
      .execute();
    return rows.map(toAgreement);
  },

  async insert(
    tx: Tx,
    agreement: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      validFrom: string;
      validTo: string | null;
    },
  ): Promise<string> {
    const { id } = await a(tx)
      .insertInto('service_agreements')
      .values({
        org_id: agreement.orgId,
        host_org_id: agreement.hostOrgId,
        service_line_id: agreement.serviceLineId,
        valid_from: agreement.validFrom,
        valid_to: agreement.validTo,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  async end(tx: Tx, agreement: Agreement, validTo: string): Promise<Agreement> {
    await a(tx)
      .updateTable('service_agreements')
      .set({ valid_to: validTo })
      .where('id', '=', agreement.id)
      .where('org_id', '=', agreement.orgId)
      .execute();
    return { ...agreement, validTo };
  },

  /** The lines an organisation takes on a date, and from which host. */
  async linesTaken(
    tx: Tx,
    orgId: string,
    on: string,
  ): Promise<Array<{ serviceLineId: string; hostOrgId: string }>> {
    const rows = await a(tx)
      .selectFrom('service_agreements')
      .select(['service_line_id', 'host_org_id'])
      .where('org_id', '=', orgId)
      .where('valid_from', '<=', on)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', on)]))
      .execute();
    return rows.map((row) => ({ serviceLineId: row.service_line_id, hostOrgId: row.host_org_id }));
  },

  /** Partners that take (at any time) any of these lines of a host, or any line when none are named. */
  async partnersTaking(
    tx: Tx,
    hostOrgId: string,
    lineIds?: readonly string[],
  ): Promise<Array<{ id: string; code: string; name: string }>> {
    return a(tx)
      .selectFrom('organisations as o')
      .select(['o.id', 'o.code', 'o.name'])
      .where('o.id', '<>', hostOrgId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('service_agreements as sa')
            .select('sa.id')
            .whereRef('sa.org_id', '=', 'o.id')
            .where('sa.host_org_id', '=', hostOrgId)
            .$if(lineIds !== undefined, (q) => q.where('sa.service_line_id', 'in', orNone(lineIds ?? []))),
        ),
      )
      .orderBy('o.name')
      .execute();
  },

  /** One organisation's code, name and role in the partnership, when the caller may see it. */
  async organisation(
    tx: Tx,
    id: string,
  ): Promise<{ id: string; code: string; name: string; role: 'host' | 'partner' } | undefined> {
    return tx
      .selectFrom('organisations')
      .select(['id', 'code', 'name', 'role'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** The service lines a partner could take: those of the hosts the caller sees, by name. */
  async linesToTake(tx: Tx): Promise<LineToTake[]> {
    const rows = await a(tx)
      .selectFrom('service_lines')
      .select(['id', 'org_id', 'code', 'name'])
      .orderBy('name')
      .execute();
    return rows.map((row) => ({ id: row.id, orgId: row.org_id, code: row.code, name: row.name }));
  },

  /** A service line by its code: the acting host's, where two hosts use the same code. */
  async lineToTake(tx: Tx, code: string, actingOrgId: string): Promise<LineToTake | undefined> {
    const row = await a(tx)
      .selectFrom('service_lines')
      .select(['id', 'org_id', 'code', 'name'])
      .where('code', '=', code)
      .orderBy(sql`org_id = ${actingOrgId}`, 'desc')
      .executeTakeFirst();
    return row && { id: row.id, orgId: row.org_id, code: row.code, name: row.name };
  },
};
