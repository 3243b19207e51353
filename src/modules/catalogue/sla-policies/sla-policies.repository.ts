import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { catalogueTx as c } from '../catalogue.tables.js';
import type { PauseState, Targets } from './sla-policies.schemas.js';

export interface SlaPolicy {
  id: string;
  orgId: string;
  hostOrgId: string;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  code: string;
  name: string;
  calendarId: string;
  calendarCode: string;
  calendarName: string;
  warningPercent: number;
  pauseStates: PauseState[];
  targets: Targets;
  version: number;
}

/** What a policy is written from. */
export interface SlaPolicyValues {
  calendarId: string;
  name: string;
  warningPercent: number;
  pauseStates: PauseState[];
  targets: Targets;
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);

function selectPolicies(tx: Tx) {
  return c(tx)
    .selectFrom('sla_policies as p')
    .innerJoin('calendars as cal', 'cal.id', 'p.calendar_id')
    .innerJoin('service_lines as l', 'l.id', 'p.service_line_id')
    .select([
      'p.id',
      'p.org_id',
      'p.host_org_id',
      'p.service_line_id',
      'l.code as line_code',
      'l.name as line_name',
      'p.code',
      'p.name',
      'p.calendar_id',
      'cal.code as calendar_code',
      'cal.name as calendar_name',
      'p.warning_percent',
      'p.pause_states',
      'p.targets',
      'p.version',
    ]);
}

type PolicyRow = Awaited<ReturnType<ReturnType<typeof selectPolicies>['executeTakeFirstOrThrow']>>;

function toPolicy(row: PolicyRow): SlaPolicy {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    serviceLineCode: row.line_code,
    serviceLineName: row.line_name,
    code: row.code,
    name: row.name,
    calendarId: row.calendar_id,
    calendarCode: row.calendar_code,
    calendarName: row.calendar_name,
    warningPercent: row.warning_percent,
    pauseStates: row.pause_states as PauseState[],
    targets: (typeof row.targets === 'string' ? JSON.parse(row.targets) : row.targets) as Targets,
    version: row.version,
  };
}

export const slaPoliciesRepository = {
  /** Policies of these lines (and, when named, of these owners), by code. */
  async list(
    tx: Tx,
    filter: { lineIds: readonly string[]; orgIds?: readonly string[] },
  ): Promise<SlaPolicy[]> {
    let query = selectPolicies(tx).where('p.service_line_id', 'in', orNone(filter.lineIds)).orderBy('p.code');
    if (filter.orgIds) query = query.where('p.org_id', 'in', orNone(filter.orgIds));
    return (await query.execute()).map(toPolicy);
  },

  async byCode(tx: Tx, hostOrgId: string, code: string): Promise<SlaPolicy | undefined> {
    const row = await selectPolicies(tx)
      .where('p.host_org_id', '=', hostOrgId)
      .where('p.code', '=', code)
      .executeTakeFirst();
    return row && toPolicy(row);
  },

  async byId(tx: Tx, id: string): Promise<SlaPolicy | undefined> {
    const row = await selectPolicies(tx).where('p.id', '=', id).executeTakeFirst();
    return row && toPolicy(row);
  },

  async insert(
    tx: Tx,
    policy: SlaPolicyValues & { orgId: string; hostOrgId: string; serviceLineId: string; code: string },
  ): Promise<SlaPolicy> {
    const { id } = await c(tx)
      .insertInto('sla_policies')
      .values({
        org_id: policy.orgId,
        host_org_id: policy.hostOrgId,
        service_line_id: policy.serviceLineId,
        calendar_id: policy.calendarId,
        code: policy.code,
        name: policy.name,
        warning_percent: policy.warningPercent,
        pause_states: policy.pauseStates,
        targets: JSON.stringify(policy.targets),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await slaPoliciesRepository.byId(tx, id))!;
  },

  async update(tx: Tx, before: SlaPolicy, policy: SlaPolicyValues): Promise<SlaPolicy> {
    await c(tx)
      .updateTable('sla_policies')
      .set({
        calendar_id: policy.calendarId,
        name: policy.name,
        warning_percent: policy.warningPercent,
        pause_states: policy.pauseStates,
        targets: JSON.stringify(policy.targets),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', before.id)
      .where('host_org_id', '=', before.hostOrgId)
      .execute();
    return (await slaPoliciesRepository.byId(tx, before.id))!;
  },
};
