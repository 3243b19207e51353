/** The API's answers: one schema per response body, so the OpenAPI document says exactly what comes back. */
import { Type } from 'typebox';
import { Uuid } from '../../../platform/api/index.js';
import { CLOCK_STATES, PRIORITIES } from '../../../kernel/sla-clock.js';
import { REQUEST_STATUSES } from '../../../kernel/request-states.js';
import { EVENT_KINDS, NOTE_KINDS } from '../request.js';
import { ACTION_NAMES } from '../workflow/next-actions.js';

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const Code = Type.Object({ code: Type.String(), name: Type.String() });
const Named = Type.Object({ id: Uuid, name: Type.String() });
const Status = Type.String({ enum: [...REQUEST_STATUSES] });
const Priority = Type.String({ enum: [...PRIORITIES] });
const ClockState = Type.String({ enum: [...CLOCK_STATES] });

const Clock = Type.Object({
  target: Type.Integer({ description: 'Working minutes allowed' }),
  elapsed: Type.Integer({ description: 'Working minutes the clock has run, rounded down' }),
  paused: Type.Integer({ description: 'Working minutes that passed while paused, rounded down' }),
  remaining: Type.Integer({ description: 'Working minutes left before the target (0 once reached)' }),
  due: Type.Union([Instant, Type.Null()], {
    description:
      'When elapsed reaches the target: in the past once breached; null while paused and not breached',
  }),
  state: ClockState,
  stoppedAt: NullableInstant,
  breachedAt: NullableInstant,
});

export const TimeEntryJson = Type.Object({
  id: Uuid,
  user: Named,
  minutes: Type.Integer({ description: 'Negative for a reversal' }),
  activity: Type.String(),
  workedOn: Type.String({ format: 'date' }),
  reversesId: Type.Union([Uuid, Type.Null()]),
  recordedAt: Instant,
});

export const RequestJson = Type.Object({
  id: Uuid,
  reference: Type.String(),
  organisation: Type.Union([Code, Type.Null()]),
  serviceLine: Code,
  offering: Code,
  subject: Type.String(),
  priority: Priority,
  status: Status,
  answers: Type.Record(Type.String(), Type.Unknown()),
  requester: Type.Union([
    Type.Object({ name: Type.String(), email: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  submittedAt: Instant,
  resolvedAt: NullableInstant,
  closedAt: NullableInstant,
  version: Type.Integer({ description: 'Also the ETag; send it back as If-Match with a change' }),
  sla: Type.Object({ response: Clock, resolution: Clock }),
  timeline: Type.Array(
    Type.Object({
      id: Type.Union([Type.String(), Type.Null()]),
      at: Instant,
      kind: Type.String({ enum: [...EVENT_KINDS] }),
      actor: Type.Object({
        kind: Type.String({ enum: ['requester', 'partner_manager', 'agent', 'system'] }),
        name: Type.Union([Type.String(), Type.Null()], {
          description: 'Null for the service centre’s people when a partner reads, and for Tandem',
        }),
      }),
      from: Type.Union([Type.String(), Type.Null()]),
      to: Type.Union([Type.String(), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
      body: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  internal: Type.Optional(
    Type.Object(
      {
        team: Type.Union([Named, Type.Null()]),
        assignee: Type.Union([Named, Type.Null()]),
        notes: Type.Array(
          Type.Object({
            id: Type.String(),
            at: Instant,
            kind: Type.String({ enum: [...NOTE_KINDS] }),
            actor: Type.Union([Named, Type.Null()]),
            from: Type.Union([Type.String(), Type.Null()]),
            to: Type.Union([Type.String(), Type.Null()]),
            body: Type.Union([Type.String(), Type.Null()]),
          }),
        ),
        timeEntries: Type.Array(TimeEntryJson),
        minutesRecorded: Type.Integer(),
      },
      { description: 'The service centre’s side: never given to partners' },
    ),
  ),
  actions: Type.Array(Type.String({ enum: [...ACTION_NAMES] }), {
    description: 'What the caller may do next',
  }),
});

const SummaryProperties = {
  id: Uuid,
  reference: Type.String(),
  subject: Type.String(),
  status: Status,
  priority: Priority,
  submittedAt: Instant,
  organisation: Type.Union([Code, Type.Null()]),
  offering: Code,
  requesterName: Type.Union([Type.String(), Type.Null()]),
  responseState: ClockState,
  resolutionState: ClockState,
  due: NullableInstant,
  version: Type.Integer(),
};

export const RequestListJson = Type.Object({
  data: Type.Array(Type.Object(SummaryProperties)),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const QueueJson = Type.Object({
  data: Type.Array(
    Type.Object({
      ...SummaryProperties,
      slaState: ClockState,
      team: Type.Union([Named, Type.Null()]),
      assignee: Type.Union([Named, Type.Null()]),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const BulkJson = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Uuid,
      ok: Type.Boolean(),
      reference: Type.Optional(Type.String()),
      version: Type.Optional(Type.Integer()),
      error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
    }),
  ),
});

export const ImportedJson = Type.Object({
  imported: Type.Array(
    Type.Object({ reference: Type.String(), organisation: Type.String(), status: Status }),
  ),
});
