import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { ClockState } from '../../../kernel/sla-clock.js';
import type { Visibility } from '../requests.policy.js';
import {
  BANK_HOLIDAYS,
  eventsJson,
  named,
  RECORD_COLUMNS,
  visibleTo,
  type EventJson,
  type RecordRow,
} from '../requests.repository.js';
import type { CatalogueEntry, Priority, RequestStatus } from '../request.js';
import { listConditions, listSearchPage, queueSearchPage } from '../search/searched-page.js';
import { and } from '../requests.sql.js';

export type DetailRow = RecordRow & {
  events: EventJson[];
  bank_holidays: string[];
  org_code: string | null;
  org_name: string | null;
  team_id?: string | null;
  team_name?: string | null;
  assignee_user_id?: string | null;
  notes?: Array<{
    id: string;
    at: string;
    kind: 'note' | 'assignment' | 'team';
    actorUserId: string | null;
    from: string | null;
    to: string | null;
    body: string | null;
  }>;
  time_entries?: Array<{
    id: string;
    userId: string;
    minutes: number;
    activity: string;
    workedOn: string;
    reversesId: string | null;
    recordedAt: string;
  }>;
  people?: Record<string, string>;
  teams?: Record<string, string>;
};

export interface SummaryRow {
  id: string;
  reference: string;
  subject: string;
  status: RequestStatus;
  priority: Priority;
  submitted_at: Date;
  catalogue_entry: CatalogueEntry;
  requester_name: string | null;
  org_code: string | null;
  org_name: string | null;
  response_state: ClockState;
  resolution_state: ClockState;
  due_at: Date | null;
  version: number;
}

export interface QueueRow extends SummaryRow {
  sla_state: ClockState;
  team_id: string | null;
  team_name: string | null;
  assignee_user_id: string | null;
  assignee_name: string | null;
  /** The queue's sort key as stored ('infinity' for none), for the next cursor. */
  sort_due: string;
}

/** Where a page of a list starts: after this (submitted, id) or (due, id). */
export interface Position {
  at: string;
  id: string;
}

/** A queue's filters, resolved to what request_work holds. */
export interface QueueFilter {
  hostOrgId: string;
  status?: string | undefined;
  team?: { kind: 'id'; id: string } | { kind: 'none' } | { kind: 'mine'; userId: string } | undefined;
  partnerCode?: string | undefined;
  offeringCode?: string | undefined;
  priority?: string | undefined;
  assignee?: { kind: 'id'; id: string } | { kind: 'none' } | undefined;
  sla?: string | undefined;
  text?: string | undefined;
  after?: Position | undefined;
  limit: number;
}

const ORGANISATION = sql`left join app_request_organisations() o on o.id = r.org_id`;

