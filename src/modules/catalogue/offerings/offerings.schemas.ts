import { Type, type Static } from '@fastify/type-provider-typebox';
import { says, type Filled } from '../../../platform/api/index.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { Code, E, Inherited, Name } from '../catalogue.schemas.js';
import { SlaPolicySchema } from '../sla-policies/sla-policies.schemas.js';

export const FIELD_TYPES = ['text', 'long_text', 'number', 'date', 'choice', 'yes_no', 'file'] as const;
export const UNITS = [
  'request',
  'hour',
  'page',
  'payslip',
  'invoice',
  'matter',
  'square_metre',
  'item',
  'day',
] as const;
export const STATUSES = ['active', 'retired'] as const;

export type FieldType = (typeof FIELD_TYPES)[number];
export type Unit = (typeof UNITS)[number];
export type Status = (typeof STATUSES)[number];

/** A question of a request form. */
export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  hint?: string;
  options?: string[];
}

const FormFieldSchema = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'Made from the label when absent',
        ...says(E('fieldLabel')),
      }),
    ),
    label: Type.String({ minLength: 1, maxLength: 200, ...says(E('fieldLabel')) }),
    type: Type.Enum(FIELD_TYPES, says(E('fieldType'))),
    required: Type.Optional(Type.Boolean({ default: false, ...says(E('fieldsInvalid')) })),
    hint: Type.Optional(Type.String({ maxLength: 500, ...says(E('fieldsInvalid')) })),
    options: Type.Optional(
      Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100, ...says(E('fieldOptions')) }),
    ),
  },
  { additionalProperties: false },
);

/** A request form: its questions, in order. */
const FormFields = () =>
  Type.Optional(
    Type.Array(FormFieldSchema, {
      maxItems: 50,
      default: [],
      ...says(E('fieldsInvalid'), E('fieldsInvalid'), { maxItems: E('fieldsTooMany') }),
    }),
  );

export const OfferingBody = Type.Object(
  {
    serviceLine: Code(16, says(E('serviceLineMissing'), E('serviceLineUnknown'))),
    code: Code(40),
    name: Name(),
    description: Type.Optional(
      Type.String({ maxLength: 5000, default: '', ...says(E('descriptionTooLong')) }),
    ),
    lgslId: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 99_999 }), Type.Null()], {
        default: null,
        description: 'Local Government Service List id',
        ...says(E('lgslFormat')),
      }),
    ),
    unit: Type.Enum(UNITS, says(E('unitMissing'))),
    formFields: FormFields(),
    slaPolicy: Code(32, says(E('slaPolicyMissing'), E('slaPolicyUnknown'))),
    approvalRequired: Type.Optional(Type.Boolean({ default: false, ...says(E('approvalMissing')) })),
    status: Type.Optional(Type.Enum(STATUSES, { default: 'active', ...says(E('statusMissing')) })),
  },
  { additionalProperties: false },
);

/** A new offering: as any offering, and if given its standard price, in force from today until further notice. */
export const NewOfferingBody = Type.Object(
  {
    ...OfferingBody.properties,
    price: Type.Optional(
      Type.Union([Type.String({ maxLength: 20 }), Type.Null()], {
        default: null,
        description:
          'The standard unit price in pounds as text ("12.50"), in force from today (in the UK) until further notice; null or absent: none yet',
        ...says(E('priceFormat')),
      }),
    ),
  },
  { additionalProperties: false },
);

/** A partner's variant: what it leaves out (null, empty or absent) it takes from the standard. */
export const VariantBody = Type.Object(
  {
    name: Inherited(200, E('nameTooLong')),
    description: Inherited(5000, E('descriptionTooLong')),
    hidden: Type.Optional(Type.Boolean({ default: false, ...says(E('hiddenMissing')) })),
    extraFields: FormFields(),
    slaPolicy: Type.Optional(
      Type.Union([Code(32), Type.Null()], { default: null, ...says(E('slaPolicyUnknown')) }),
    ),
  },
  { additionalProperties: false },
);

