/**
 * One schema per input, for the API (as route schemas) and for pages (through `inputOf`): each field
 * names its problems by message key (requests.messages.ts).
 */
import { Type, type Static } from 'typebox';
import { CAPITALS, says } from '../../platform/api/index.js';
import { PRIORITIES } from '../../kernel/sla-clock.js';
import { REQUEST_STATUSES } from '../../kernel/request-states.js';
import { CLOCK_STATES } from '../../kernel/sla-clock.js';
import { ACTIVE_STATUSES, WAITING_STATUSES } from './request.js';

const E = (key: string) => `requests.errors.${key}`;
const literals = (values: readonly string[], words: ReturnType<typeof says>) =>
  Type.String({ enum: [...values], ...words });
const Id = (words: ReturnType<typeof says>) => Type.String({ format: 'uuid', ...words });

/** A reference as Tandem makes them (WDC-000123) or as an import kept them. */
export const REFERENCE = '^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$';

const Reason = Type.String({
  minLength: 1,
  maxLength: 2000,
  ...says(E('reasonMissing'), E('reasonTooLong')),
});
const Body = Type.String({ minLength: 1, maxLength: 20_000, ...says(E('bodyMissing'), E('bodyTooLong')) });
const Priority = literals(PRIORITIES, says(E('priorityInvalid')));

export const RaiseInput = Type.Object(
  {
    offering: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: '^[A-Z][A-Z0-9-]{1,39}$',
      ...CAPITALS,
      ...says(E('offeringMissing'), E('offeringUnknown')),
      description: 'The offering’s code, e.g. IT-LAPTOP',
    }),
    subject: Type.String({ minLength: 1, maxLength: 200, ...says(E('subjectMissing'), E('subjectTooLong')) }),
    priority: Type.Optional(
      Type.String({ enum: [...PRIORITIES], default: 'medium', ...says(E('priorityInvalid')) }),
    ),
    answers: Type.Optional(
      Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), {
        default: {},
        maxProperties: 60,
        description:
          'Answers by question key: text, a number, a date (YYYY-MM-DD), one of the choices, true/false, or attachment ids for file questions',
        ...says(E('answersInvalid')),
      }),
    ),
  },
  { additionalProperties: false },
);
export type RaiseInput = Static<typeof RaiseInput>;

export const ReasonInput = Type.Object({ reason: Reason }, { additionalProperties: false });
export const OptionalReasonInput = Type.Object(
  {
    reason: Type.Optional(Type.Union([Reason, Type.Null()], { default: null, ...says(E('reasonTooLong')) })),
  },
  { additionalProperties: false },
);
export const ChangePriorityInput = Type.Object(
  { priority: Priority, reason: Reason },
  { additionalProperties: false },
);
export const PauseInput = Type.Object(
  { status: literals(WAITING_STATUSES, says(E('waitingStatus'))), reason: Reason },
  { additionalProperties: false },
);
export const ResolveInput = Type.Object({ note: Body }, { additionalProperties: false });
export const ReplyInput = Type.Object(
  {
    body: Body,
    awaitRequester: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'The service centre asks the requester for something: the request waits for them',
      }),
    ),
  },
  { additionalProperties: false },
);
export const NoteInput = Type.Object({ body: Body }, { additionalProperties: false });
export const AssignInput = Type.Object(
  {
    assignee: Type.Union([Id(says(E('assigneeUnknown'))), Type.Null()], { ...says(E('assigneeUnknown')) }),
    team: Type.Optional(
      Type.Union([Id(says(E('teamUnknown'))), Type.Null()], { default: null, ...says(E('teamUnknown')) }),
    ),
  },
  { additionalProperties: false },
);
export const MoveInput = Type.Object({ team: Id(says(E('teamUnknown'))) }, { additionalProperties: false });
export const TimeEntryInput = Type.Object(
  {
    minutes: Type.Integer({ minimum: 1, maximum: 1440, ...says(E('minutesInvalid')) }),
    activity: Type.String({
      minLength: 1,
      maxLength: 100,
      ...says(E('activityMissing'), E('activityTooLong')),
    }),
    workedOn: Type.Optional(
      Type.Union([Type.String({ format: 'date' }), Type.Null()], {
        default: null,
        description: 'YYYY-MM-DD; today in England when absent',
        ...says(E('workedOnInvalid')),
      }),
    ),
  },
  { additionalProperties: false },
);

