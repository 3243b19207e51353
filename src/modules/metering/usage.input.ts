import { parseInstant } from '../../kernel/dates.js';
import { parseQuantity, type QuantityProblem } from '../../kernel/quantity.js';
import { hasForbiddenCharacters } from '../../platform/text.js';
import { isUuid } from '../../platform/ids.js';
import type { UsageProblem } from './metering.errors.js';

/** Where usage comes from. Keys are unique per organisation and source. */
export const SOURCES = ['request', 'time', 'import', 'api'] as const;
export type UsageSource = (typeof SOURCES)[number];

/** One event as checked on its own, before the database is asked about its organisation and offering. */
export interface CheckedUsage {
  /** Its index in a list, or its line in a file. */
  at: number;
  key: string;
  source: UsageSource;
  /** The organisation and offering, by code (API, import) or by id (recordUsage). */
  orgCode: string | null;
  orgId: string | null;
  offeringCode: string | null;
  offeringId: string | null;
  /** Thousandths of the offering's unit. */
  quantity: bigint;
  occurredAt: Date;
  note: string | null;
  requestId: string | null;
  requestReference: string | null;
  /** The key of the event this one reverses. */
  reverses: string | null;
}

/** What an event looks like from outside, before checking: codes or ids, text or numbers. */
export interface UsageFields {
  key?: unknown;
  organisation?: unknown;
  orgId?: unknown;
  offering?: unknown;
  offeringId?: unknown;
  quantity?: unknown;
  occurredAt?: unknown;
  note?: unknown;
  requestId?: unknown;
  requestReference?: unknown;
  reverses?: unknown;
}

const CODE = /^[A-Z][A-Z0-9-]{1,39}$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$/;
export const MAX_KEY_LENGTH = 200;
export const MAX_NOTE_LENGTH = 500;

const QUANTITY_MESSAGES: Record<QuantityProblem, string> = {
  missing: 'Enter a quantity',
  format: 'Quantity must be a number, like 1 or 2.5',
  precision: 'Quantity can have at most 3 decimal places',
  negative: 'Quantity cannot be negative unless the event reverses another',
  tooLarge: 'Quantity is too large',
  zero: 'Quantity cannot be zero',
};

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * Checks one event on its own: its key, quantity (exact thousandths), instant (with a zone, a real
 * day), note, and how it names its organisation and offering. Problems are added to `problems`;
 * the event is returned only when it has none.
 */
export function checkUsage(
  fields: UsageFields,
  at: number,
  source: UsageSource,
  problems: UsageProblem[],
): CheckedUsage | undefined {
  const found: UsageProblem[] = [];
  const problem = (field: string, code: string, message: string) =>
    found.push({ at, field, problem: code, message });

  const key = text(fields.key);
  if (!key) problem('key', 'key_missing', 'Enter a key that identifies the event');
  else if (key.length > MAX_KEY_LENGTH)
    problem('key', 'key_too_long', `Key must be ${MAX_KEY_LENGTH} characters or fewer`);

  let orgCode: string | null = null;
  let orgId: string | null = null;
  if (fields.orgId !== undefined) {
    if (isUuid(fields.orgId)) orgId = fields.orgId.toLowerCase();
    else problem('orgId', 'unknown_organisation', 'No organisation has that id');
  } else {
    const code = text(fields.organisation)?.toUpperCase();
    if (!code) problem('organisation', 'organisation_missing', 'Enter the organisation’s code');
    else if (!CODE.test(code))
      problem('organisation', 'unknown_organisation', `No organisation has the code ${code}`);
    else orgCode = code;
  }

  let offeringCode: string | null = null;
  let offeringId: string | null = null;
  if (fields.offeringId !== undefined) {
    if (isUuid(fields.offeringId)) offeringId = fields.offeringId.toLowerCase();
    else problem('offeringId', 'unknown_offering', 'No offering has that id');
  } else {
    const code = text(fields.offering)?.toUpperCase();
    if (!code) problem('offering', 'offering_missing', 'Enter the offering’s code');
    else if (!CODE.test(code)) problem('offering', 'unknown_offering', `No offering has the code ${code}`);
    else offeringCode = code;
  }

  const reverses = text(fields.reverses) || null;
  if (reverses !== null && reverses.length > MAX_KEY_LENGTH)
    problem('reverses', 'key_too_long', `Key must be ${MAX_KEY_LENGTH} characters or fewer`);
  const quantity =
    typeof fields.quantity === 'bigint'
      ? fields.quantity === 0n
        ? { problem: 'zero' as const }
        : fields.quantity < 0n && reverses === null
          ? { problem: 'negative' as const }
          : { thousandths: fields.quantity }
      : parseQuantity(fields.quantity, { allowNegative: reverses !== null });
  if ('problem' in quantity)
    problem('quantity', `quantity_${quantity.problem}`, QUANTITY_MESSAGES[quantity.problem]);
  else if (reverses !== null && quantity.thousandths > 0n)
    problem('quantity', 'quantity_not_negative', 'A reversing event must have a negative quantity');

  const occurredAt =
    fields.occurredAt instanceof Date
      ? Number.isNaN(fields.occurredAt.getTime())
        ? undefined
        : fields.occurredAt
      : parseInstant(fields.occurredAt);
  if (!occurredAt)
    problem(
      'occurredAt',
      'occurred_at_invalid',
      'When it happened must be a real date and time with a zone, like 2026-10-05T14:30:00Z',
    );

  const note = text(fields.note) || null;
  if (note !== null && note.length > MAX_NOTE_LENGTH)
    problem('note', 'note_too_long', `Note must be ${MAX_NOTE_LENGTH} characters or fewer`);

  const requestReference = text(fields.requestReference) || null;
  if (requestReference !== null && !REFERENCE.test(requestReference))
    problem(
      'requestReference',
      'request_reference_invalid',
      'Request reference must be a reference like WDC-000123',
    );
  let requestId: string | null = null;
  if (fields.requestId !== undefined && fields.requestId !== null) {
    if (isUuid(fields.requestId)) requestId = fields.requestId.toLowerCase();
    else problem('requestId', 'request_unknown', 'No request has that id');
  }

  for (const [field, value] of [
    ['key', key],
    ['note', note],
    ['reverses', reverses],
  ] as const) {
    if (value && hasForbiddenCharacters(value))
      problem(field, 'forbidden_characters', `${field} contains characters that are not allowed`);
  }

  if (found.length) {
    problems.push(...found);
    return undefined;
  }
  return {
    at,
    key: key!,
    source,
    orgCode,
    orgId,
    offeringCode,
    offeringId,
    quantity: (quantity as { thousandths: bigint }).thousandths,
    occurredAt: occurredAt!,
    note,
    requestId,
    requestReference,
    reverses,
  };
}
