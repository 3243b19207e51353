import type { FieldErrors } from '../../../platform/errors.js';
import { withProblems, type Checked } from '../../../platform/api/index.js';
import { translate } from '../../../platform/web/index.js';
import type { Values } from '../catalogue.pages.js';
import { FIELD_TYPES, type FormField } from './offerings.schemas.js';

/**
 * The question builder of a request form, as a page posts it: one fieldset per question, its
 * inputs named `<form field>-<n>-label`, `-type`, `-required`, `-hint`, `-options` (one choice a
 * line) and a hidden `-key`, and buttons named `questionAction` that add a question, or move or
 * remove one, without saving (`add`, `up-2`, `down-2`, `remove-2`). It works without JavaScript:
 * each button posts the whole form, which comes back with the change made.
 */

/** A question as its fieldset holds it: every value a string, as typed. */
export interface QuestionDraft {
  key: string;
  label: string;
  type: string;
  required: string;
  hint: string;
  options: string;
}

export type BuilderAction = { kind: 'add' } | { kind: 'up' | 'down' | 'remove'; index: number };

const LIMITS = { label: 200, hint: 500, option: 200, options: 100, questions: 50 };
const BLANK: QuestionDraft = { key: '', label: '', type: '', required: 'no', hint: '', options: '' };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The questions posted under `prefix`, in the order of their numbers; a fieldset left empty is dropped. */
export function readQuestions(body: Values, prefix: string): QuestionDraft[] {
  const numbers = new Set<number>();
  const pattern = new RegExp(`^${prefix}-(\\d{1,3})-(?:key|label|type|required|hint|options)$`);
  for (const name of Object.keys(body)) {
    const found = pattern.exec(name);
    if (found) numbers.add(Number(found[1]));
  }
  return [...numbers]
    .sort((a, b) => a - b)
    .map((n) => {
      const field = (part: keyof QuestionDraft) => text(body[`${prefix}-${n}-${part}`]);
      return {
        key: field('key'),
        label: field('label').trim(),
        type: field('type'),
        required: field('required') === 'yes' ? 'yes' : 'no',
        hint: field('hint').trim(),
        options: field('options'),
      };
    })
    .filter((draft) => draft.label || draft.hint || draft.options.trim());
}

/** The builder button pressed, if one was: a change to the questions, not a save. */
export function builderAction(body: Values): BuilderAction | undefined {
  const value = text(body.questionAction);
  if (value === 'add') return { kind: 'add' };
  const found = /^(up|down|remove)-(\d{1,3})$/.exec(value);
  return found ? { kind: found[1] as 'up' | 'down' | 'remove', index: Number(found[2]) } : undefined;
}

/**
 * The questions with the button's change made, and where the focus goes after it: the new or moved
 * question; after a removal, the one that took its place, or the add button when none did.
 */
export function applyAction(
  drafts: QuestionDraft[],
  action: BuilderAction,
): { questions: QuestionDraft[]; focus?: number | 'add' } {
  const next = [...drafts];
  if (action.kind === 'add') {
    if (next.length >= LIMITS.questions) return { questions: next, focus: 'add' };
    next.push({ ...BLANK });
    return { questions: next, focus: next.length - 1 };
  }
  const { index } = action;
  if (index >= next.length) return { questions: next };
  if (action.kind === 'remove') {
    next.splice(index, 1);
    return { questions: next, focus: index < next.length ? index : 'add' };
  }
  const to = action.kind === 'up' ? index - 1 : index + 1;
  if (to < 0 || to >= next.length) return { questions: next, focus: index };
  [next[index], next[to]] = [next[to]!, next[index]!];
  return { questions: next, focus: to };
}

/** Stored questions as the builder shows them. */
export function draftsOf(fields: FormField[]): QuestionDraft[] {
  return fields.map((field) => ({
    key: field.key,
    label: field.label,
    type: field.type,
    required: field.required ? 'yes' : 'no',
    hint: field.hint ?? '',
    options: (field.options ?? []).join('\n'),
  }));
}

const choicesOf = (draft: QuestionDraft) =>
  draft.options
    .split(/\r?\n/)
    .map((option) => option.trim())
    .filter(Boolean);

