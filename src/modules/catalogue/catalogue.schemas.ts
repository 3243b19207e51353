import { CalendarError, compileCalendar, WEEKDAYS, type Weekday } from '../../kernel/working-time.js';
import type { FieldErrors } from '../../platform/errors.js';
import { parsePence } from '../../kernel/money.js';

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
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const TARGET_UNITS = ['working_minutes', 'working_days'] as const;
/** Request states in which an SLA clock may be paused. */
export const PAUSE_STATES = [
  'awaiting_requester',
  'awaiting_approval',
  'awaiting_third_party',
  'on_hold',
] as const;
export const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export const STATUSES = ['active', 'retired'] as const;

export type FieldType = (typeof FIELD_TYPES)[number];
export type Unit = (typeof UNITS)[number];
export type Priority = (typeof PRIORITIES)[number];
export type TargetUnit = (typeof TARGET_UNITS)[number];
export type PauseState = (typeof PAUSE_STATES)[number];
export type Division = (typeof DIVISIONS)[number];

/** The largest SLA target or `minutes` accepted: a year of minutes. */
export const MAX_MINUTES = 525_600;

export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  hint?: string;
  options?: string[];
}

export interface OfferingInput {
  serviceLine: string;
  code: string;
  name: string;
  description: string;
  lgslId: number | null;
  unit: Unit;
  formFields: FormField[];
  slaPolicy: string;
  approvalRequired: boolean;
  status: 'active' | 'retired';
}

export interface VariantInput {
  name: string | null;
  description: string | null;
  hidden: boolean;
  extraFields: FormField[];
  slaPolicy: string | null;
}

export interface TariffInput {
  offering: string;
  organisation: string | null;
  pence: number;
  validFrom: string;
  validTo: string | null;
}

export type Hours = Partial<Record<Weekday, Array<[string, string]>>>;

export interface CalendarInput {
  code: string;
  name: string;
  timeZone: string;
  hours: Hours;
  holidays: Division | null;
  closures: string[];
  organisation: string | null;
}

export interface Target {
  value: number;
  unit: TargetUnit;
}
export type Targets = Record<Priority, { response: Target; resolution: Target }>;

export interface SlaPolicyInput {
  serviceLine: string;
  code: string;
  name: string;
  calendar: string;
  warningPercent: number;
  pauseStates: PauseState[];
  targets: Targets;
}

const CODE = /^[A-Z][A-Z0-9-]{1,39}$/;
const SHORT_CODE = /^[A-Z][A-Z0-9-]{1,31}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const E = (key: string) => `catalogue.errors.${key}`;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

/** Yes/no from JSON (true/false) or a form ("yes"/"no"). */
function yesNo(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  return undefined;
}

/** A real calendar date in YYYY-MM-DD form (2026-02-30 is not one). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function codeProblem(code: string, pattern = CODE): string | undefined {
  if (!code) return E('codeMissing');
  if (!pattern.test(code)) return E('codeFormat');
  return undefined;
}

function nameProblem(name: string): string | undefined {
  if (!name) return E('nameMissing');
  if (name.length > 200) return E('nameTooLong');
  return undefined;
}

function keyFor(label: string): string {
  return label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

/** Checks a list of request form fields, from the API (objects) or parsed from the form's text. */
export function validateFormFields(value: unknown, field: string, errors: FieldErrors): FormField[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors[field] = E('fieldsInvalid');
    return [];
  }
  const fields: FormField[] = [];
  const keys = new Set<string>();
  for (const raw of value as unknown[]) {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const label = text(item.label);
    const type = oneOf(FIELD_TYPES, item.type);
    const key = text(item.key) || keyFor(label);
    const required = item.required === undefined ? false : yesNo(item.required);
    const hint = text(item.hint);
    const options = Array.isArray(item.options) ? item.options.map(text).filter(Boolean) : [];
    if (!label || label.length > 200 || !key || !/^[a-z][a-z0-9_]{0,39}$/.test(key))
      errors[field] ??= E('fieldLabel');
    else if (!type) errors[field] ??= E('fieldType');
    else if (required === undefined) errors[field] ??= E('fieldsInvalid');
    else if (type === 'choice' && options.length < 2) errors[field] ??= E('fieldOptions');
    else if (keys.has(key)) errors[field] ??= E('fieldDuplicate');
    if (errors[field]) return [];
    keys.add(key);
    fields.push({
      key,
      label,
      type: type!,
      required: required!,
      ...(hint ? { hint } : {}),
      ...(type === 'choice' ? { options } : {}),
    });
  }
  if (fields.length > 50) errors[field] = E('fieldsTooMany');
  return fields;
}

