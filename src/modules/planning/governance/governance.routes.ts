import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf, inputValidator } from '../../../platform/api/index.js';
import {
  callerOf,
  datesAndErrors,
  submitForm,
  formBody,
  formErrors,
  readDates,
  translate,
  type WantedDate,
} from '../../../platform/web/index.js';
import { pinErrors } from '../planning.forms.js';
import { governancePolicy as policy } from './governance.policy.js';
import { meetingConfirmed } from './governance.errors.js';
import { AttendanceBody, DecisionBody, MeetingBody, MeetingParams, SeatBody } from './governance.schemas.js';
import type { GovernanceService, MeetingRecord } from './governance.service.js';

const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`governance.${key}`, params);
const BASE = '/planning/governance';
const VIEWS = 'planning/governance/views';
const NOTICES = ['seat', 'meeting', 'attendance', 'decision', 'confirmed'];

const seatReader = inputOf(SeatBody);
const meetingReader = inputOf(MeetingBody);
const attendanceReader = inputOf(AttendanceBody);
const decisionReader = inputOf(DecisionBody);

const EFFECTIVE_FROM: WantedDate = { name: 'effectiveFrom', what: 'governance.seatForm.fromWhat' };
const HELD_ON: WantedDate = { name: 'heldOn', what: 'governance.meetingForm.heldOnWhat' };
const SEAT_FIELDS = [
  'organisation',
  'effectiveFrom',
  'memberName',
  'memberJobTitle',
  'memberEmail',
  'substituteName',
  'substituteJobTitle',
  'substituteEmail',
];

type Form = Record<string, unknown>;
type Params = { id: string };
const text = (form: Form, name: string) => (typeof form[name] === 'string' ? form[name].trim() : '');
const hasProblems = (errors: FieldErrors) => Object.keys(errors).length > 0;

/** The joint committee's pages: the committee and its meetings, a meeting, and the forms that keep them. */
export async function governanceRoutes(app: FastifyInstance, options: { governance: GovernanceService }) {
  // A plugin of its own, so that its validator (the schemas' reader) applies to its routes alone.
  await app.register(governancePages, options);
}