/** The questions in the shape the schema reads (the API's). */
export function questionValues(drafts: QuestionDraft[]): unknown[] {
  return drafts.map((draft) => ({
    ...(draft.key ? { key: draft.key } : {}),
    label: draft.label,
    type: draft.type,
    required: draft.required === 'yes',
    ...(draft.hint ? { hint: draft.hint } : {}),
    ...(draft.type === 'choice' ? { options: choicesOf(draft) } : {}),
  }));
}

/**
 * Every problem with the questions at once, each on its own input and naming its question: the
 * wording missing, too long or the same as another's; no type; a choice with fewer than two choices.
 */
export function questionProblems(drafts: QuestionDraft[], prefix: string): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Map<string, number>();
  drafts.forEach((draft, i) => {
    const id = (part: string) => `${prefix}-${i}-${part}`;
    const number = i + 1;
    const say = (problem: string, other?: number) =>
      translate(`catalogue.questionBuilder.errors.${problem}`, { number, other: other ?? '' });
    const wording = draft.label.toLowerCase();
    if (!draft.label) errors[id('label')] = say('labelMissing');
    else if (draft.label.length > LIMITS.label) errors[id('label')] = say('labelTooLong');
    else if (seen.has(wording)) errors[id('label')] = say('labelDuplicate', seen.get(wording));
    else seen.set(wording, number);
    if (!(FIELD_TYPES as readonly string[]).includes(draft.type)) errors[id('type')] = say('typeMissing');
    if (draft.hint.length > LIMITS.hint) errors[id('hint')] = say('hintTooLong');
    const choices = choicesOf(draft);
    if (draft.type === 'choice' && choices.length < 2) errors[id('options')] = say('choicesMissing');
    else if (choices.length > LIMITS.options || choices.some((c) => c.length > LIMITS.option))
      errors[id('options')] = say('choicesTooLong');
  });
  if (drafts.length > LIMITS.questions) errors[prefix] = 'catalogue.errors.fieldsTooMany';
  return errors;
}

/**
 * The form read against its schema with the builder's own problems added, in one pass: the
 * builder's messages name the question, so they replace the schema's one message for the list.
 */
export function withQuestionProblems<T>(
  checked: Checked<T>,
  problems: FieldErrors,
  prefix: string,
): Checked<T> {
  if (!Object.keys(problems).length) return checked;
  const rest = { ...(checked.errors ?? {}) };
  delete rest[prefix];
  return withProblems({ errors: rest }, problems);
}

/** The ids of the builder's inputs in page order, for the error summary. */
export function questionFieldOrder(drafts: QuestionDraft[], prefix: string): string[] {
  return [
    prefix,
    ...drafts.flatMap((_, i) =>
      ['label', 'type', 'required', 'hint', 'options'].map((part) => `${prefix}-${i}-${part}`),
    ),
  ];
}

/**
 * What a post of a form with a builder asks for: the questions as posted, and, when a builder button
 * was pressed, the questions with its change made and where the focus goes (the form is then shown
 * again, not saved).
 */
export function postedQuestions(
  body: Values,
  prefix: string,
): { questions: QuestionDraft[]; change?: ReturnType<typeof applyAction> } {
  const questions = readQuestions(body, prefix);
  const action = builderAction(body);
  return action ? { questions, change: applyAction(questions, action) } : { questions };
}

/** The form read by `read` with the builder's questions in the schema's shape, and its problems added. */
export function checkedWithQuestions<T>(
  read: (questions: unknown[]) => Checked<T>,
  questions: QuestionDraft[],
  prefix: string,
): Checked<T> {
  return withQuestionProblems(read(questionValues(questions)), questionProblems(questions, prefix), prefix);
}

/** What a page with a builder passes to its template, and the order of its errors with the builder's in place. */
export function builderView(
  questions: QuestionDraft[],
  focus: number | 'add' | undefined,
  prefix: string,
  fieldOrder: string[],
) {
  return {
    view: { questionDrafts: questions, focus, fieldTypes: FIELD_TYPES },
    order: fieldOrder.flatMap((field) =>
      field === prefix ? questionFieldOrder(questions, prefix) : [field],
    ),
  };
}
