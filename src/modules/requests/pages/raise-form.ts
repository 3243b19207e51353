/**
 * The "raise a request" form: the offering's questions as GOV.UK components, read back into the
 * answers `raise` takes, with every problem of the form found in one pass and named by its question.
 */
import { inputOf } from '../../../platform/api/index.js';
import { readDateInput, translate, type DateInputField } from '../../../platform/web/index.js';
import type { FormField } from '../catalogue-port.js';
import { checkAnswers } from '../raising/answers.js';
import { RaiseInput } from '../requests.schemas.js';

/** A problem of the form, in words, and the id of the input its summary link goes to. */
export interface Problem {
  text: string;
  href: string;
}

/** The name (and id) of a question's input. */
export const answerName = (key: string) => `answer-${key}`;

/** A question as the form shows it: its component, its value as typed, and its problem if any. */
export interface Question extends FormField {
  name: string;
  value: string;
  date?: DateInputField;
  error?: string;
}

export interface ReadForm {
  /** What `raise` takes, less the files' ids (added once the files are kept). */
  input: { offering: string; subject: string; priority: string; answers: Record<string, unknown> };
  questions: Question[];
  /** In the order of the page: subject, the questions, priority. */
  problems: Problem[];
  fields: Record<string, { text: string }>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Words for an answer's problem, naming its question by label. */
export function answerProblem(key: string, label: string): string {
  return translate(key, { label });
}

/** The questions filled in from a form body (empty for a new form). */
export function questionsOf(fields: readonly FormField[], body: Record<string, unknown> = {}): Question[] {
  return fields.map((field) => {
    const name = answerName(field.key);
    if (field.type === 'date')
      return {
        ...field,
        name,
        value: '',
        date: readDateInput(body, name, { what: `“${field.label}”`, optional: true }),
      };
    return { ...field, name, value: text(body[name]) };
  });
}

/**
 * Reads the form: the subject and priority by the schema, the answers by the offering's questions
 * (file questions by whether files were chosen; `filesChosen` names them). Every problem at once.
 */
export function readRaiseForm(
  offering: string,
  fields: readonly FormField[],
  body: Record<string, unknown>,
  filesChosen: ReadonlySet<string>,
): ReadForm {
  const questions = questionsOf(fields, body);
  const problems = new Map<string, Problem>();
  const top = inputOf(RaiseInput).fromForm({
    offering,
    subject: body.subject ?? '',
    priority: body.priority ?? '',
  });
  const topErrors = top.errors ?? {};

  const answers: Record<string, unknown> = {};
  const dateErrors = new Map<string, DateInputField>();
  for (const question of questions) {
    if (question.type === 'file') continue;
    if (question.date) {
      // A date typed wrongly is said in the date input's words; a missing one by `checkAnswers`.
      if (question.date.error) dateErrors.set(question.key, question.date);
      else if (question.date.value) answers[question.key] = question.date.value;
      continue;
    }
    if (question.value.trim() !== '') answers[question.key] = question.value;
  }
  const checked = checkAnswers(
    fields.filter((field) => field.type !== 'file' && !dateErrors.has(field.key)),
    answers,
  );

  if (topErrors.subject) problems.set('subject', { text: translate(topErrors.subject), href: '#subject' });
  for (const question of questions) {
    const date = dateErrors.get(question.key);
    let error: string | undefined;
    if (date) error = date.error;
    else if (question.type === 'file') {
      if (question.required && !filesChosen.has(question.name))
        error = answerProblem('requests.errors.answerRequired', question.label);
    } else {
      const key = checked.problems?.fields[`answers.${question.key}`];
      if (key) error = answerProblem(key, question.label);
    }
    if (!error) continue;
    question.error = error;
    const href =
      question.type === 'date' ? `#${question.name}-${date?.invalid[0] ?? 'day'}` : `#${question.name}`;
    problems.set(question.name, { text: error, href });
  }
  if (topErrors.priority)
    problems.set('priority', { text: translate(topErrors.priority), href: '#priority' });
  for (const [name, key] of Object.entries(topErrors))
    if (!problems.has(name)) problems.set(name, { text: translate(key), href: `#${name}` });

  const fieldsOut: Record<string, { text: string }> = {};
  for (const [name, problem] of problems) fieldsOut[name] = { text: problem.text };
  return {
    input: {
      offering,
      subject: text(body.subject).trim(),
      priority: text(body.priority) || 'medium',
      answers: checked.answers,
    },
    questions,
    problems: [...problems.values()],
    fields: fieldsOut,
  };
}
