import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { Vote } from '../../../kernel/votes.js';
import type { Attended } from './governance.schemas.js';

/** An organisation as the committee's pages name it. */
export interface CommitteeOrganisation {
  id: string;
  code: string;
  name: string;
}

export interface Person {
  name: string;
  jobTitle: string;
  email: string | null;
}

/** Who sits for an organisation from a date (a row of the membership's history). */
export interface Seat {
  id: string;
  organisation: CommitteeOrganisation;
  effectiveFrom: string;
  member: Person;
  substitute: Person;
}

export interface Meeting {
  id: string;
  heldOn: string;
  title: string;
  location: string | null;
  status: 'draft' | 'confirmed';
  confirmedAt: Date | null;
}

export interface Attendance {
  organisation: CommitteeOrganisation;
  attended: Attended;
  name: string | null;
  jobTitle: string | null;
}

export interface Decision {
  number: number;
  title: string;
  resolution: string;
  votes: Array<{ organisation: CommitteeOrganisation; vote: Vote }>;
}

/** The organisations the committee's records may name, as the caller may know them (migration 0026). */
const named = (hostOrgId: string) =>
  sql`(select o.id, o.code, o.name from app_committee_organisations() o where o.host_org_id = ${hostOrgId})`;

type SeatRow = {
  id: string;
  org_ref: string;
  code: string;
  name: string;
  effective_from: string;
  member_name: string;
  member_job_title: string;
  member_email: string | null;
  substitute_name: string;
  substitute_job_title: string;
  substitute_email: string | null;
};

const seatOf = (row: SeatRow): Seat => ({
  id: row.id,
  organisation: { id: row.org_ref, code: row.code, name: row.name },
  effectiveFrom: row.effective_from,
  member: { name: row.member_name, jobTitle: row.member_job_title, email: row.member_email },
  substitute: { name: row.substitute_name, jobTitle: row.substitute_job_title, email: row.substitute_email },
});

const SEAT_COLUMNS = sql`s.id, s.member_org_id as org_ref, o.code, o.name, s.effective_from::text as effective_from,
  s.member_name, s.member_job_title, s.member_email, s.substitute_name, s.substitute_job_title, s.substitute_email`;

const meetingOf = (row: {
  id: string;
  held_on: string;
  title: string;
  location: string | null;
  status: 'draft' | 'confirmed';
  confirmed_at: Date | null;
}): Meeting => ({
  id: row.id,
  heldOn: row.held_on,
  title: row.title,
  location: row.location,
  status: row.status,
  confirmedAt: row.confirmed_at,
});

const MEETING_COLUMNS = sql`m.id, m.held_on::text as held_on, m.title, m.location, m.status, m.confirmed_at`;

