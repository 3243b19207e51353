/**
 * A request's page, for everyone who may see it, and the changes made from it: each a form carrying
 * the version the person was looking at, read by its schema and handed to the same use case as the
 * API's; a problem shows the page again with a GOV.UK error summary.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { readInScope } from '../../../platform/db/index.js';
import { notFound } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { callerOf, formBody, readDateInput, translate } from '../../../platform/web/index.js';
import { WAITING_STATUSES } from '../request.js';
import type { RequestView } from '../reading/request-view.js';
import type { ChangeOptions } from '../workflow/change.js';
import {
  AssignInput,
  ChangePriorityInput,
  MoveInput,
  NoteInput,
  OptionalReasonInput,
  PauseInput,
  ReasonInput,
  ReplyInput,
  ResolveInput,
  TimeEntryInput,
} from '../requests.schemas.js';
import type { RequestsService } from '../requests.service.js';
import { choicesRepository as choices } from './choices.repository.js';
import { doneNotice, hidden, isDomain, words, type RequestsPagesOptions } from './pages.deps.js';
import { answerText, clockRows, priorityText, readerOf, statusTag, timelineItems } from './present.js';

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$/;
/** A change that takes nothing but the version. */
const Empty = Type.Object({});

type Run = (
  s: RequestsService,
  caller: Caller,
  reference: string,
  input: never,
  options: ChangeOptions,
) => Promise<unknown>;

/** The changes a request's page makes: the schema its form is read by, and the use case it calls. */
const CHANGES: Record<string, { schema: TSchema; fields: string[]; run: Run }> = {
  approve: { schema: OptionalReasonInput, fields: ['reason'], run: (s, c, r, i, o) => s.approve(c, r, i, o) },
  reject: { schema: ReasonInput, fields: ['reason'], run: (s, c, r, i, o) => s.reject(c, r, i, o) },
  withdraw: {
    schema: OptionalReasonInput,
    fields: ['reason'],
    run: (s, c, r, i, o) => s.withdraw(c, r, i, o),
  },
  confirm: { schema: Empty, fields: [], run: (s, c, r, _i, o) => s.confirm(c, r, o) },
  reopen: { schema: ReasonInput, fields: ['reason'], run: (s, c, r, i, o) => s.reopen(c, r, i, o) },
  reply: {
    schema: ReplyInput,
    fields: ['body', 'awaitRequester'],
    run: (s, c, r, i, o) => s.reply(c, r, i, o),
  },
  note: { schema: NoteInput, fields: ['body'], run: (s, c, r, i, o) => s.addNote(c, r, i, o) },
  'pick-up': { schema: Empty, fields: [], run: (s, c, r, _i, o) => s.pickUp(c, r, o) },
  assign: { schema: AssignInput, fields: ['assignee'], run: (s, c, r, i, o) => s.assign(c, r, i, o) },
  move: { schema: MoveInput, fields: ['team'], run: (s, c, r, i, o) => s.moveTeam(c, r, i, o) },
  'change-priority': {
    schema: ChangePriorityInput,
    fields: ['priority', 'reason'],
    run: (s, c, r, i, o) => s.changePriority(c, r, i, o),
  },
  pause: { schema: PauseInput, fields: ['status', 'reason'], run: (s, c, r, i, o) => s.pause(c, r, i, o) },
  resume: { schema: OptionalReasonInput, fields: ['reason'], run: (s, c, r, i, o) => s.resume(c, r, i, o) },
  resolve: { schema: ResolveInput, fields: ['note'], run: (s, c, r, i, o) => s.resolve(c, r, i, o) },
  'record-time': {
    schema: TimeEntryInput,
    fields: ['minutes', 'activity', 'workedOn'],
    run: (s, c, r, i) => s.recordTime(c, r, i),
  },
};

/** What went wrong with one of the page's forms. */
interface Failed {
  action: string;
  problems: Array<{ text: string; href: string }>;
  fields: Record<string, { text: string }>;
  values: Record<string, unknown>;
}

function referenceOf(request: FastifyRequest): string {
  const { reference } = request.params as { reference: string };
  if (!REFERENCE.test(reference)) throw notFound('That request');
  return reference;
}

