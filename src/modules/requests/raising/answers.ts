import { isIsoDate } from '../../../kernel/dates.js';
import { isUuid } from '../../../platform/ids.js';
import type { FormField } from '../catalogue-port.js';

/** The most files one question takes. */
export const MOST_FILES = 20;
const TEXT_LIMIT = 2_000;
const LONG_TEXT_LIMIT = 20_000;

/** An answer as stored: text, a number, a date (YYYY-MM-DD), a choice, yes/no, or attachment ids. */
export type Answer = string | number | boolean | string[];

export interface AnswerProblems {
  /** By field (`answers.<key>`), as message keys. */
  fields: Record<string, string>;
  /** Each field's label, for messages that name the question. */
  labels: Record<string, string>;
}

export interface CheckedAnswers {
  answers: Record<string, Answer>;
  /** File questions answered, by key: attachment ids to tie to the request. */
  files: Record<string, string[]>;
  problems?: AnswerProblems;
}

const E = (key: string) => `requests.errors.${key}`;

function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** One answer in its stored form, or the message key of what is wrong with it. */
function read(field: FormField, value: unknown): { value: Answer } | { problem: string } {
  switch (field.type) {
    case 'text':
    case 'long_text': {
      const limit = field.type === 'text' ? TEXT_LIMIT : LONG_TEXT_LIMIT;
      if (typeof value !== 'string' || value.trim().length > limit)
        return { problem: E(field.type === 'text' ? 'answerText' : 'answerLongText') };
      return { value: value.trim() };
    }
    case 'number': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d{1,15}(\.\d{1,6})?$/.test(value.trim())
            ? Number(value.trim())
            : Number.NaN;
      return Number.isFinite(number) && Math.abs(number) < 1e15
        ? { value: number }
        : { problem: E('answerNumber') };
    }
    case 'date': {
      const date = typeof value === 'string' ? value.trim() : '';
      return isIsoDate(date) ? { value: date } : { problem: E('answerDate') };
    }
    case 'choice': {
      const choice = typeof value === 'string' ? value.trim() : '';
      return field.options?.includes(choice) ? { value: choice } : { problem: E('answerChoice') };
    }
    case 'yes_no': {
      if (value === true || value === 'yes' || value === 'true') return { value: true };
      if (value === false || value === 'no' || value === 'false') return { value: false };
      return { problem: E('answerYesNo') };
    }
    case 'file': {
      const ids = Array.isArray(value) ? value : [value];
      if (ids.length > MOST_FILES || !ids.every(isUuid)) return { problem: E('answerFile') };
      return { value: [...new Set(ids.map((id) => id.toLowerCase()))] };
    }
  }
}

/**
 * Checks answers against a request form: every question by its type, required ones answered, no
 * answer to a question the form does not ask. Blank optional answers are left out.
 */
export function checkAnswers(fields: readonly FormField[], given: unknown): CheckedAnswers {
  const answers: Record<string, Answer> = {};
  const files: Record<string, string[]> = {};
  const problems: AnswerProblems = { fields: {}, labels: {} };
  const input = typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {};
  if (given !== undefined && given !== null && input !== given) problems.fields.answers = E('answersInvalid');
  const byKey = new Map(fields.map((field) => [field.key, field]));
  for (const key of Object.keys(input)) {
    if (!byKey.has(key)) problems.fields[`answers.${key}`] = E('answerUnknown');
  }
  for (const field of fields) {
    const name = `answers.${field.key}`;
    const value = (input as Record<string, unknown>)[field.key];
    if (isBlank(value)) {
      if (field.required) {
        problems.fields[name] = E('answerRequired');
        problems.labels[name] = field.label;
      }
      continue;
    }
    const checked = read(field, value);
    if ('problem' in checked) {
      problems.fields[name] = checked.problem;
      problems.labels[name] = field.label;
      continue;
    }
    answers[field.key] = checked.value;
    if (field.type === 'file') files[field.key] = checked.value as string[];
  }
  return Object.keys(problems.fields).length > 0 ? { answers, files, problems } : { answers, files };
}

/** The text of the answers, for full-text search: every text, choice and date answer. */
export function answersText(answers: Record<string, Answer>): string {
  return Object.values(answers)
    .filter((value) => typeof value === 'string')
    .join(' ');
}