/**
 * The form fields as a service manager types them on a page, one per line:
 * `Label | type | required or optional | hint | option one, option two`.
 */
export function parseFormFieldsText(value: unknown): unknown[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [label = '', type = '', required = '', hint = '', options = ''] = line
        .split('|')
        .map((part) => part.trim());
      return {
        label,
        type: type.toLowerCase().replace(/[\s-]+/g, '_'),
        required:
          required.toLowerCase() === 'required'
            ? true
            : required === '' || required.toLowerCase() === 'optional'
              ? false
              : 'bad',
        hint,
        options: options
          .split(',')
          .map((option) => option.trim())
          .filter(Boolean),
      };
    });
}

/** The inverse of {@link parseFormFieldsText}, to fill the form again. */
export function formFieldsText(fields: FormField[]): string {
  return fields
    .map((f) =>
      [f.label, f.type, f.required ? 'required' : 'optional', f.hint ?? '', (f.options ?? []).join(', ')]
        .join(' | ')
        .replace(/( \| )+$/, ''),
    )
    .join('\n');
}

export function validateOffering(input: Record<string, unknown>): {
  value: OfferingInput;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const serviceLine = text(input.serviceLine).toUpperCase();
  const code = text(input.code).toUpperCase();
  const name = text(input.name);
  const description = text(input.description);
  const unit = oneOf(UNITS, input.unit);
  const slaPolicy = text(input.slaPolicy).toUpperCase();
  const approvalRequired = input.approvalRequired === undefined ? false : yesNo(input.approvalRequired);
  const status = input.status === undefined || input.status === '' ? 'active' : oneOf(STATUSES, input.status);
  let lgslId: number | null = null;
  const rawLgsl = input.lgslId;
  if (typeof rawLgsl === 'number' && Number.isInteger(rawLgsl) && rawLgsl > 0 && rawLgsl < 100_000)
    lgslId = rawLgsl;
  else if (typeof rawLgsl === 'string' && /^\d{1,5}$/.test(rawLgsl.trim()) && Number(rawLgsl) > 0)
    lgslId = Number(rawLgsl);
  else if (!(rawLgsl === undefined || rawLgsl === null || rawLgsl === '')) errors.lgslId = E('lgslFormat');

  if (!serviceLine) errors.serviceLine = E('serviceLineMissing');
  const codeError = codeProblem(code);
  if (codeError) errors.code = codeError;
  const nameError = nameProblem(name);
  if (nameError) errors.name = nameError;
  if (description.length > 5000) errors.description = E('descriptionTooLong');
  if (!unit) errors.unit = E('unitMissing');
  const formFields = validateFormFields(input.formFields, 'formFields', errors);
  if (!slaPolicy) errors.slaPolicy = E('slaPolicyMissing');
  if (approvalRequired === undefined) errors.approvalRequired = E('approvalMissing');
  if (!status) errors.status = E('statusMissing');
  return {
    value: {
      serviceLine,
      code,
      name,
      description,
      lgslId,
      unit: unit ?? 'request',
      formFields,
      slaPolicy,
      approvalRequired: approvalRequired ?? false,
      status: status ?? 'active',
    },
    errors,
  };
}

/** An empty name or description means "as the standard". */
export function validateVariant(input: Record<string, unknown>): {
  value: VariantInput;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const name = text(input.name);
  const description = text(input.description);
  const hidden = input.hidden === undefined ? false : yesNo(input.hidden);
  const slaPolicy = text(input.slaPolicy).toUpperCase();
  if (name.length > 200) errors.name = E('nameTooLong');
  if (description.length > 5000) errors.description = E('descriptionTooLong');
  if (hidden === undefined) errors.hidden = E('hiddenMissing');
  const extraFields = validateFormFields(input.extraFields, 'extraFields', errors);
  return {
    value: {
      name: name || null,
      description: description || null,
      hidden: hidden ?? false,
      extraFields,
      slaPolicy: slaPolicy || null,
    },
    errors,
  };
}