export async function requestRoutes(app: FastifyInstance, options: RequestsPagesOptions) {
  const { requests, db, attachments } = options;
  const now = options.now ?? (() => new Date());

  /** The request's page, with the forms of what the reader may do; `failed` re-shows one with its problems. */
  const showRequest = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reference: string,
    failed?: Failed,
  ) => {
    const caller = callerOf(request);
    const { principal } = caller;
    const view: RequestView = await requests.get(caller, reference);
    const staff = view.internal !== undefined;
    const reader = staff ? 'other' : readerOf(principal, view.requester?.name);
    const host = principal.org.role === 'host';
    const [questions, files, extra] = await Promise.all([
      readInScope(db, scopeOf(principal), (tx) =>
        choices.questions(tx, view.organisation?.code ?? null, view.offering.code),
      ),
      attachments.list(caller, view.id).catch(() => []),
      host && view.actions.some((a) => a === 'assign' || a === 'move')
        ? readInScope(db, scopeOf(principal), (tx) =>
            choices.forRequest(tx, principal.org.orgId, view.serviceLine.code, principal.userId),
          )
        : Promise.resolve({ teams: [], people: [] }),
    ]);
    const labels = new Map(questions.map((q) => [q.key, q.label]));
    // In the order the form asked them; any answer to a question since removed, after.
    const keys = [
      ...questions.map((q) => q.key).filter((key) => key in view.answers),
      ...Object.keys(view.answers).filter((key) => !labels.has(key)),
    ];
    const answers = keys.map((key) => ({
      label: labels.get(key) ?? key,
      text: answerText(view.answers[key]),
      files: files
        .filter((file) => file.fieldKey === key)
        .map((file) => ({
          name: file.fileName,
          href: `/requests/${encodeURIComponent(view.id)}/attachments/${file.id}`,
        })),
    }));
    const href = `/requests/${encodeURIComponent(view.reference)}`;
    const status = failed ? (failed.problems.length ? 400 : 200) : 200;
    return reply.status(failed?.action === 'stale' ? 409 : status).page('requests/pages/views/request.njk', {
      title: `${view.subject}`,
      view,
      href,
      staff,
      statusTag: statusTag(view.status, reader),
      priorityText: priorityText(view.priority),
      clocks: clockRows(view.sla, now()),
      answers,
      timeline: timelineItems(view, reader),
      may: Object.fromEntries(view.actions.map((action) => [action, true])),
      awaitingRequester: view.status === 'awaiting_requester' && !host,
      teams: extra.teams.filter((team) => team.value !== view.internal?.team?.id),
      people: extra.people,
      priorities: ['low', 'medium', 'high', 'critical']
        .filter((value) => value !== view.priority)
        .map((value) => ({ value, text: priorityText(value) })),
      waiting: WAITING_STATUSES.map((value) => ({ value, text: words(`actions.waiting.${value}`) })),
      timeEntries: view.internal?.timeEntries ?? [],
      failed: failed?.action,
      values: failed?.values ?? {},
      fields: failed?.fields ?? {},
      errorList: failed?.problems ?? [],
      notice: failed ? undefined : doneNotice(request),
      backHref: host ? '/queue' : '/requests',
    });
  };

  app.get('/requests/:reference', hidden, async (request, reply) =>
    showRequest(request, reply, referenceOf(request)),
  );

  app.post('/requests/:reference/:action', hidden, async (request, reply) => {
    const reference = referenceOf(request);
    const { action } = request.params as { action: string };
    const change = Object.hasOwn(CHANGES, action) ? CHANGES[action] : undefined;
    if (!change) throw notFound();
    const caller = callerOf(request);
    const body = formBody(request);
    const version =
      typeof body.version === 'string' && /^\d{1,9}$/.test(body.version) ? Number(body.version) : undefined;
    const given: Record<string, unknown> = { ...body };
    const failures: Failed['problems'] = [];
    const fields: Failed['fields'] = {};
    if (action === 'record-time') {
      const worked = readDateInput(body, 'record-time-workedOn', {
        what: words('actions.recordTime.workedOn').toLowerCase(),
        optional: true,
      });
      if (worked.error) {
        failures.push({ text: worked.error, href: `#record-time-workedOn-${worked.invalid[0] ?? 'day'}` });
        fields.workedOn = { text: worked.error };
      }
      given.workedOn = worked.value ?? '';
    }
    if (action === 'reply') given.awaitRequester = body.awaitRequester === 'yes' ? 'yes' : 'no';
    const checked = inputOf(change.schema).fromForm(given);
    const fail = (problems: Array<[string, string]>) => {
      for (const [field, text] of problems) {
        if (fields[field]) continue;
        fields[field] = { text };
        failures.push({
          text,
          href: change.fields.includes(field) ? `#${action}-${field}` : `#${action}`,
        });
      }
      return showRequest(request, reply, reference, { action, problems: failures, fields, values: body });
    };
    if (checked.errors || failures.length)
      return fail(Object.entries(checked.errors ?? {}).map(([field, key]) => [field, translate(key)]));
    try {
      await change.run(requests, caller, reference, checked.value as never, { expectedVersion: version });
    } catch (error) {
      if (isDomain(error, 'ERR_STALE'))
        return showRequest(request, reply, reference, {
          action: 'stale',
          problems: [{ text: words('errors.stale'), href: '#summary' }],
          fields: {},
          values: {},
        });
      if (isDomain(error, 'ERR_INVALID_TRANSITION')) return fail([['_', words('errors.invalidTransition')]]);
      if (isDomain(error, 'ERR_REOPEN_WINDOW_CLOSED'))
        return fail([['_', words('errors.reopenWindowClosed')]]);
      if (isDomain(error, 'ERR_VALIDATION') && error.details?.fields)
        return fail(
          Object.entries(error.details.fields as Record<string, string>).map(([field, key]) => [
            field,
            translate(key),
          ]),
        );
      throw error;
    }
    return reply.redirect(`/requests/${encodeURIComponent(reference)}?done=${action}`, 303);
  });
}