export const VariantParams = Type.Object({
  code: Code(40),
  organisation: Code(16),
});
/** The page's name for the same parameter. */
export const PageVariantParams = Type.Object({ code: Code(40), partner: Code(16) });

export type OfferingValues = Filled<Static<typeof OfferingBody>>;
export type NewOfferingValues = Filled<Static<typeof NewOfferingBody>>;
export type VariantValues = Filled<Static<typeof VariantBody>>;
type FieldValues = Static<typeof FormFieldSchema>;

/** A key for a question, from its label: "Cost centre" is cost_centre. */
function keyFor(label: string): string {
  return label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

/**
 * The rules of a form's questions taken together: each has a key (made from its label when not
 * given), a choice has at least two choices, and no two questions share a key.
 */
export function formFieldsOf(
  values: FieldValues[],
  field: string,
): { fields: FormField[]; errors: FieldErrors } {
  const fields: FormField[] = [];
  const keys = new Set<string>();
  for (const item of values) {
    const key = item.key || keyFor(item.label);
    const options = (item.options ?? []).filter(Boolean);
    const problem = !/^[a-z][a-z0-9_]{0,39}$/.test(key)
      ? 'fieldLabel'
      : item.type === 'choice' && options.length < 2
        ? 'fieldOptions'
        : keys.has(key)
          ? 'fieldDuplicate'
          : undefined;
    if (problem) return { fields: [], errors: { [field]: E(problem) } };
    keys.add(key);
    fields.push({
      key,
      label: item.label,
      type: item.type,
      required: item.required ?? false,
      ...(item.hint ? { hint: item.hint } : {}),
      ...(item.type === 'choice' ? { options } : {}),
    });
  }
  return { fields, errors: {} };
}

// What the API answers.

const FormFieldResponse = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: Type.String(),
  required: Type.Boolean(),
  hint: Type.Optional(Type.String()),
  options: Type.Optional(Type.Array(Type.String())),
});

const PriceSchema = Type.Union([
  Type.Object({
    unitPrice: Type.String({ description: 'Pounds with two decimals, e.g. "12.50"' }),
    unitPricePence: Type.Integer(),
    validFrom: Type.String({ format: 'date' }),
    validTo: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    source: Type.Union([Type.Literal('standard'), Type.Literal('partner')]),
  }),
  Type.Null(),
]);

export const ResolvedSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  serviceLine: Type.Object({ code: Type.String(), name: Type.String() }),
  lgslId: Type.Union([Type.Integer(), Type.Null()]),
  lgslUri: Type.Union([Type.String(), Type.Null()]),
  unit: Type.String(),
  formFields: Type.Array(FormFieldResponse),
  approvalRequired: Type.Boolean(),
  price: PriceSchema,
  slaPolicy: Type.Union([SlaPolicySchema, Type.Null()]),
  localVariant: Type.Boolean(),
});

export const StandardOfferingSchema = Type.Object({
  code: Type.String(),
  serviceLine: Type.String(),
  name: Type.String(),
  description: Type.String(),
  lgslId: Type.Union([Type.Integer(), Type.Null()]),
  unit: Type.String(),
  formFields: Type.Array(FormFieldResponse),
  slaPolicy: Type.String(),
  approvalRequired: Type.Boolean(),
  status: Type.String(),
  version: Type.Integer(),
});

export const DifferenceSchema = Type.Object({
  field: Type.String(),
  standard: Type.String(),
  variant: Type.String(),
});

export const VariantSchema = Type.Object({
  offering: Type.String(),
  organisation: Type.Object({ code: Type.String(), name: Type.String() }),
  overrides: Type.Union([
    Type.Object({
      name: Type.Union([Type.String(), Type.Null()]),
      description: Type.Union([Type.String(), Type.Null()]),
      hidden: Type.Boolean(),
      extraFields: Type.Array(FormFieldResponse),
      slaPolicy: Type.Union([Type.String(), Type.Null()]),
      version: Type.Integer(),
    }),
    Type.Null(),
  ]),
  differences: Type.Array(DifferenceSchema),
  resolved: ResolvedSchema,
});
