import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf, type Checked } from '../../../platform/api/index.js';
import {
  callerOf,
  dateInputErrors,
  dateInputFrom,
  formBody,
  formErrors,
  readDateInput,
  translate,
  type DateInputField,
} from '../../../platform/web/index.js';
import { WEEKDAYS } from '../../../kernel/working-time.js';
import { CodeParams } from '../catalogue.schemas.js';
import { notice, pageSchema, submit, type Values } from '../catalogue.pages.js';
import type { CalendarInput, CalendarsService } from './calendars.service.js';
import {
  CalendarBody,
  calendarProblems,
  DIVISIONS,
  intervalsText,
  parseIntervalsText,
  type Hours,
} from './calendars.schemas.js';

const FIELDS = [
  'code',
  'name',
  'organisation',
  'timeZone',
  ...WEEKDAYS.map((day) => `hours.${day}`),
  'hours',
  'holidays',
  'closures',
  'closure',
];
const IDS = {
  ...Object.fromEntries(WEEKDAYS.map((day) => [`hours.${day}`, `hours-${day}`])),
  hours: 'hours-monday',
  holidays: 'holidays',
};
const reader = inputOf(CalendarBody);
const FROM_BOXES = ['from-day', 'from-month', 'from-year', 'from-hour', 'from-minute'];

/** The closure dates kept (ticked) on the form. */
const keptClosures = (body: Values): string[] =>
  (Array.isArray(body.closures) ? body.closures : [body.closures]).filter(
    (date): date is string => typeof date === 'string' && date !== '',
  );

/** The date input for one more closure. */
const newClosure = (body: Values): DateInputField =>
  readDateInput(body, 'closure', { what: 'catalogue.calendars.closureWhat', optional: true });

/**
 * The calendar form: opening hours typed per weekday ("08:30-12:30, 13:15-17:00"); the closures
 * kept are ticked, and one more may be added with the date input. Every problem is reported at once.
 */
export function calendarFromForm(body: Values): Checked<CalendarInput> {
  const hours: Hours = {};
  const unreadable: FieldErrors = {};
  for (const day of WEEKDAYS) {
    const intervals = parseIntervalsText(body[`hours-${day}`]);
    if (intervals === undefined) unreadable[`hours.${day}`] = 'catalogue.errors.intervalInvalid';
    else if (intervals.length) hours[day] = intervals;
  }
  const added = newClosure(body);
  const closures = [...new Set([...keptClosures(body), ...(added.value ? [added.value] : [])])].sort();
  const checked = reader.fromForm({ ...body, hours, closures });
  // The calendar's own rules (a zone that exists, hours that end after they start) in the same pass.
  const rules = calendarProblems({
    timeZone: typeof body.timeZone === 'string' ? body.timeZone : '',
    hours,
  }).errors;
  if (Object.keys(unreadable).length) delete rules.hours;
  const errors = { ...rules, ...unreadable, ...checked.errors, ...dateInputErrors([added]).errors };
  return Object.keys(errors).length ? { errors } : checked;
}

