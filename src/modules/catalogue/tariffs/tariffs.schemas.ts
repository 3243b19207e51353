import { Type, type Static } from '@fastify/type-provider-typebox';
import { inputOf, says, Uuid, type Checked, type Filled } from '../../../platform/api/index.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { parsePence } from '../../../kernel/money.js';
import { Code, E, IsoDate } from '../catalogue.schemas.js';

/** One price: from the API, the prices page or a line of a CSV file (all text there). */
export const TariffBody = Type.Object(
  {
    offering: Code(40, says(E('offeringMissing'), E('offeringUnknown'))),
    organisation: Type.Optional(
      Type.Union([Code(16), Type.Null()], {
        default: null,
        description: "A partner's code for its own price; empty or null: the standard price",
        ...says(E('organisationUnknown')),
      }),
    ),
    unitPrice: Type.String({
      minLength: 1,
      maxLength: 20,
      description: 'Pounds as text, e.g. "12.50"; never a floating-point number',
      ...says(E('priceMissing'), E('priceFormat')),
    }),
    validFrom: IsoDate(says(E('validFromMissing'), E('dateFormat'))),
    validTo: Type.Optional(
      Type.Union([IsoDate(), Type.Null()], {
        default: null,
        description: 'Inclusive; null: until further notice',
        ...says(E('dateFormat')),
      }),
    ),
  },
  { additionalProperties: false },
);

export const TariffEndBody = Type.Object(
  { validTo: IsoDate(says(E('validToMissing'), E('dateFormat'))) },
  { additionalProperties: false },
);

export const TariffParams = Type.Object({ id: Uuid });

export const ImportBody = Type.Object(
  { csv: Type.String({ maxLength: 5_000_000, ...says(E('csvEmpty')) }) },
  { additionalProperties: false },
);

export const TariffSchema = Type.Object({
  id: Uuid,
  offering: Type.String(),
  organisation: Type.Union([Type.String(), Type.Null()], {
    description: "The partner's code; null for the standard price",
  }),
  unitPrice: Type.String(),
  unitPricePence: Type.Integer(),
  validFrom: Type.String({ format: 'date' }),
  validTo: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
});

export type TariffValues = Filled<Static<typeof TariffBody>>;

/** A price ready to record: the amount in whole pence. */
export interface TariffInput {
  offering: string;
  organisation: string | null;
  pence: number;
  validFrom: string;
  validTo: string | null;
}

export const PRICE_PROBLEMS = {
  missing: E('priceMissing'),
  negative: E('priceNegative'),
  format: E('priceFormat'),
  tooLarge: E('priceTooLarge'),
} as const;

/** The rules beyond each field's own: the price read exactly (kernel/money), the end not before the start. */
export function tariffOf(values: TariffValues): Checked<TariffInput> {
  const errors: FieldErrors = {};
  const price = parsePence(values.unitPrice);
  if ('problem' in price) errors.unitPrice = PRICE_PROBLEMS[price.problem];
  if (values.validTo !== null && values.validTo < values.validFrom) errors.validTo = E('validToBeforeFrom');
  if ('problem' in price || errors.validTo) return { errors };
  const { unitPrice: _text, ...rest } = values;
  return { value: { ...rest, pence: price.pence } };
}

/** A price's own problem as typed, if it has one ("7.5p"), under `field`. */
export function priceProblem(text: unknown, field = 'unitPrice'): FieldErrors {
  const read = parsePence(text);
  return 'problem' in read ? { [field]: PRICE_PROBLEMS[read.problem] } : {};
}

const reader = inputOf(TariffBody);

/** A price from text (a line of a CSV file): every problem it has, each field's and the price's together. */
export function readTariff(raw: Record<string, unknown>): Checked<TariffInput> {
  const checked = reader.check(raw);
  if (!checked.errors) return tariffOf(checked.value);
  const price = parsePence(raw.unitPrice);
  return {
    errors: {
      ...checked.errors,
      ...('problem' in price && !checked.errors.unitPrice
        ? { unitPrice: PRICE_PROBLEMS[price.problem] }
        : {}),
    },
  };
}
