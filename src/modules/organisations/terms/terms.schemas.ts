import { Type } from '@fastify/type-provider-typebox';
import { CAPITALS, says, Uuid } from '../../../platform/api/index.js';

const E = (key: string) => `terms.errors.${key}`;
const IsoDate = (options: object = {}) =>
  Type.String({ format: 'date', description: 'YYYY-MM-DD', ...options });

export const CHARGING_MODELS = ['per_unit', 'cost_pool', 'fixed_contribution', 'purchased_hours'] as const;
export type ChargingModel = (typeof CHARGING_MODELS)[number];
export const DATA_SHARING_ROLES = ['controller', 'processor', 'joint_controller'] as const;
export type DataSharingRole = (typeof DATA_SHARING_ROLES)[number];

/** One of a list of words, typed as that list's union. */
export const oneOf = <const T extends readonly string[]>(values: T, options: Record<string, unknown>) =>
  Type.Unsafe<T[number]>(
    Type.Union(
      values.map((value) => Type.Literal(value)),
      options,
    ),
  );

/** A service line the version covers, and how it is charged for. */
const TermsLine = Type.Object(
  {
    serviceLine: Type.String({
      pattern: '^[A-Z][A-Z0-9-]{1,15}$',
      description: "The service line's code",
      ...CAPITALS,
      ...says(E('lineMissing'), E('lineUnknown')),
    }),
    chargingModel: oneOf(CHARGING_MODELS, {
      description: 'per_unit, cost_pool, fixed_contribution or purchased_hours',
      ...says(E('modelMissing')),
    }),
  },
  { additionalProperties: false },
);

/** A version of an agreement's terms, as drafted: it takes effect when signed, from its first day. */
export const TermsBody = Type.Object(
  {
    effectiveFrom: IsoDate({
      description: 'YYYY-MM-DD, the first day the version is in force',
      ...says(E('fromMissing'), E('dateFormat')),
    }),
    reviewOn: IsoDate({
      description: 'YYYY-MM-DD, when the terms are next reviewed',
      ...says(E('reviewMissing'), E('dateFormat')),
    }),
    noticeMonths: Type.Integer({
      minimum: 0,
      maximum: 120,
      description: 'Months of notice either side must give to end the agreement',
      ...says(E('noticeMissing'), E('noticeRange')),
    }),
    exitCostSharing: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'How the costs of an exit are shared',
      ...says(E('exitMissing'), E('exitLength'), { maxLength: E('exitLength') }),
    }),
    dataSharingRole: oneOf(DATA_SHARING_ROLES, {
      description: "The partner's role under UK GDPR for data the shared service handles",
      ...says(E('roleMissing')),
    }),
    notes: Type.Optional(
      Type.String({ maxLength: 5000, default: '', ...says(E('notesLength'), E('notesLength')) }),
    ),
    lines: Type.Array(TermsLine, {
      minItems: 1,
      maxItems: 100,
      description: 'The service lines covered, each with its charging model',
      ...says(E('linesMissing'), E('linesMissing'), { minItems: E('linesMissing') }),
    }),
  },
  { additionalProperties: false },
);

/** Signing a draft: the day it was signed and who signed for the partner. */
export const SignBody = Type.Object(
  {
    signedOn: IsoDate({ ...says(E('signedOnMissing'), E('dateFormat')) }),
    signedForPartner: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The name of the person who signed for the partner',
      ...says(E('signatoryMissing'), E('signatoryLength'), { maxLength: E('signatoryLength') }),
    }),
  },
  { additionalProperties: false },
);

export const OrganisationParams = Type.Object({ id: Uuid });
export const VersionParams = Type.Object({ id: Uuid, versionId: Uuid });

export const TermsSchema = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('signed')]),
  state: Type.Union(
    [Type.Literal('draft'), Type.Literal('in_force'), Type.Literal('future'), Type.Literal('superseded')],
    {
      description: 'draft; in_force today; future (signed, not yet in force); superseded by a later version',
    },
  ),
  effectiveFrom: IsoDate(),
  effectiveUntil: Type.Union([IsoDate(), Type.Null()], {
    description: "The day before the next signed version's first day; null while none follows",
  }),
  reviewOn: IsoDate(),
  noticeMonths: Type.Integer(),
  exitCostSharing: Type.String(),
  dataSharingRole: Type.String(),
  notes: Type.String(),
  lines: Type.Array(
    Type.Object({
      serviceLine: Type.Object({ code: Type.String(), name: Type.String() }),
      chargingModel: Type.String(),
    }),
  ),
  signedOn: Type.Union([IsoDate(), Type.Null()]),
  signedForPartner: Type.Union([Type.String(), Type.Null()]),
  signedBy: Type.Union([Type.String(), Type.Null()]),
});
