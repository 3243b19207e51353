import { Type } from '@fastify/type-provider-typebox';
import { CAPITALS, says, Uuid } from '../../../platform/api/index.js';

const E = (key: string) => `agreements.errors.${key}`;
const IsoDate = (options: object = {}) =>
  Type.String({ format: 'date', description: 'YYYY-MM-DD', ...options });

/** A partner taking a service line from one date, to another (inclusive) or until further notice. */
export const AgreementBody = Type.Object(
  {
    serviceLine: Type.String({
      pattern: '^[A-Z][A-Z0-9-]{1,15}$',
      description: "The service line's code",
      ...CAPITALS,
      ...says(E('serviceLineMissing'), E('lineUnknown')),
    }),
    validFrom: IsoDate({
      description: 'YYYY-MM-DD, the first day',
      ...says(E('fromMissing'), E('dateFormat')),
    }),
    validTo: Type.Optional(
      Type.Union([IsoDate(), Type.Null()], {
        default: null,
        description: 'YYYY-MM-DD, the last day; absent or null: until further notice',
        ...says(E('dateFormat')),
      }),
    ),
  },
  { additionalProperties: false },
);

/** The last day an agreement is in force. */
export const AgreementEndBody = Type.Object(
  { validTo: IsoDate({ description: 'YYYY-MM-DD', ...says(E('toMissing'), E('dateFormat')) }) },
  { additionalProperties: false },
);

export const OrganisationParams = Type.Object({ id: Uuid });
export const AgreementParams = Type.Object({ id: Uuid, agreementId: Uuid });

export const AgreementSchema = Type.Object({
  id: Uuid,
  serviceLine: Type.Object({ code: Type.String(), name: Type.String() }),
  validFrom: IsoDate(),
  validTo: Type.Union([IsoDate(), Type.Null()], {
    description: 'Inclusive; null means until further notice',
  }),
  status: Type.Union([Type.Literal('current'), Type.Literal('future'), Type.Literal('ended')]),
});
