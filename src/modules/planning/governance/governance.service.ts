import type { Static } from '@fastify/type-provider-typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import {
  DomainError,
  forbidden,
  notFound,
  validationFailed,
  type FieldErrors,
} from '../../../platform/errors.js';
import type { Filled } from '../../../platform/api/index.js';
import { isUuid } from '../../../platform/ids.js';
import { formatDate, translate } from '../../../platform/web/index.js';
import { londonDate } from '../../../kernel/dates.js';
import { tally, type Outcome, type VoteCounts } from '../../../kernel/votes.js';
import { auditBy } from '../../audit/index.js';
import { governancePolicy as policy, type GovernanceReach } from './governance.policy.js';
import { meetingConfirmed } from './governance.errors.js';
import type { AttendanceBody, DecisionBody, MeetingBody, SeatBody } from './governance.schemas.js';
import {
  governanceRepository as repo,
  type Attendance,
  type CommitteeOrganisation,
  type Decision,
  type Meeting,
  type Seat,
} from './governance.repository.js';

export type SeatInput = Filled<Static<typeof SeatBody>>;
export type MeetingInput = Filled<Static<typeof MeetingBody>>;
export type AttendanceInput = Filled<Static<typeof AttendanceBody>>;
export type DecisionInput = Filled<Static<typeof DecisionBody>>;

const LAST_DAY = '9999-12-31';

const w = (key: string, params: Record<string, string | number> = {}) =>
  translate(`governance.errors.${key}`, params);

/** A decision with its votes counted and the outcome they give (kernel/votes.ts). */
export interface TalliedDecision extends Decision {
  counts: VoteCounts;
  outcome: Outcome;
}

/** A meeting as its page and the API show it. */
export interface MeetingRecord {
  meeting: Meeting;
  attendance: Attendance[];
  decisions: TalliedDecision[];
  /** The seat of each organisation that sat on the committee on the day of the meeting. */
  seats: Seat[];
}

const tallied = (decision: Decision): TalliedDecision => ({
  ...decision,
  ...tally(decision.votes.map((v) => v.vote)),
});

/** Problems with a list of organisations by code, each named by its place in the list. */
function organisationProblems(
  list: ReadonlyArray<{ organisation: string }>,
  field: string,
  known: (code: string) => string | undefined,
): FieldErrors {
  const problems: FieldErrors = {};
  const seen = new Set<string>();
  list.forEach(({ organisation }, index) => {
    const path = `${field}.${index}.organisation`;
    const problem = known(organisation);
    if (problem) problems[path] = problem;
    else if (seen.has(organisation)) problems[path] = w('organisationTwice', { organisation });
    seen.add(organisation);
  });
  return problems;
}

const throwIf = (problems: FieldErrors) => {
  if (Object.keys(problems).length) throw validationFailed(problems);
};

/**
 * The joint committee's records: its membership by date, its meetings with their attendance and
 * decisions. A meeting is a draft until its minutes are confirmed; from then on it never changes.
 */
