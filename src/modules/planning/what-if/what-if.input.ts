/**
 * A cost model and a scenario as typed (a form) or sent (the API): read into whole pence and whole
 * units, every problem named by its field in words.
 */
import { parseAmountPence } from '../../../kernel/appraisal.js';
import { costModelProblems } from '../../../kernel/what-if.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { translate } from '../../../platform/web/index.js';
import type { StoredModel } from './what-if.repository.js';

const w = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.whatIf.errors.${key}`, params);

const text = (value: unknown) =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

/** Pounds as typed ("£1,250.50") in pence, or undefined. */
export function poundsToPence(value: unknown): bigint | undefined {
  return parseAmountPence(text(value).replace(/^£/, '').replace(/,/g, ''));
}

/** A whole number of units as typed ("12,000"), or undefined. */
export function units(value: unknown): bigint | undefined {
  const typed = text(value).replace(/,/g, '');
  return /^\d{1,12}$/.test(typed) ? BigInt(typed) : undefined;
}

export interface ModelInput {
  unit?: unknown;
  offering?: unknown;
  fixedCost?: unknown;
  variableCost?: unknown;
  steps?: unknown;
}

/** A cost model's fields read, with its capacity steps in order. */
export function readModel(input: ModelInput): { value: StoredModel; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const unit = text(input.unit);
  if (!unit) errors.unit = w('unit');
  else if (unit.length > 60) errors.unit = w('unitLong');
  const offering = text(input.offering).toUpperCase() || null;
  const fixed = poundsToPence(input.fixedCost);
  if (fixed === undefined) errors.fixedCost = w('fixedCost');
  const variable = poundsToPence(input.variableCost);
  if (variable === undefined || variable > 1_000_000_000n) errors.variableCost = w('variableCost');
  const steps: StoredModel['steps'] = [];
  const list = Array.isArray(input.steps) ? input.steps : input.steps === undefined ? [] : null;
  if (list === null || list.length > 20) errors.steps = w('steps');
  (list ?? []).forEach((step: unknown, index) => {
    const { fromVolume, addedFixedCost } = (step ?? {}) as Record<string, unknown>;
    const from = units(fromVolume);
    const added = poundsToPence(addedFixedCost);
    if (from === undefined || from === 0n)
      errors[`steps.${index}.fromVolume`] = w('stepFrom', { number: index + 1 });
    if (added === undefined) errors[`steps.${index}.addedFixedCost`] = w('stepAdded', { number: index + 1 });
    steps.push({ fromVolume: String(from ?? 0n), addedFixedPence: String(added ?? 0n) });
  });
  if (!Object.keys(errors).some((key) => key.startsWith('steps'))) {
    const order = costModelProblems({
      fixedPence: 0n,
      variablePence: 0n,
      steps: steps.map((s) => ({
        fromVolume: BigInt(s.fromVolume),
        addedFixedPence: BigInt(s.addedFixedPence),
      })),
    });
    if (order.length) errors.steps = w('stepsOrder');
  }
  return {
    value: {
      unit,
      offering,
      fixedPence: String(fixed ?? 0n),
      variablePence: String(variable ?? 0n),
      steps,
    },
    errors,
  };
}

export interface ScenarioInput {
  serviceLine?: unknown;
  name?: unknown;
  prospect?: unknown;
  prospectVolume?: unknown;
  /** Volumes entered for existing partners, replacing what their usage gives. */
  volumes?: unknown;
  notes?: unknown;
}

export interface ScenarioValues {
  serviceLine: string;
  name: string;
  prospect: string;
  prospectVolume: bigint;
  volumes: Map<string, bigint>;
  notes: string;
}

/** A scenario's fields read: the line, names, the prospect's volume and any volumes entered. */
export function readScenario(input: ScenarioInput): { value: ScenarioValues; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const serviceLine = text(input.serviceLine).toUpperCase();
  if (!serviceLine) errors.serviceLine = w('serviceLine');
  const prospect = text(input.prospect);
  if (!prospect) errors.prospect = w('prospect');
  else if (prospect.length > 200) errors.prospect = w('prospectLong');
  const name = text(input.name) || prospect;
  if (name.length > 200) errors.name = w('nameLong');
  const prospectVolume = units(input.prospectVolume);
  if (prospectVolume === undefined) errors.prospectVolume = w('prospectVolume');
  const notes = text(input.notes);
  if (notes.length > 5000) errors.notes = w('notesLong');
  const volumes = new Map<string, bigint>();
  const list = input.volumes === undefined || input.volumes === null ? [] : input.volumes;
  if (!Array.isArray(list)) errors.volumes = w('volumes');
  else
    list.forEach((entry: unknown, index) => {
      const { organisation, volume } = (entry ?? {}) as Record<string, unknown>;
      const code = text(organisation).toUpperCase();
      const value = units(volume);
      if (!code) errors[`volumes.${index}.organisation`] = w('volumeOrganisation', { number: index + 1 });
      if (value === undefined)
        errors[`volumes.${index}.volume`] = w('volume', { organisation: code || String(index + 1) });
      if (code && value !== undefined) volumes.set(code, value);
    });
  return {
    value: { serviceLine, name, prospect, prospectVolume: prospectVolume ?? 0n, volumes, notes },
    errors,
  };
}
