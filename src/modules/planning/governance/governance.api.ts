import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled, inputValidator } from '../../../platform/api/index.js';
import type { GovernanceService, MeetingRecord, TalliedDecision } from './governance.service.js';
import type { Meeting, Seat } from './governance.repository.js';
import {
  AttendanceBody,
  CommitteeQuery,
  DecisionBody,
  DecisionSchema,
  MeetingBody,
  MeetingParams,
  MeetingSchema,
  MeetingSummarySchema,
  SeatBody,
  SeatSchema,
} from './governance.schemas.js';

const organisation = (o: { code: string; name: string }) => ({ code: o.code, name: o.name });

const presentSeat = (seat: Seat) => ({
  organisation: organisation(seat.organisation),
  member: seat.member,
  substitute: seat.substitute,
  since: seat.effectiveFrom,
});

const presentSummary = (meeting: Meeting) => ({
  ...meeting,
  confirmedAt: meeting.confirmedAt?.toISOString() ?? null,
});

const presentDecision = (decision: TalliedDecision) => ({
  number: decision.number,
  title: decision.title,
  resolution: decision.resolution,
  votes: decision.votes.map((v) => ({ organisation: organisation(v.organisation), vote: v.vote })),
  counts: decision.counts,
  outcome: decision.outcome,
});

const presentMeeting = (found: MeetingRecord) => ({
  ...presentSummary(found.meeting),
  attendance: found.attendance.map((a) => ({
    organisation: organisation(a.organisation),
    attended: a.attended,
    name: a.name,
    jobTitle: a.jobTitle,
  })),
  decisions: found.decisions.map(presentDecision),
});

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const reads = { 401: ErrorResponse, 403: ErrorResponse };
const KEEPERS = 'the host’s executives and platform administrators';

/** The joint committee's records: membership, meetings, attendance, decisions and votes. */
export const governanceApi: FastifyPluginAsyncTypebox<{ governance: GovernanceService }> = async (
  app,
  { governance },
) => {
  app.setValidatorCompiler(inputValidator);

  app.get(
    '/committee',
    {
      schema: {
        summary: 'The joint committee on a day: each member organisation’s member and substitute',
        description:
          'Read by the host’s executives, platform administrators, finance officers and service managers, and by ' +
          'the managers of a partner that holds a seat. `history` lists every seat ever held, the latest first.',
        tags: ['governance'],
        querystring: CommitteeQuery,
        response: {
          200: Type.Object({
            on: Type.String({ format: 'date' }),
            data: Type.Array(SeatSchema),
            history: Type.Array(SeatSchema),
          }),
          400: ErrorResponse,
          ...reads,
        },
      },
    },
    async (request) => {
      const { on } = filled(request.query);
      const committee = await governance.committee(callerOf(request), on ?? undefined);
      return {
        on: committee.on,
        data: committee.seats.map(presentSeat),
        history: committee.history.map(presentSeat),
      };
    },
  );

  app.post(
    '/committee/seats',
    {
      schema: {
        summary: `Name an organisation’s member and substitute from a date (${KEEPERS})`,
        description:
          'A change of member or substitute is a new seat from a later date; earlier seats are kept as history.',
        tags: ['governance'],
        body: SeatBody,
        response: { 201: SeatSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentSeat(await governance.setSeat(callerOf(request), filled(request.body)))),
  );

  app.get(
    '/committee-meetings',
    {
      schema: {
        summary: 'The joint committee’s meetings, the latest first',
        tags: ['governance'],
        response: { 200: Type.Object({ data: Type.Array(MeetingSummarySchema) }), ...reads },
      },
    },
    async (request) => ({ data: (await governance.meetings(callerOf(request))).map(presentSummary) }),
  );

  app.post(
    '/committee-meetings',
    {
      schema: {
        summary: `Add a meeting (${KEEPERS})`,
        tags: ['governance'],
        body: MeetingBody,
        response: { 201: MeetingSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const id = await governance.addMeeting(caller, filled(request.body));
      return reply.status(201).send(presentMeeting(await governance.meeting(caller, id)));
    },
  );

  app.get(
    '/committee-meetings/:id',
    {
      schema: {
        summary: 'A meeting with its attendance and decisions, each with its votes, counts and outcome',
        tags: ['governance'],
        params: MeetingParams,
        response: { 200: MeetingSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => presentMeeting(await governance.meeting(callerOf(request), request.params.id)),
  );

  app.put(
    '/committee-meetings/:id/attendance',
    {
      schema: {
        summary: `Record how each member organisation attended (${KEEPERS})`,
        description:
          'Replaces what was recorded. An organisation that has voted cannot be recorded absent. A confirmed meeting ' +
          'never changes (ERR_MEETING_CONFIRMED).',
        tags: ['governance'],
        params: MeetingParams,
        body: AttendanceBody,
        response: { 200: MeetingSchema, ...errors },
      },
    },
    async (request) =>
      presentMeeting(
        await governance.recordAttendance(callerOf(request), request.params.id, filled(request.body)),
      ),
  );

  app.post(
    '/committee-meetings/:id/decisions',
    {
      schema: {
        summary: `Add a decision with the votes of the organisations present (${KEEPERS})`,
        description:
          'Numbered next within the meeting. Carried when more vote for than against. A confirmed meeting never ' +
          'changes (ERR_MEETING_CONFIRMED).',
        tags: ['governance'],
        params: MeetingParams,
        body: DecisionBody,
        response: { 201: DecisionSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentDecision(
            await governance.addDecision(callerOf(request), request.params.id, filled(request.body)),
          ),
        ),
  );

  app.post(
    '/committee-meetings/:id/confirm',
    {
      schema: {
        summary: `Confirm the minutes: the meeting never changes again (${KEEPERS})`,
        tags: ['governance'],
        params: MeetingParams,
        response: { 200: MeetingSchema, ...errors },
      },
    },
    async (request) => presentMeeting(await governance.confirm(callerOf(request), request.params.id)),
  );
};