export function governanceService(db: Database) {
  /** The host whose records the caller reads; a partner's organisation must hold a seat there. */
  const hostOf = async (tx: Tx, reach: GovernanceReach, missing: () => DomainError): Promise<string> => {
    if (reach.kind === 'host') return reach.hostOrgId;
    const host = await repo.hostSeating(tx, reach.orgId);
    if (!host) throw missing();
    return host;
  };
  const noRecords = () => forbidden('You cannot see the joint committee’s records');
  const noMeeting = () => notFound('That meeting');

  const found = async (tx: Tx, hostOrgId: string, id: string, lock = false): Promise<Meeting> => {
    const meeting = isUuid(id) ? await repo.meeting(tx, hostOrgId, id.toLowerCase(), lock) : undefined;
    if (!meeting) throw noMeeting();
    return meeting;
  };

  /** A draft meeting, held until the unit of work ends: its changes go one at a time. */
  const draft = async (tx: Tx, hostOrgId: string, id: string): Promise<Meeting> => {
    const meeting = await found(tx, hostOrgId, id, true);
    if (meeting.status === 'confirmed') throw meetingConfirmed();
    return meeting;
  };

  const record = async (tx: Tx, hostOrgId: string, meeting: Meeting): Promise<MeetingRecord> => ({
    meeting,
    attendance: await repo.attendance(tx, hostOrgId, meeting.id),
    decisions: (await repo.decisions(tx, hostOrgId, meeting.id)).map(tallied),
    seats: await repo.seatsOn(tx, hostOrgId, meeting.heldOn),
  });

  return {
    /** The committee on a day (today by default), with the membership's whole history. */
    async committee(ctx: Caller, on = londonDate()) {
      const reach = policy.readRecords(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const hostOrgId = await hostOf(tx, reach, noRecords);
        return {
          on,
          seats: await repo.seatsOn(tx, hostOrgId, on),
          history: await repo.seats(tx, hostOrgId),
          meetings: await repo.meetings(tx, hostOrgId),
        };
      });
    },

    /** Meetings, the latest first. */
    async meetings(ctx: Caller): Promise<Meeting[]> {
      const reach = policy.readRecords(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) =>
        repo.meetings(tx, await hostOf(tx, reach, noRecords)),
      );
    },

    /** What the membership form offers: the organisations that may sit, and who sits for each today. */
    async seatChoices(ctx: Caller): Promise<{ organisations: CommitteeOrganisation[]; seats: Seat[] }> {
      const hostOrgId = policy.keepRecords(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => ({
        organisations: await repo.organisations(tx, hostOrgId),
        // The latest seat of each, even one that starts on a day still to come.
        seats: await repo.seatsOn(tx, hostOrgId, LAST_DAY),
      }));
    },

    /** Seats a member and substitute for an organisation from a date; earlier seats stay as history. */
    async setSeat(ctx: Caller, input: SeatInput): Promise<Seat> {
      const hostOrgId = policy.keepRecords(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const organisation = (await repo.organisations(tx, hostOrgId)).find(
          (o) => o.code === input.organisation,
        );
        if (!organisation) throw validationFailed({ organisation: 'governance.errors.organisationUnknown' });
        const latest = await repo.latestFrom(tx, hostOrgId, organisation.id);
        if (latest !== undefined && input.effectiveFrom <= latest)
          throw validationFailed({ effectiveFrom: w('fromNotAfter', { date: formatDate(latest) }) });
        const held = {
          effectiveFrom: input.effectiveFrom,
          member: { name: input.memberName, jobTitle: input.memberJobTitle, email: input.memberEmail },
          substitute: {
            name: input.substituteName,
            jobTitle: input.substituteJobTitle,
            email: input.substituteEmail,
          },
        };
        const seatId = await repo.insertSeat(tx, hostOrgId, ctx.principal.userId, {
          memberOrgId: organisation.id,
          ...held,
        });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'committee.seat.set',
          entityType: 'committee_seat',
          entityId: seatId,
          after: { organisation: organisation.code, ...held },
        });
        return { id: seatId, organisation, ...held };
      });
    },

    async addMeeting(ctx: Caller, input: MeetingInput): Promise<string> {
      const hostOrgId = policy.keepRecords(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const id = await repo.insertMeeting(tx, hostOrgId, ctx.principal.userId, input);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'committee.meeting.add',
          entityType: 'committee_meeting',
          entityId: id,
          after: input,
        });
        return id;
      });
    },

    async meeting(ctx: Caller, id: string): Promise<MeetingRecord> {
      const reach = policy.readRecord(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const hostOrgId = await hostOf(tx, reach, noMeeting);
        return record(tx, hostOrgId, await found(tx, hostOrgId, id));
      });
    },

    /**
     * Records how each member organisation attended, naming whoever came as their seat stood on the
     * day; an organisation not listed is recorded absent. One that has voted cannot be made absent.
     */
    async recordAttendance(ctx: Caller, id: string, input: AttendanceInput): Promise<MeetingRecord> {
      const hostOrgId = policy.keepRecord(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const meeting = await draft(tx, hostOrgId, id);
        const seats = await repo.seatsOn(tx, hostOrgId, meeting.heldOn);
        const day = formatDate(meeting.heldOn);
        if (!seats.length) throw validationFailed({ attendance: w('noSeats', { date: day }) });
        const seatOf = (code: string) => seats.find((s) => s.organisation.code === code);
        const problems = organisationProblems(input.attendance, 'attendance', (code) =>
          seatOf(code) ? undefined : w('notSeated', { organisation: code, date: day }),
        );
        throwIf(problems);
        const voters = new Set(await repo.voters(tx, hostOrgId, meeting.id));
        const rows = seats.map((seat) => {
          const index = input.attendance.findIndex((a) => a.organisation === seat.organisation.code);
          const attended = input.attendance[index]?.attended ?? 'absent';
          if (attended === 'absent' && voters.has(seat.organisation.id))
            problems[index < 0 ? 'attendance' : `attendance.${index}.attended`] = w('votedSoPresent', {
              organisation: seat.organisation.code,
            });
          const person =
            attended === 'member' ? seat.member : attended === 'substitute' ? seat.substitute : null;
          return {
            memberOrgId: seat.organisation.id,
            code: seat.organisation.code,
            attended,
            name: person?.name ?? null,
            jobTitle: person?.jobTitle ?? null,
          };
        });
        throwIf(problems);
        await repo.putAttendance(tx, hostOrgId, meeting.id, rows);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'committee.attendance.record',
          entityType: 'committee_meeting',
          entityId: meeting.id,
          after: rows.map(({ code, attended, name }) => ({ organisation: code, attended, name })),
        });
        return record(tx, hostOrgId, meeting);
      });
    },

    /** Adds a decision as the meeting's next, with the votes of organisations recorded present. */
    async addDecision(ctx: Caller, id: string, input: DecisionInput): Promise<TalliedDecision> {
      const hostOrgId = policy.keepRecord(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const meeting = await draft(tx, hostOrgId, id);
        const attendance = await repo.attendance(tx, hostOrgId, meeting.id);
        const seats = await repo.seatsOn(tx, hostOrgId, meeting.heldOn);
        const problems = organisationProblems(input.votes, 'votes', (code) => {
          const present = attendance.find((a) => a.organisation.code === code);
          if (present && present.attended !== 'absent') return undefined;
          return seats.some((s) => s.organisation.code === code)
            ? w('voteAbsent', { organisation: code })
            : w('notMember', { organisation: code });
        });
        throwIf(problems);
        const votes = input.votes.map((v) => ({
          organisation: attendance.find((a) => a.organisation.code === v.organisation)!.organisation,
          vote: v.vote,
        }));
        const number = await repo.insertDecision(tx, hostOrgId, meeting.id, ctx.principal.userId, {
          title: input.title,
          resolution: input.resolution,
          votes: votes.map((v) => ({ memberOrgId: v.organisation.id, vote: v.vote })),
        });
        const decision = tallied({ number, title: input.title, resolution: input.resolution, votes });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'committee.decision.add',
          entityType: 'committee_meeting',
          entityId: meeting.id,
          after: {
            number,
            title: input.title,
            votes: input.votes,
            outcome: decision.outcome,
          },
        });
        return decision;
      });
    },

    /** Marks the minutes agreed: from then on the meeting, its attendance and decisions never change. */
    async confirm(ctx: Caller, id: string): Promise<MeetingRecord> {
      const hostOrgId = policy.keepRecord(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const meeting = await draft(tx, hostOrgId, id);
        if (!(await repo.attendance(tx, hostOrgId, meeting.id)).length)
          throw new DomainError('ERR_CONFLICT', 'Record who attended before confirming the minutes', {
            fields: { attendance: 'governance.errors.confirmWithoutAttendance' },
          });
        await repo.confirm(tx, hostOrgId, meeting.id, ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'committee.meeting.confirm',
          entityType: 'committee_meeting',
          entityId: meeting.id,
          before: { status: 'draft' },
          after: { status: 'confirmed' },
        });
        const confirmed = await found(tx, hostOrgId, meeting.id);
        return record(tx, hostOrgId, confirmed);
      });
    },
  };
}

export type GovernanceService = ReturnType<typeof governanceService>;