async function governancePages(app: FastifyInstance, options: { governance: GovernanceService }) {
  const { governance } = options;
  app.setValidatorCompiler(inputValidator);
  const meetingRoute = { schema: { hide: true, params: MeetingParams } };

  const notice = (request: FastifyRequest) => {
    const done = (request.query as Record<string, string | undefined>).done ?? '';
    return NOTICES.includes(done) ? t(`notices.${done}`) : undefined;
  };

  app.get(BASE, async (request, reply) => {
    const caller = callerOf(request);
    const committee = await governance.committee(caller);
    return reply.page(`${VIEWS}/index.njk`, {
      title: t('title'),
      committee,
      canKeep: policy.canKeep(caller.principal),
      notice: notice(request),
    });
  });

  const seatPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    body?: Form,
    errors?: FieldErrors,
  ) => {
    const choices = await governance.seatChoices(callerOf(request));
    const asked = text(request.query as Form, 'organisation').toUpperCase();
    const current = body ? undefined : choices.seats.find((s) => s.organisation.code === asked);
    const values: Form = body ?? {
      organisation: current?.organisation.code ?? '',
      memberName: current?.member.name,
      memberJobTitle: current?.member.jobTitle,
      memberEmail: current?.member.email,
      substituteName: current?.substitute.name,
      substituteJobTitle: current?.substitute.jobTitle,
      substituteEmail: current?.substitute.email,
    };
    const { errorList, fields, dates } = datesAndErrors(body, [EFFECTIVE_FROM], errors ?? {}, SEAT_FIELDS);
    return reply.status(errors ? 400 : 200).page(`${VIEWS}/seat-form.njk`, {
      title: t('seatForm.title'),
      organisations: choices.organisations,
      values,
      dates,
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/seats/new`, (request, reply) => seatPage(request, reply));

  app.post(`${BASE}/seats`, (request, reply) => {
    // Refused before the form is read: a person who may not keep the records is not shown errors in one.
    policy.keepRecords(callerOf(request).principal);
    const body = formBody(request);
    const again = (errors: FieldErrors) => seatPage(request, reply, body, errors);
    const read = readDates(body, [EFFECTIVE_FROM]);
    const input = seatReader.fromForm(read.values);
    if (input.errors || hasProblems(read.errors)) return again({ ...input.errors, ...read.errors });
    return submitForm(
      reply,
      async () => {
        await governance.setSeat(callerOf(request), input.value);
        return `${BASE}?done=seat`;
      },
      again,
    );
  });

  const meetingFormPage = (reply: FastifyReply, body?: Form, errors?: FieldErrors) => {
    const { errorList, fields, dates } = datesAndErrors(body, [HELD_ON], errors ?? {}, [
      'heldOn',
      'title',
      'location',
    ]);
    return reply.status(errors ? 400 : 200).page(`${VIEWS}/meeting-form.njk`, {
      title: t('meetingForm.title'),
      values: body ?? {},
      dates,
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/meetings/new`, (request, reply) => {
    policy.keepRecords(callerOf(request).principal);
    return meetingFormPage(reply);
  });

  app.post(`${BASE}/meetings`, (request, reply) => {
    policy.keepRecords(callerOf(request).principal);
    const body = formBody(request);
    const again = (errors: FieldErrors) => meetingFormPage(reply, body, errors);
    const read = readDates(body, [HELD_ON]);
    const input = meetingReader.fromForm(read.values);
    if (input.errors || hasProblems(read.errors)) return again({ ...input.errors, ...read.errors });
    return submitForm(
      reply,
      async () =>
        `${BASE}/meetings/${await governance.addMeeting(callerOf(request), input.value)}?done=meeting`,
      again,
    );
  });

  app.get(`${BASE}/meetings/:id`, meetingRoute, async (request, reply) => {
    const caller = callerOf(request);
    const found = await governance.meeting(caller, (request.params as Params).id);
    return reply.page(`${VIEWS}/meeting.njk`, {
      title: found.meeting.title,
      found: {
        ...found,
        // The resolution as minuted, a paragraph per line typed.
        decisions: found.decisions.map((d) => ({
          ...d,
          paragraphs: d.resolution.split(/\r?\n/).filter((l) => l.trim()),
        })),
      },
      canKeep: policy.canKeep(caller.principal) && found.meeting.status === 'draft',
      notice: notice(request),
    });
  });

  /** A draft meeting that the caller keeps, for one of its forms. */
  const draftMeeting = async (request: FastifyRequest): Promise<MeetingRecord> => {
    const caller = callerOf(request);
    policy.keepRecord(caller.principal);
    const found = await governance.meeting(caller, (request.params as Params).id);
    if (found.meeting.status === 'confirmed') throw meetingConfirmed();
    return found;
  };

  const attendancePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    body?: Form,
    errors?: FieldErrors,
  ) => {
    const found = await draftMeeting(request);
    const codes = found.seats.map((s) => s.organisation.code);
    const { errorList, fields } = pinErrors(errors ?? {}, (path) => {
      const [, index] = path.split('.');
      return `attended-${codes[Number(index)] ?? codes[0] ?? ''}`;
    });
    const recorded = (code: string) =>
      found.attendance.find((a) => a.organisation.code === code)?.attended ?? 'absent';
    return reply.status(errors ? 400 : 200).page(`${VIEWS}/attendance-form.njk`, {
      title: t('attendanceForm.title'),
      found,
      rows: found.seats.map((seat) => ({
        seat,
        value: body ? text(body, `attended-${seat.organisation.code}`) : recorded(seat.organisation.code),
      })),
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/meetings/:id/attendance`, meetingRoute, (request, reply) =>
    attendancePage(request, reply),
  );

  app.post(`${BASE}/meetings/:id/attendance`, meetingRoute, async (request, reply) => {
    const { seats } = await draftMeeting(request);
    const body = formBody(request);
    const again = (errors: FieldErrors) => attendancePage(request, reply, body, errors);
    const input = attendanceReader.check({
      attendance: seats.map((s) => ({
        organisation: s.organisation.code,
        attended: text(body, `attended-${s.organisation.code}`),
      })),
    });
    if (input.errors) return again(input.errors);
    const id = (request.params as Params).id;
    return submitForm(
      reply,
      async () => {
        await governance.recordAttendance(callerOf(request), id, input.value);
        return `${BASE}/meetings/${id}?done=attendance`;
      },
      again,
    );
  });

  const decisionPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    body?: Form,
    errors?: FieldErrors,
  ) => {
    const found = await draftMeeting(request);
    const present = found.attendance.filter((a) => a.attended !== 'absent');
    const voted = present.filter((a) => body && text(body, `vote-${a.organisation.code}`));
    const { errorList, fields } = pinErrors(errors ?? {}, (path) => {
      const [first, index] = path.split('.');
      if (first !== 'votes') return first!;
      const code = voted[Number(index)]?.organisation.code ?? present[0]?.organisation.code;
      return code ? `vote-${code}` : 'title';
    });
    return reply.status(errors ? 400 : 200).page(`${VIEWS}/decision-form.njk`, {
      title: t('decisionForm.title', { number: found.decisions.length + 1 }),
      found,
      values: body ?? {},
      rows: present.map((a) => ({
        attendance: a,
        value: body ? text(body, `vote-${a.organisation.code}`) : '',
      })),
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/meetings/:id/decisions/new`, meetingRoute, (request, reply) =>
    decisionPage(request, reply),
  );

  app.post(`${BASE}/meetings/:id/decisions`, meetingRoute, async (request, reply) => {
    const { attendance } = await draftMeeting(request);
    const body = formBody(request);
    const again = (errors: FieldErrors) => decisionPage(request, reply, body, errors);
    const input = decisionReader.check({
      title: body.title,
      resolution: body.resolution,
      votes: attendance
        .filter((a) => a.attended !== 'absent' && text(body, `vote-${a.organisation.code}`))
        .map((a) => ({ organisation: a.organisation.code, vote: text(body, `vote-${a.organisation.code}`) })),
    });
    if (input.errors) return again(input.errors);
    const id = (request.params as Params).id;
    return submitForm(
      reply,
      async () => {
        await governance.addDecision(callerOf(request), id, input.value);
        return `${BASE}/meetings/${id}?done=decision`;
      },
      again,
    );
  });

  const confirmPage = async (request: FastifyRequest, reply: FastifyReply, errors?: FieldErrors) => {
    const found = await draftMeeting(request);
    const { errorList, fields } = formErrors(errors ?? {}, ['attendance'], {
      attendance: 'confirm',
    });
    return reply.status(errors ? 400 : 200).page(`${VIEWS}/confirm.njk`, {
      title: t('confirmPage.title'),
      found,
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/meetings/:id/confirm`, meetingRoute, (request, reply) => confirmPage(request, reply));

  app.post(`${BASE}/meetings/:id/confirm`, meetingRoute, (request, reply) => {
    const id = (request.params as Params).id;
    return submitForm(
      reply,
      async () => {
        await governance.confirm(callerOf(request), id);
        return `${BASE}/meetings/${id}?done=confirmed`;
      },
      (errors) => confirmPage(request, reply, errors),
    );
  });
}
