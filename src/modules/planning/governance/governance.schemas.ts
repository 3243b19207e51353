/**
 * The joint committee's inputs, one schema each: the API validates bodies with them, the pages read
 * their forms with them (`inputOf`), and both name a problem by the same field in the same words.
 */
import { Type } from '@fastify/type-provider-typebox';
import { CAPITALS, says, Uuid } from '../../../platform/api/index.js';
import { VOTES, OUTCOMES } from '../../../kernel/votes.js';

const E = (key: string) => `governance.errors.${key}`;
/** One of a few words, as text (for responses). */
const oneOf = (values: readonly string[]) => Type.String({ enum: [...values] });
const IsoDate = (options: object = {}) =>
  Type.String({ format: 'date', description: 'YYYY-MM-DD', ...options });
const Text = (most: number, missing: string, long: string) =>
  Type.String({ minLength: 1, maxLength: most, ...says(E(missing), E(missing), { maxLength: E(long) }) });
const Email = (invalid: string) =>
  Type.Optional(
    Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()], {
      default: null,
      description: 'Optional',
      ...says(E(invalid)),
    }),
  );
const OrganisationCode = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9-]{0,31}$',
  description: 'The organisation, by its code',
  examples: ['WDC'],
  ...CAPITALS,
  ...says(E('organisationMissing'), E('organisationUnknown')),
});

export const ATTENDED = ['member', 'substitute', 'absent'] as const;
export type Attended = (typeof ATTENDED)[number];

/** Who sits for an organisation from a date: a new row of the membership's history. */
export const SeatBody = Type.Object(
  {
    organisation: OrganisationCode,
    effectiveFrom: IsoDate({
      description: 'YYYY-MM-DD, the first day they sit; after the day the current member started',
      ...says(E('fromMissing'), E('dateFormat')),
    }),
    memberName: Text(200, 'memberName', 'nameLong'),
    memberJobTitle: Text(200, 'memberJobTitle', 'jobTitleLong'),
    memberEmail: Email('memberEmail'),
    substituteName: Text(200, 'substituteName', 'nameLong'),
    substituteJobTitle: Text(200, 'substituteJobTitle', 'jobTitleLong'),
    substituteEmail: Email('substituteEmail'),
  },
  { additionalProperties: false },
);

export const MeetingBody = Type.Object(
  {
    heldOn: IsoDate({
      description: 'YYYY-MM-DD, the day of the meeting',
      ...says(E('heldOnMissing'), E('dateFormat')),
    }),
    title: Text(200, 'meetingTitle', 'titleLong'),
    location: Type.Optional(
      Type.Union([Type.String({ maxLength: 200 }), Type.Null()], {
        default: null,
        description: 'Where it is held; optional',
        ...says(E('locationLong')),
      }),
    ),
  },
  { additionalProperties: false },
);

export const AttendanceBody = Type.Object(
  {
    attendance: Type.Array(
      Type.Object(
        {
          organisation: OrganisationCode,
          attended: Type.Union(
            [Type.Literal('member'), Type.Literal('substitute'), Type.Literal('absent')],
            says(E('attended')),
          ),
        },
        { additionalProperties: false },
      ),
      {
        maxItems: 200,
        description:
          'How each member organisation attended. Names are copied from its seat on the day of the meeting; an organisation not listed is recorded absent.',
      },
    ),
  },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  {
    title: Text(200, 'decisionTitle', 'titleLong'),
    resolution: Text(10000, 'resolution', 'resolutionLong'),
    votes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            organisation: OrganisationCode,
            vote: Type.Union(
              [Type.Literal('for'), Type.Literal('against'), Type.Literal('abstain')],
              says(E('vote')),
            ),
          },
          { additionalProperties: false },
        ),
        {
          default: [],
          maxItems: 200,
          description: 'One vote per organisation recorded present; others may not vote',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const MeetingParams = Type.Object({ id: Uuid });
export const CommitteeQuery = Type.Object({
  on: Type.Optional(IsoDate({ description: 'The day the committee is read on; default today (in England)' })),
});

const Person = Type.Object({
  name: Type.String(),
  jobTitle: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
});
const Organisation = Type.Object({ code: Type.String(), name: Type.String() });

export const SeatSchema = Type.Object({
  organisation: Organisation,
  member: Person,
  substitute: Person,
  since: IsoDate(),
});

export const MeetingSummarySchema = Type.Object({
  id: Uuid,
  heldOn: IsoDate(),
  title: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  status: oneOf(['draft', 'confirmed']),
  confirmedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const DecisionSchema = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  resolution: Type.String(),
  votes: Type.Array(Type.Object({ organisation: Organisation, vote: oneOf(VOTES) })),
  counts: Type.Object({ for: Type.Integer(), against: Type.Integer(), abstain: Type.Integer() }),
  outcome: oneOf(OUTCOMES),
});

export const MeetingSchema = Type.Intersect([
  MeetingSummarySchema,
  Type.Object({
    attendance: Type.Array(
      Type.Object({
        organisation: Organisation,
        attended: oneOf(ATTENDED),
        name: Type.Union([Type.String(), Type.Null()], {
          description: 'Who attended, as named on the day; null when absent',
        }),
        jobTitle: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    decisions: Type.Array(DecisionSchema),
  }),
]);