export const readingRepository = {
  /**
   * A request with everything its page shows, in one statement: its history and bank holidays (to
   * read the clocks now), whose it is, and for the host who works it, notes, time and people's names.
   */
  async detail(tx: Tx, visibility: Visibility, reference: string): Promise<DetailRow[]> {
    const host = visibility.kind === 'host';
    const internal = host
      ? sql`, w.team_id, t.name as team_name, w.assignee_user_id,
          coalesce((select json_agg(json_build_object('id', n.id::text, 'at', n.at, 'kind', n.kind,
                      'actorUserId', n.actor_user_id, 'from', n.from_value, 'to', n.to_value, 'body', n.body)
                      order by n.at, n.id)
                      from request_notes n where n.request_id = r.id), '[]') as notes,
          coalesce((select json_agg(json_build_object('id', te.id, 'userId', te.user_id, 'minutes', te.minutes,
                      'activity', te.activity, 'workedOn', te.worked_on::text, 'reversesId', te.reverses_id,
                      'recordedAt', te.recorded_at) order by te.recorded_at, te.id)
                      from request_time_entries te where te.request_id = r.id), '[]') as time_entries,
          coalesce((select json_object_agg(u.id, u.name) from users u where u.id in (
                      select s.user_id from request_event_staff s where s.request_id = r.id
                      union select n.actor_user_id from request_notes n where n.request_id = r.id
                      union select n.to_value::uuid from request_notes n
                       where n.request_id = r.id and n.kind = 'assignment' and n.to_value is not null
                      union select n.from_value::uuid from request_notes n
                       where n.request_id = r.id and n.kind = 'assignment' and n.from_value is not null
                      union select te.user_id from request_time_entries te where te.request_id = r.id
                      union select w.assignee_user_id)), '{}') as people,
          coalesce((select json_object_agg(tm.id, tm.name) from service_line_teams tm
                     where tm.service_line_id = r.service_line_id), '{}') as teams`
      : sql``;
    const { rows } = await sql<DetailRow>`
      select ${RECORD_COLUMNS}, ${eventsJson(true)} as events, ${BANK_HOLIDAYS} as bank_holidays,
             o.code as org_code, o.name as org_name ${internal}
        from requests r ${ORGANISATION}
        ${host ? sql`left join request_work w on w.request_id = r.id left join service_line_teams t on t.id = w.team_id` : sql``}
       where ${named(reference)} and ${visibleTo(visibility)}
       limit 2`.execute(tx);
    return rows;
  },

  /** A page of the requests the caller sees, newest first, after `after` (keyset: submitted, id). */
  async list(
    tx: Tx,
    visibility: Visibility,
    filter: {
      status?: string | undefined;
      text?: string | undefined;
      after?: Position | undefined;
      limit: number;
    },
  ): Promise<SummaryRow[]> {
    const { rows } = await sql<SummaryRow>`
      select r.id, r.reference, r.subject, r.status, r.priority, r.submitted_at, r.catalogue_entry,
             r.requester_name, o.code as org_code, o.name as org_name, r.response_state, r.resolution_state,
             case when r.response_state in ('met', 'paused') then r.resolution_due_at
                  when r.resolution_state in ('met', 'paused') then r.response_due_at
                  else least(r.response_due_at, r.resolution_due_at) end as due_at,
             r.version
        from ${filter.text ? sql`(${listSearchPage(filter.text, visibility, filter, filter.limit + 1)}) p join requests r on r.id = p.id` : sql`requests r`} ${ORGANISATION}
       where ${filter.text ? sql`true` : and(listConditions(visibility, filter))}
       order by r.submitted_at desc, r.id desc
       limit ${filter.limit + 1}`.execute(tx);
    return rows;
  },

  /**
   * A page of the agents' queue: one walk of a request_work index in due order from the cursor
   * (keyset: due, id), then the page's rows joined to their requests.
   */
  async queue(tx: Tx, filter: QueueFilter): Promise<QueueRow[]> {
    const conditions: RawBuilder<unknown>[] = [sql`w.org_id = ${filter.hostOrgId}`, sql`w.active`];
    if (filter.status) conditions.push(sql`w.status = ${filter.status}`);
    if (filter.team?.kind === 'id') conditions.push(sql`w.team_id = ${filter.team.id}`);
    if (filter.team?.kind === 'none') conditions.push(sql`w.team_id is null`);
    if (filter.partnerCode)
      conditions.push(
        sql`w.partner_org_id = (select po.id from app_request_organisations() po where po.code = ${filter.partnerCode})`,
      );
    if (filter.offeringCode)
      conditions.push(
        sql`w.offering_id = (select f.id from offerings f where f.code = ${filter.offeringCode})`,
      );
    if (filter.priority) conditions.push(sql`w.priority = ${filter.priority}`);
    if (filter.assignee?.kind === 'id') conditions.push(sql`w.assignee_user_id = ${filter.assignee.id}`);
    if (filter.assignee?.kind === 'none') conditions.push(sql`w.assignee_user_id is null`);
    if (filter.sla) conditions.push(sql`w.sla_state = ${filter.sla}`);
    if (filter.after)
      conditions.push(
        sql`(w.due_at, w.request_id) > (${filter.after.at}::timestamptz, ${filter.after.id}::uuid)`,
      );
    const mine = filter.team?.kind === 'mine' ? filter.team.userId : undefined;
    const myTeams = sql`select distinct m.team_id from service_line_team_members m where m.user_id = ${mine}`;
    const { rows } = await sql<QueueRow>`
      with page as (${
        filter.text
          ? queueSearchPage(
              filter.text,
              filter.hostOrgId,
              mine ? [...conditions, sql`w.team_id in (${myTeams})`] : conditions,
              filter.limit + 1,
            )
          : mine
            ? // Each of the caller's teams in due order, merged: a few rows of each, never every
              // row of all of them sorted.
              sql`select p.request_id, p.due_at
          from (${myTeams}) m
          cross join lateral (
            select w.request_id, w.due_at
              from request_work w
             where ${and([...conditions, sql`w.team_id = m.team_id`])}
             order by w.due_at, w.request_id
             limit ${filter.limit + 1}) p
         order by p.due_at, p.request_id
         limit ${filter.limit + 1}`
            : sql`select w.request_id, w.due_at
          from request_work w
         where ${and(conditions)}
         order by w.due_at, w.request_id
         limit ${filter.limit + 1}`
      })
      select r.id, r.reference, r.subject, w.status, w.priority, r.submitted_at, r.catalogue_entry,
             r.requester_name, o.code as org_code, o.name as org_name, r.response_state, r.resolution_state,
             case when w.due_at = 'infinity' then null else w.due_at end as due_at, w.due_at::text as sort_due,
             w.sla_state, w.team_id, t.name as team_name, w.assignee_user_id, u.name as assignee_name, r.version
        from page p
        join request_work w on w.request_id = p.request_id
        join requests r on r.id = p.request_id
        left join service_line_teams t on t.id = w.team_id
        left join users u on u.id = w.assignee_user_id
        ${ORGANISATION}
       order by p.due_at, p.request_id`.execute(tx);
    return rows;
  },
};
