import { Type } from '@fastify/type-provider-typebox';
import { CAPITALS, says, Uuid } from '../../../platform/api/index.js';
import { PARTNERSHIP_STAGES } from '../../../kernel/partnership-stages.js';
import { oneOf } from '../terms/terms.schemas.js';

const E = (key: string) => `pipeline.errors.${key}`;
const IsoDate = (options: Record<string, unknown> = {}) =>
  Type.String({ format: 'date', description: 'YYYY-MM-DD', ...options });

export const PROSPECT_KINDS = [
  'local_authority',
  'fire_and_rescue',
  'police',
  'health',
  'voluntary',
  'private',
  'internal_directorate',
] as const;

/** A prospective (or current) partner in the host's pipeline. */
export const ProspectBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The body’s name',
      ...says(E('nameMissing'), E('nameLength'), { maxLength: E('nameLength') }),
    }),
    kind: oneOf(PROSPECT_KINDS, { description: 'What kind of body it is', ...says(E('kindMissing')) }),
    organisation: Type.Optional(
      Type.Union(
        [
          Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$', ...CAPITALS, ...says(E('organisationUnknown')) }),
          Type.Null(),
        ],
        {
          default: null,
          description:
            'The code of its registered organisation, once it is registered (needed from onboarding on)',
          ...says(E('organisationUnknown')),
        },
      ),
    ),
    owner: Type.Optional(
      Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()], {
        default: null,
        description: 'The e-mail address of the host’s officer who leads the relationship',
        ...says(E('ownerUnknown')),
      }),
    ),
    nextStep: Type.Optional(
      Type.String({
        maxLength: 500,
        default: '',
        description: 'What happens next',
        ...says(E('nextStepLength')),
      }),
    ),
    nextStepDue: Type.Optional(
      Type.Union([IsoDate(), Type.Null()], {
        default: null,
        description: 'YYYY-MM-DD, when the next step is due',
        ...says(E('dateFormat')),
      }),
    ),
    notes: Type.Optional(Type.String({ maxLength: 5000, default: '', ...says(E('notesLength')) })),
  },
  { additionalProperties: false },
);

/** A move to another stage, on a day, with why. */
export const MoveBody = Type.Object(
  {
    stage: oneOf(PARTNERSHIP_STAGES, {
      description: PARTNERSHIP_STAGES.join(', '),
      ...says(E('stageMissing')),
    }),
    movedOn: IsoDate({
      description: 'YYYY-MM-DD, the day of the move',
      ...says(E('movedOnMissing'), E('dateFormat')),
    }),
    note: Type.Optional(Type.String({ maxLength: 2000, default: '', ...says(E('noteLength')) })),
  },
  { additionalProperties: false },
);

export const ProspectParams = Type.Object({ id: Uuid });

export const ProspectSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  stage: Type.String(),
  stageSince: IsoDate(),
  organisation: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  owner: Type.Union([Type.Object({ name: Type.String(), email: Type.String() }), Type.Null()]),
  nextStep: Type.String(),
  nextStepDue: Type.Union([IsoDate(), Type.Null()]),
  notes: Type.String(),
  version: Type.Integer(),
});

export const MoveSchema = Type.Object({
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.String(),
  movedOn: IsoDate(),
  note: Type.String(),
  by: Type.Union([Type.String(), Type.Null()]),
});
