import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { catalogueTx as c } from '../catalogue.tables.js';
import type { FormField, Status, Unit } from './offerings.schemas.js';

export interface Offering {
  id: string;
  hostOrgId: string;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  code: string;
  name: string;
  description: string;
  lgslId: number | null;
  unit: Unit;
  formFields: FormField[];
  slaPolicyId: string;
  approvalRequired: boolean;
  status: Status;
  version: number;
}

/** What an offering is written from. */
export interface OfferingValues {
  name: string;
  description: string;
  lgslId: number | null;
  unit: Unit;
  formFields: FormField[];
  slaPolicyId: string;
  approvalRequired: boolean;
  status: Status;
}

export interface Variant {
  id: string;
  orgId: string;
  offeringId: string;
  name: string | null;
  description: string | null;
  hidden: boolean;
  extraFields: FormField[];
  slaPolicyId: string | null;
  version: number;
}

export type VariantValues = Omit<Variant, 'id' | 'orgId' | 'offeringId' | 'version'>;

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);
const parse = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

function selectOfferings(tx: Tx) {
  return c(tx)
    .selectFrom('offerings as o')
    .innerJoin('service_lines as l', 'l.id', 'o.service_line_id')
    .select([
      'o.id',
      'o.host_org_id',
      'o.service_line_id',
      'l.code as line_code',
      'l.name as line_name',
      'o.code',
      'o.name',
      'o.description',
      'o.lgsl_id',
      'o.unit',
      'o.form_fields',
      'o.sla_policy_id',
      'o.approval_required',
      'o.status',
      'o.version',
    ]);
}

type OfferingRow = Awaited<ReturnType<ReturnType<typeof selectOfferings>['executeTakeFirstOrThrow']>>;

function toOffering(row: OfferingRow): Offering {
  return {
    id: row.id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    serviceLineCode: row.line_code,
    serviceLineName: row.line_name,
    code: row.code,
    name: row.name,
    description: row.description,
    lgslId: row.lgsl_id,
    unit: row.unit as Unit,
    formFields: parse<FormField[]>(row.form_fields),
    slaPolicyId: row.sla_policy_id,
    approvalRequired: row.approval_required,
    status: row.status as Status,
    version: row.version,
  };
}

function selectVariants(tx: Tx) {
  return c(tx)
    .selectFrom('offering_variants as v')
    .select([
      'v.id',
      'v.org_id',
      'v.offering_id',
      'v.name',
      'v.description',
      'v.hidden',
      'v.extra_fields',
      'v.sla_policy_id',
      'v.version',
    ]);
}

type VariantRow = Awaited<ReturnType<ReturnType<typeof selectVariants>['executeTakeFirstOrThrow']>>;

function toVariant(row: VariantRow): Variant {
  return {
    id: row.id,
    orgId: row.org_id,
    offeringId: row.offering_id,
    name: row.name,
    description: row.description,
    hidden: row.hidden,
    extraFields: parse<FormField[]>(row.extra_fields),
    slaPolicyId: row.sla_policy_id,
    version: row.version,
  };
}

const offeringColumns = (values: OfferingValues) => ({
  name: values.name,
  description: values.description,
  lgsl_id: values.lgslId,
  unit: values.unit,
  form_fields: JSON.stringify(values.formFields),
  sla_policy_id: values.slaPolicyId,
  approval_required: values.approvalRequired,
  status: values.status,
});

export const offeringsRepository = {
  /** Offerings of these lines, by line then name; with `code`, only that one. */
  async list(
    tx: Tx,
    filter: { lineIds: readonly string[]; activeOnly?: boolean; code?: string },
  ): Promise<Offering[]> {
    let query = selectOfferings(tx)
      .where('o.service_line_id', 'in', orNone(filter.lineIds))
      .orderBy('l.name')
      .orderBy('o.name');
    if (filter.activeOnly) query = query.where('o.status', '=', 'active');
    if (filter.code !== undefined) query = query.where('o.code', '=', filter.code);
    return (await query.execute()).map(toOffering);
  },

  async byCode(tx: Tx, hostOrgId: string, code: string): Promise<Offering | undefined> {
    const row = await selectOfferings(tx)
      .where('o.host_org_id', '=', hostOrgId)
      .where('o.code', '=', code)
      .executeTakeFirst();
    return row && toOffering(row);
  },

  async insert(
    tx: Tx,
    line: { id: string; orgId: string; code: string; name: string },
    code: string,
    values: OfferingValues,
  ): Promise<Offering> {
    const { id } = await c(tx)
      .insertInto('offerings')
      .values({
        ...offeringColumns(values),
        org_id: line.orgId,
        host_org_id: line.orgId,
        service_line_id: line.id,
        code,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return {
      ...values,
      id,
      hostOrgId: line.orgId,
      serviceLineId: line.id,
      serviceLineCode: line.code,
      serviceLineName: line.name,
      code,
      version: 1,
    };
  },

  async update(tx: Tx, before: Offering, values: OfferingValues): Promise<Offering> {
    await c(tx)
      .updateTable('offerings')
      .set({ ...offeringColumns(values), version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', before.id)
      .where('host_org_id', '=', before.hostOrgId)
      .execute();
    return { ...before, ...values, version: before.version + 1 };
  },

  async variants(
    tx: Tx,
    filter: { offeringIds: readonly string[]; orgIds?: readonly string[] },
  ): Promise<Variant[]> {
    let query = selectVariants(tx).where('v.offering_id', 'in', orNone(filter.offeringIds));
    if (filter.orgIds) query = query.where('v.org_id', 'in', orNone(filter.orgIds));
    return (await query.execute()).map(toVariant);
  },

  /** Adds or replaces a partner's variant, raising its version. */
  async saveVariant(tx: Tx, offering: Offering, orgId: string, values: VariantValues): Promise<Variant> {
    const columns = {
      name: values.name,
      description: values.description,
      hidden: values.hidden,
      extra_fields: JSON.stringify(values.extraFields),
      sla_policy_id: values.slaPolicyId,
    };
    const row = await c(tx)
      .insertInto('offering_variants')
      .values({
        ...columns,
        org_id: orgId,
        host_org_id: offering.hostOrgId,
        service_line_id: offering.serviceLineId,
        offering_id: offering.id,
      })
      .onConflict((oc) =>
        oc.columns(['org_id', 'offering_id']).doUpdateSet({
          ...columns,
          version: sql<number>`offering_variants.version + 1`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    return { ...values, id: row.id, orgId, offeringId: offering.id, version: row.version };
  },
};