export const PRICE_PROBLEMS = {
  missing: E('priceMissing'),
  negative: E('priceNegative'),
  format: E('priceFormat'),
  tooLarge: E('priceTooLarge'),
} as const;

/** One price: from the API, a form, or a row of a CSV file (all strings there). */
export function validateTariff(input: Record<string, unknown>): { value: TariffInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const offering = text(input.offering).toUpperCase();
  const organisation = text(input.organisation).toUpperCase() || null;
  const price = parsePence(input.unitPrice);
  const validFrom = text(input.validFrom);
  const validTo = text(input.validTo) || null;
  if (!offering) errors.offering = E('offeringMissing');
  if ('problem' in price) errors.unitPrice = PRICE_PROBLEMS[price.problem];
  if (!isIsoDate(validFrom)) errors.validFrom = E(validFrom ? 'dateFormat' : 'validFromMissing');
  if (validTo !== null && !isIsoDate(validTo)) errors.validTo = E('dateFormat');
  else if (validTo !== null && isIsoDate(validFrom) && validTo < validFrom)
    errors.validTo = E('validToBeforeFrom');
  return {
    value: { offering, organisation, pence: 'pence' in price ? price.pence : 0, validFrom, validTo },
    errors,
  };
}

/** A partner taking a service line from one date, to another (inclusive) or until further notice. */
export interface AgreementInput {
  serviceLine: string;
  validFrom: string;
  validTo: string | null;
}

export function validateAgreement(input: Record<string, unknown>): {
  value: AgreementInput;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const serviceLine = text(input.serviceLine).toUpperCase();
  const validFrom = text(input.validFrom);
  const validTo = text(input.validTo) || null;
  if (!serviceLine) errors.serviceLine = E('serviceLineMissing');
  if (!isIsoDate(validFrom)) errors.validFrom = E(validFrom ? 'dateFormat' : 'agreementFromMissing');
  if (validTo !== null && !isIsoDate(validTo)) errors.validTo = E('dateFormat');
  else if (validTo !== null && isIsoDate(validFrom) && validTo < validFrom)
    errors.validTo = E('validToBeforeFrom');
  return { value: { serviceLine, validFrom, validTo }, errors };
}

/** The date an agreement ends on: a real date, not before it started, and never later than an end already set. */
export function validateAgreementEnd(
  input: unknown,
  agreement: { validFrom: string; validTo: string | null },
): { value: string; errors: FieldErrors } {
  const value = text(input);
  const problem = !value
    ? 'agreementToMissing'
    : !isIsoDate(value)
      ? 'dateFormat'
      : value < agreement.validFrom
        ? 'validToBeforeFrom'
        : agreement.validTo !== null && value > agreement.validTo
          ? 'agreementEndLater'
          : undefined;
  return { value, errors: problem ? { validTo: E(problem) } : {} };
}

/** An email address as people type it: trimmed, and compared without regard to case. */
export function emailOf(value: unknown): string {
  return text(value).toLowerCase();
}

export interface CsvRow {
  /** Line number in the file; the header is line 1. */
  line: number;
  values: Record<string, string>;
}

export const TARIFF_CSV_COLUMNS = [
  'offering',
  'organisation',
  'unit_price',
  'valid_from',
  'valid_to',
] as const;

/** Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes and new lines). */
function csvRecords(csv: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && csv[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records.filter((record) => record.fields.some((value) => value.trim() !== ''));
}

/**
 * Reads a tariff CSV (`offering,organisation,unit_price,valid_from,valid_to`, with that header).
 * Returns the rows, or the problem with the file as a whole.
 */
export function parseTariffCsv(csv: string): { rows: CsvRow[] } | { problem: string } {
  const records = csvRecords(csv.replace(/^\uFEFF/, ''));
  const header = records.shift();
  if (!header) return { problem: E('csvEmpty') };
  const names = header.fields.map((name) => name.trim().toLowerCase());
  if (names.join(',') !== TARIFF_CSV_COLUMNS.join(',')) return { problem: E('csvHeader') };
  if (records.length === 0) return { problem: E('csvEmpty') };
  return {
    rows: records.map((record) => ({
      line: record.line,
      values: Object.fromEntries(TARIFF_CSV_COLUMNS.map((name, index) => [name, record.fields[index] ?? ''])),
    })),
  };
}

/** The stable code for a calendar problem the kernel found. */
export type CalendarProblemCode = 'ERR_VALIDATION' | CalendarError['code'];

export function validateCalendar(input: Record<string, unknown>): {
  value: CalendarInput;
  errors: FieldErrors;
  code: CalendarProblemCode;
  message?: string;
} {
  const errors: FieldErrors = {};
  let code: CalendarProblemCode = 'ERR_VALIDATION';
  let message: string | undefined;
  const calendarCode = text(input.code).toUpperCase();
  const name = text(input.name);
  const timeZone = input.timeZone === undefined ? 'Europe/London' : text(input.timeZone);
  const holidays =
    input.holidays === null || input.holidays === '' || input.holidays === undefined
      ? null
      : oneOf(DIVISIONS, input.holidays);
  const closuresRaw = input.closures === undefined ? [] : input.closures;
  const organisation = text(input.organisation).toUpperCase() || null;
  const codeError = codeProblem(calendarCode, SHORT_CODE);
  if (codeError) errors.code = codeError;
  const nameError = nameProblem(name);
  if (nameError) errors.name = nameError;
  if (holidays === undefined) errors.holidays = E('holidaysUnknown');
  const closures = Array.isArray(closuresRaw)
    ? closuresRaw.map((date) => (typeof date === 'string' ? date.trim() : ''))
    : [];
  if (!Array.isArray(closuresRaw) || closures.some((date) => !isIsoDate(date)))
    errors.closures = E('closuresFormat');

  const hours: Hours = {};
  const rawHours = input.hours;
  if (typeof rawHours !== 'object' || rawHours === null || Array.isArray(rawHours))
    errors.hours = E('hoursMissing');
  else {
    for (const [day, intervals] of Object.entries(rawHours)) {
      if (!(WEEKDAYS as readonly string[]).includes(day) || !Array.isArray(intervals)) {
        errors.hours ??= E('hoursMissing');
        continue;
      }
      hours[day as Weekday] = intervals as Array<[string, string]>;
    }
  }
  // The zone and the hours are checked apart, so that a form with both wrong shows both problems.
  const kernelProblem = (check: () => void, onProblem: (error: CalendarError) => void) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof CalendarError)) throw error;
      if (code === 'ERR_VALIDATION') {
        code = error.code;
        message = error.message;
      }
      onProblem(error);
    }
  };
  kernelProblem(
    () => compileCalendar({ timeZone, hours: { monday: [['00:00', '24:00']] }, closedDates: [] }),
    () => (errors.timeZone = E('timeZoneUnknown')),
  );
  if (!errors.hours) {
    kernelProblem(
      () => compileCalendar({ timeZone: 'UTC', hours, closedDates: [] }),
      (error) => {
        if (error.code === 'ERR_NO_WORKING_TIME') errors.hours = E('hoursNone');
        else {
          const day = WEEKDAYS.find((weekday) => error.message.includes(weekday));
          errors[day ? `hours.${day}` : 'hours'] = E('intervalInvalid');
        }
      },
    );
  }
  // A problem the kernel found only names the code when it is the only kind of problem.
  if (Object.keys(errors).some((field) => field !== 'timeZone' && !field.startsWith('hours')))
    code = 'ERR_VALIDATION';
  const sortedHours: Hours = {};
  for (const day of WEEKDAYS) if (hours[day]?.length) sortedHours[day] = hours[day].map(([a, b]) => [a, b]);
  return {
    value: {
      code: calendarCode,
      name,
      timeZone,
      hours: sortedHours,
      holidays: holidays ?? null,
      closures: [...new Set(closures)].sort(),
      organisation,
    },
    errors,
    code,
    ...(message ? { message } : {}),
  };
}