export async function calendarsRoutes(app: FastifyInstance, options: { calendars: CalendarsService }) {
  const { calendars } = options;

  app.get('/catalogue/calendars', async (request, reply) => {
    const { calendars: list, canAdd } = await calendars.list(callerOf(request));
    return reply.page('catalogue/calendars/views/calendars.njk', {
      title: translate('catalogue.calendars.title'),
      calendars: list,
      canAdd,
    });
  });

  const calendarForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { code?: string; values?: Values; errors?: FieldErrors },
  ) => {
    const { partners, calendar } = await calendars.form(callerOf(request), data.code);
    const closure = data.values ? newClosure(data.values) : dateInputFrom('closure', null);
    const dates = dateInputErrors([closure]);
    const { errorList, fields } = formErrors(data.errors ?? {}, FIELDS, { ...IDS, ...dates.ids });
    const kept = data.values ? keptClosures(data.values) : (calendar?.closures ?? []);
    const values =
      data.values ??
      (calendar
        ? {
            ...calendar,
            ...Object.fromEntries(
              WEEKDAYS.map((day) => [`hours-${day}`, intervalsText(calendar.hours[day])]),
            ),
            holidays: calendar.holidays ?? '',
            organisation: calendar.owner?.code ?? '',
          }
        : { timeZone: 'Europe/London', holidays: 'england-and-wales' });
    return reply.status(data.errors ? 400 : 200).page('catalogue/calendars/views/calendar-form.njk', {
      title: translate(data.code ? 'catalogue.calendars.edit' : 'catalogue.calendars.add'),
      action: data.code ? `/catalogue/calendars/${data.code}` : '/catalogue/calendars',
      code: data.code,
      values,
      partners,
      closures: (calendar?.closures ?? []).map((date) => ({ date, kept: kept.includes(date) })),
      closure: { ...closure, error: fields.closure ? closure.error : undefined },
      weekdays: WEEKDAYS,
      divisions: DIVISIONS,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/calendars/new', (request, reply) => calendarForm(request, reply, {}));

  app.post('/catalogue/calendars', async (request, reply) => {
    const body = formBody(request);
    return submit(
      reply,
      calendarFromForm(body),
      async (input) =>
        `/catalogue/calendars/${(await calendars.create(callerOf(request), input)).code}?added=1`,
      (errors) => calendarForm(request, reply, { values: body, errors }),
    );
  });

  app.get('/catalogue/calendars/:code', pageSchema(CodeParams), async (request, reply) => {
    const { code } = request.params as { code: string };
    const query = request.query as Record<string, string | undefined>;
    // "When is it due?": the start on the GOV.UK date input with a time, and a number of minutes.
    const asked = [...FROM_BOXES, 'minutes'].some((name) => query[name] !== undefined);
    const from = asked
      ? readDateInput(query, 'from', { what: 'catalogue.calendars.fromWhat', time: true })
      : dateInputFrom('from', null, { time: true });
    const ask = asked && !from.error ? { from: from.value, minutes: query.minutes } : undefined;
    const calendar = await calendars.get(callerOf(request), code, ask);
    const problem = calendar.answer && 'problem' in calendar.answer ? calendar.answer.problem : undefined;
    const fields = (problem?.details?.fields ?? {}) as FieldErrors;
    const minutesError = fields.minutes ? translate(fields.minutes) : undefined;
    const fromError =
      from.error ??
      (problem && !fields.minutes ? translate(fields.from ?? 'catalogue.errors.instantFormat') : undefined);
    const error = fromError ?? minutesError;
    return reply.status(error ? 400 : 200).page('catalogue/calendars/views/calendar.njk', {
      title: calendar.name,
      calendar,
      weekdays: WEEKDAYS,
      hours: Object.fromEntries(WEEKDAYS.map((day) => [day, intervalsText(calendar.hours[day])])),
      query,
      from: { ...from, error: fromError },
      minutesError,
      dueResult: calendar.answer && 'due' in calendar.answer ? { due: calendar.answer.due } : undefined,
      errorList: [
        ...(fromError ? [{ text: fromError, href: `#from-${from.invalid[0] ?? 'day'}` }] : []),
        ...(minutesError ? [{ text: minutesError, href: '#minutes' }] : []),
      ],
      notice: notice(request, { added: 'catalogue.calendars.added', saved: 'catalogue.calendars.saved' }),
    });
  });

  app.get('/catalogue/calendars/:code/edit', pageSchema(CodeParams), (request, reply) =>
    calendarForm(request, reply, { code: (request.params as { code: string }).code }),
  );

  app.post('/catalogue/calendars/:code', pageSchema(CodeParams), async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      calendarFromForm({ ...body, code }),
      async (input) =>
        `/catalogue/calendars/${(await calendars.replace(callerOf(request), code, input)).code}?saved=1`,
      (errors) => calendarForm(request, reply, { code, values: body, errors }),
    );
  });
}