const RequestIds = Type.Array(Type.String({ format: 'uuid' }), {
  minItems: 1,
  maxItems: 100,
  uniqueItems: true,
  ...says(E('requestsMissing')),
});
export const BulkAssignInput = Type.Object(
  { requests: RequestIds, assignee: AssignInput.properties.assignee },
  { additionalProperties: false },
);
export const BulkMoveInput = Type.Object(
  { requests: RequestIds, team: MoveInput.properties.team },
  { additionalProperties: false },
);

const Cursor = Type.String({
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'From the previous page',
});
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 25 });

export const ListQuery = Type.Object(
  {
    status: Type.Optional(literals(REQUEST_STATUSES, says(E('statusInvalid')))),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Words, or the start of a reference' }),
    ),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);

export const QueueQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ enum: [...ACTIVE_STATUSES] })),
    team: Type.Optional(
      Type.String({
        pattern: '^(none|mine|[0-9a-fA-F-]{36})$',
        description: 'A team id, `mine` (teams I am in) or `none`',
      }),
    ),
    partner: Type.Optional(
      Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$', ...CAPITALS, description: 'An organisation code' }),
    ),
    offering: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,39}$', ...CAPITALS })),
    priority: Type.Optional(Type.String({ enum: [...PRIORITIES] })),
    assignee: Type.Optional(
      Type.String({ pattern: '^(none|me|[0-9a-fA-F-]{36})$', description: 'A user id, `me` or `none`' }),
    ),
    sla: Type.Optional(Type.String({ enum: CLOCK_STATES.filter((state) => state !== 'met') })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Words, or the start of a reference' }),
    ),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export type QueueQuery = Static<typeof QueueQuery>;

const Instant = Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 with a zone' });
export const ImportEvent = Type.Union([
  Type.Object(
    { at: Instant, type: Type.Literal('response'), body: Type.Optional(Type.String({ maxLength: 20_000 })) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      at: Instant,
      type: Type.Literal('status'),
      to: Type.String({ enum: [...REQUEST_STATUSES] }),
      reason: Type.Optional(Type.String({ maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      at: Instant,
      type: Type.Literal('priority'),
      to: Type.String({ enum: [...PRIORITIES] }),
      reason: Type.Optional(Type.String({ maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
]);

export const ImportRecord = Type.Object(
  {
    reference: Type.String({ pattern: REFERENCE }),
    organisation: Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$', ...CAPITALS }),
    offering: Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,39}$', ...CAPITALS }),
    priority: Type.String({ enum: [...PRIORITIES] }),
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    submittedAt: Instant,
    requester: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200 }),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
        },
        { additionalProperties: false },
      ),
    ),
    answers: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), { default: {} })),
    events: Type.Optional(Type.Array(ImportEvent, { maxItems: 1000, default: [] })),
  },
  { additionalProperties: false },
);
export type ImportRecord = Static<typeof ImportRecord>;

/** An imported record checked field by field, its events apart (each is checked on its own, to name it). */
export const ImportRecordShape = Type.Object(
  {
    ...ImportRecord.properties,
    events: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 1000, default: [] })),
  },
  { additionalProperties: false },
);
export type ImportEvent = Static<typeof ImportEvent>;

/** The most requests one import takes. */
export const MOST_IMPORTED = 10_000;
export const ImportInput = Type.Array(Type.Unknown(), { minItems: 1, maxItems: MOST_IMPORTED });