export const governanceRepository = {
  /** The host whose committee an organisation sits on (as its managers may see), if any. */
  async hostSeating(tx: Tx, orgId: string): Promise<string | undefined> {
    const result = await sql<{ org_id: string }>`
      select org_id from committee_seats where member_org_id = ${orgId} order by org_id limit 1`.execute(tx);
    return result.rows[0]?.org_id;
  },

  /** The organisations that hold, or (for the keepers) may be given, a seat: the host first. */
  async organisations(tx: Tx, hostOrgId: string): Promise<CommitteeOrganisation[]> {
    const result = await sql<CommitteeOrganisation>`
      select o.id, o.code, o.name from ${named(hostOrgId)} o
       order by o.id = ${hostOrgId} desc, o.name`.execute(tx);
    return result.rows;
  },

  /** Every seat, as history: by organisation, the latest first. */
  async seats(tx: Tx, hostOrgId: string): Promise<Seat[]> {
    const result = await sql<SeatRow>`
      select ${SEAT_COLUMNS}
        from committee_seats s join ${named(hostOrgId)} o on o.id = s.member_org_id
       where s.org_id = ${hostOrgId}
       order by s.member_org_id = ${hostOrgId} desc, o.name, s.effective_from desc`.execute(tx);
    return result.rows.map(seatOf);
  },

  /** The seat in force on a day for each organisation that held one then. */
  async seatsOn(tx: Tx, hostOrgId: string, day: string): Promise<Seat[]> {
    const result = await sql<SeatRow>`
      select * from (
        select distinct on (s.member_org_id) ${SEAT_COLUMNS}
          from committee_seats s join ${named(hostOrgId)} o on o.id = s.member_org_id
         where s.org_id = ${hostOrgId} and s.effective_from <= ${day}::date
         order by s.member_org_id, s.effective_from desc) seats
       order by org_ref = ${hostOrgId} desc, name`.execute(tx);
    return result.rows.map(seatOf);
  },

  /** The day an organisation's latest seat starts, if it has one. */
  async latestFrom(tx: Tx, hostOrgId: string, memberOrgId: string): Promise<string | undefined> {
    const result = await sql<{ effective_from: string }>`
      select max(effective_from)::text as effective_from from committee_seats
       where org_id = ${hostOrgId} and member_org_id = ${memberOrgId}`.execute(tx);
    return result.rows[0]?.effective_from ?? undefined;
  },

  async insertSeat(
    tx: Tx,
    hostOrgId: string,
    userId: string,
    seat: { memberOrgId: string; effectiveFrom: string; member: Person; substitute: Person },
  ): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into committee_seats (org_id, member_org_id, effective_from, member_name, member_job_title, member_email,
                                   substitute_name, substitute_job_title, substitute_email, created_by)
      values (${hostOrgId}, ${seat.memberOrgId}, ${seat.effectiveFrom}::date, ${seat.member.name},
              ${seat.member.jobTitle}, ${seat.member.email}, ${seat.substitute.name}, ${seat.substitute.jobTitle},
              ${seat.substitute.email}, ${userId})
      returning id`.execute(tx);
    return result.rows[0]!.id;
  },

  /** Meetings, the latest first. */
  async meetings(tx: Tx, hostOrgId: string): Promise<Meeting[]> {
    const result = await sql<Parameters<typeof meetingOf>[0]>`
      select ${MEETING_COLUMNS} from committee_meetings m
       where m.org_id = ${hostOrgId} order by m.held_on desc, m.created_at desc`.execute(tx);
    return result.rows.map(meetingOf);
  },

  /** One meeting; `lock`: held until the unit of work ends, so that changes to it go one at a time. */
  async meeting(tx: Tx, hostOrgId: string, id: string, lock = false): Promise<Meeting | undefined> {
    const result = await sql<Parameters<typeof meetingOf>[0]>`
      select ${MEETING_COLUMNS} from committee_meetings m
       where m.org_id = ${hostOrgId} and m.id = ${id} ${lock ? sql`for update` : sql``}`.execute(tx);
    return result.rows[0] && meetingOf(result.rows[0]);
  },

  async insertMeeting(
    tx: Tx,
    hostOrgId: string,
    userId: string,
    meeting: { heldOn: string; title: string; location: string | null },
  ): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into committee_meetings (org_id, held_on, title, location, created_by)
      values (${hostOrgId}, ${meeting.heldOn}::date, ${meeting.title}, ${meeting.location}, ${userId})
      returning id`.execute(tx);
    return result.rows[0]!.id;
  },

  async attendance(tx: Tx, hostOrgId: string, meetingId: string): Promise<Attendance[]> {
    const result = await sql<{
      org_ref: string;
      code: string;
      name: string;
      attended: Attended;
      attendee_name: string | null;
      attendee_job_title: string | null;
    }>`
      select a.member_org_id as org_ref, o.code, o.name, a.attended, a.attendee_name, a.attendee_job_title
        from committee_attendance a join ${named(hostOrgId)} o on o.id = a.member_org_id
       where a.org_id = ${hostOrgId} and a.meeting_id = ${meetingId}
       order by a.member_org_id = ${hostOrgId} desc, o.name`.execute(tx);
    return result.rows.map((row) => ({
      organisation: { id: row.org_ref, code: row.code, name: row.name },
      attended: row.attended,
      name: row.attendee_name,
      jobTitle: row.attendee_job_title,
    }));
  },

  /** Records how each organisation attended, over what was recorded before (rows are never removed). */
  async putAttendance(
    tx: Tx,
    hostOrgId: string,
    meetingId: string,
    rows: Array<{ memberOrgId: string; attended: Attended; name: string | null; jobTitle: string | null }>,
  ): Promise<void> {
    if (!rows.length) return;
    await sql`
      insert into committee_attendance (org_id, meeting_id, member_org_id, attended, attendee_name, attendee_job_title)
      select ${hostOrgId}, ${meetingId}, r.member_org_id, r.attended, r.attendee_name, r.attendee_job_title
        from jsonb_to_recordset(${JSON.stringify(
          rows.map((r) => ({
            member_org_id: r.memberOrgId,
            attended: r.attended,
            attendee_name: r.name,
            attendee_job_title: r.jobTitle,
          })),
        )}::jsonb) as r(member_org_id uuid, attended text, attendee_name text, attendee_job_title text)
      on conflict (org_id, meeting_id, member_org_id) do update
         set attended = excluded.attended, attendee_name = excluded.attendee_name,
             attendee_job_title = excluded.attendee_job_title`.execute(tx);
  },

  /** The organisations that voted at a meeting, on any decision. */
  async voters(tx: Tx, hostOrgId: string, meetingId: string): Promise<string[]> {
    const result = await sql<{ member_org_id: string }>`
      select distinct member_org_id from committee_votes
       where org_id = ${hostOrgId} and meeting_id = ${meetingId}`.execute(tx);
    return result.rows.map((row) => row.member_org_id);
  },

  async decisions(tx: Tx, hostOrgId: string, meetingId: string): Promise<Decision[]> {
    const result = await sql<{
      number: number;
      title: string;
      resolution: string;
      votes: Array<{ id: string; code: string; name: string; vote: Vote }> | null;
    }>`
      select d.number, d.title, d.resolution,
             (select json_agg(json_build_object('id', o.id, 'code', o.code, 'name', o.name, 'vote', v.vote)
                              order by o.id = ${hostOrgId} desc, o.name)
                from committee_votes v join ${named(hostOrgId)} o on o.id = v.member_org_id
               where v.org_id = d.org_id and v.meeting_id = d.meeting_id and v.decision_number = d.number) as votes
        from committee_decisions d
       where d.org_id = ${hostOrgId} and d.meeting_id = ${meetingId}
       order by d.number`.execute(tx);
    return result.rows.map((row) => ({
      number: row.number,
      title: row.title,
      resolution: row.resolution,
      votes: (row.votes ?? []).map(({ vote, ...organisation }) => ({ organisation, vote })),
    }));
  },

  /** Adds a decision as the meeting's next, with its votes; answers its number. */
  async insertDecision(
    tx: Tx,
    hostOrgId: string,
    meetingId: string,
    userId: string,
    decision: { title: string; resolution: string; votes: Array<{ memberOrgId: string; vote: Vote }> },
  ): Promise<number> {
    const result = await sql<{ number: number }>`
      insert into committee_decisions (org_id, meeting_id, number, title, resolution, created_by)
      select ${hostOrgId}, ${meetingId}, coalesce(max(number), 0) + 1, ${decision.title}, ${decision.resolution}, ${userId}
        from committee_decisions where org_id = ${hostOrgId} and meeting_id = ${meetingId}
      returning number`.execute(tx);
    const number = result.rows[0]!.number;
    if (decision.votes.length)
      await sql`
        insert into committee_votes (org_id, meeting_id, decision_number, member_org_id, vote)
        select ${hostOrgId}, ${meetingId}, ${number}, v.member_org_id, v.vote
          from jsonb_to_recordset(${JSON.stringify(
            decision.votes.map((v) => ({ member_org_id: v.memberOrgId, vote: v.vote })),
          )}::jsonb) as v(member_org_id uuid, vote text)`.execute(tx);
    return number;
  },

  async confirm(tx: Tx, hostOrgId: string, meetingId: string, userId: string): Promise<void> {
    await sql`
      update committee_meetings set status = 'confirmed', confirmed_by = ${userId}, confirmed_at = now()
       where org_id = ${hostOrgId} and id = ${meetingId}`.execute(tx);
  },
};
