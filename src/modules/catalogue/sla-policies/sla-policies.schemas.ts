import { Type } from '@fastify/type-provider-typebox';
import { says } from '../../../platform/api/index.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { Code, E, Name } from '../catalogue.schemas.js';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const TARGET_UNITS = ['working_minutes', 'working_days'] as const;
/** Request states in which an SLA clock may be paused. */
export const PAUSE_STATES = [
  'awaiting_requester',
  'awaiting_approval',
  'awaiting_third_party',
  'on_hold',
] as const;

export type Priority = (typeof PRIORITIES)[number];
export type TargetUnit = (typeof TARGET_UNITS)[number];
export type PauseState = (typeof PAUSE_STATES)[number];

/** The largest target accepted: a year of minutes, or 365 working days. */
export const MAX_MINUTES = 525_600;
export const MAX_DAYS = 365;

export interface Target {
  value: number;
  unit: TargetUnit;
}
export type Targets = Record<Priority, { response: Target; resolution: Target }>;

const TargetSchema = Type.Object(
  { value: Type.Integer({ minimum: 1, maximum: MAX_MINUTES }), unit: Type.Enum(TARGET_UNITS) },
  { additionalProperties: false, ...says(E('targetInvalid')) },
);
const Pair = Type.Object(
  { response: TargetSchema, resolution: TargetSchema },
  { additionalProperties: false },
);
const TargetsSchema = Type.Object(
  { critical: Pair, high: Pair, medium: Pair, low: Pair },
  { additionalProperties: false },
);

export const SlaPolicyBody = Type.Object(
  {
    code: Code(32),
    name: Name(),
    serviceLine: Code(16, says(E('serviceLineMissing'), E('serviceLineUnknown'))),
    calendar: Code(32, says(E('calendarMissing'), E('calendarUnknown'))),
    warningPercent: Type.Integer({ minimum: 1, maximum: 99, ...says(E('warningRange')) }),
    pauseStates: Type.Optional(
      Type.Array(Type.Enum(PAUSE_STATES), {
        maxItems: PAUSE_STATES.length,
        uniqueItems: true,
        default: [],
        ...says(E('pauseStateUnknown')),
      }),
    ),
    targets: TargetsSchema,
  },
  { additionalProperties: false },
);

/** A target in minutes, for comparing two of one policy (a working day counts as the longer). */
function rank(target: Target): number {
  return target.unit === 'working_minutes' ? target.value : target.value * 100_000;
}

/** The rules between a policy's fields: targets in days within a year, a resolution no sooner than the response. */
export function targetProblems(targets: Targets): FieldErrors {
  const errors: FieldErrors = {};
  for (const priority of PRIORITIES) {
    const { response, resolution } = targets[priority];
    for (const [kind, target] of [
      ['response', response],
      ['resolution', resolution],
    ] as const)
      if (target.unit === 'working_days' && target.value > MAX_DAYS)
        errors[`targets.${priority}.${kind}`] = E('targetInvalid');
    if (!errors[`targets.${priority}.resolution`] && rank(resolution) < rank(response))
      errors[`targets.${priority}.resolution`] = E('resolutionBeforeResponse');
  }
  return errors;
}

export const SlaPolicySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  serviceLine: Type.String(),
  calendar: Type.String(),
  warningPercent: Type.Integer(),
  pauseStates: Type.Array(Type.String()),
  targets: TargetsSchema,
  version: Type.Integer(),
});