/** "09:00-12:30, 13:30-17:00" as typed on the calendar page, into intervals; undefined when unreadable. */
export function parseIntervalsText(value: unknown): Array<[string, string]> | undefined {
  if (typeof value !== 'string' || value.trim() === '') return [];
  const intervals: Array<[string, string]> = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d{1,2}:\d{2})\s*(?:-|–|to)\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!match) return undefined;
    intervals.push([match[1]!.padStart(5, '0'), match[2]!.padStart(5, '0')]);
  }
  return intervals;
}

export function intervalsText(intervals: ReadonlyArray<readonly [string, string]> | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

function validateTarget(value: unknown): Target | undefined {
  const item = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const raw =
    typeof item.value === 'string' && /^\d+$/.test(item.value.trim()) ? Number(item.value) : item.value;
  const unit = oneOf(TARGET_UNITS, item.unit);
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || !unit) return undefined;
  if (unit === 'working_minutes' ? raw > MAX_MINUTES : raw > 365) return undefined;
  return { value: raw, unit };
}

/** Minutes for comparing targets of the same policy, taking a working day as the longer unit. */
function rank(target: Target): number {
  return target.unit === 'working_minutes' ? target.value : target.value * 100_000;
}

export function validateSlaPolicy(input: Record<string, unknown>): {
  value: SlaPolicyInput;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const serviceLine = text(input.serviceLine).toUpperCase();
  const code = text(input.code).toUpperCase();
  const name = text(input.name);
  const calendar = text(input.calendar).toUpperCase();
  const warningRaw =
    typeof input.warningPercent === 'string' && /^\d+$/.test(input.warningPercent.trim())
      ? Number(input.warningPercent)
      : input.warningPercent;
  const pauseRaw =
    input.pauseStates === undefined
      ? []
      : typeof input.pauseStates === 'string'
        ? [input.pauseStates]
        : input.pauseStates;
  if (!serviceLine) errors.serviceLine = E('serviceLineMissing');
  const codeError = codeProblem(code, SHORT_CODE);
  if (codeError) errors.code = codeError;
  const nameError = nameProblem(name);
  if (nameError) errors.name = nameError;
  if (!calendar) errors.calendar = E('calendarMissing');
  if (typeof warningRaw !== 'number' || !Number.isInteger(warningRaw) || warningRaw < 1 || warningRaw > 99)
    errors.warningPercent = E('warningRange');
  const pauseStates = Array.isArray(pauseRaw)
    ? pauseRaw.map((state) => oneOf(PAUSE_STATES, state))
    : [undefined];
  if (pauseStates.some((state) => state === undefined)) errors.pauseStates = E('pauseStateUnknown');
  const targetsRaw = (
    typeof input.targets === 'object' && input.targets !== null ? input.targets : {}
  ) as Record<string, unknown>;
  const targets = {} as Targets;
  for (const priority of PRIORITIES) {
    const pair = (
      typeof targetsRaw[priority] === 'object' && targetsRaw[priority] !== null ? targetsRaw[priority] : {}
    ) as Record<string, unknown>;
    const response = validateTarget(pair.response);
    const resolution = validateTarget(pair.resolution);
    if (!response) errors[`targets.${priority}.response`] = E('targetInvalid');
    if (!resolution) errors[`targets.${priority}.resolution`] = E('targetInvalid');
    if (response && resolution && rank(resolution) < rank(response))
      errors[`targets.${priority}.resolution`] = E('resolutionBeforeResponse');
    targets[priority] = {
      response: response ?? { value: 1, unit: 'working_minutes' },
      resolution: resolution ?? { value: 1, unit: 'working_minutes' },
    };
  }
  return {
    value: {
      serviceLine,
      code,
      name,
      calendar,
      warningPercent: typeof warningRaw === 'number' ? warningRaw : 75,
      pauseStates: [...new Set(pauseStates.filter((state): state is PauseState => state !== undefined))],
      targets,
    },
    errors,
  };
}

/** `minutes` for the due-date endpoint and command: a whole number from 0 to a year of minutes. */
export function parseMinutes(value: unknown): number | undefined {
  const raw = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_MINUTES ? raw : undefined;
}

/** An ISO 8601 instant with a zone or offset ("2026-03-27T16:00:00Z"); a bare local time is ambiguous. */
export function parseInstant(value: unknown): Date | undefined {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  )
    return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
