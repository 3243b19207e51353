import '../catalogue.messages.js';
import { describe, expect, it } from 'vitest';
import { inputOf } from '../../../platform/api/index.js';
import { formFieldsOf, OfferingBody, type FormField } from './offerings.schemas.js';
import {
  applyAction,
  builderAction,
  draftsOf,
  questionProblems,
  questionValues,
  readQuestions,
  withQuestionProblems,
  type QuestionDraft,
} from './question-builder.js';

const draft = (label: string, more: Partial<QuestionDraft> = {}): QuestionDraft => ({
  key: '',
  label,
  type: 'text',
  required: 'no',
  hint: '',
  options: '',
  ...more,
});
const labels = (drafts: QuestionDraft[]) => drafts.map((d) => d.label);

describe('reading the builder from a posted form', () => {
  it('reads the questions in the order of their numbers, trimmed, and drops an empty one', () => {
    const body = {
      name: 'Laptop',
      'formFields-10-label': ' Third ',
      'formFields-10-type': 'yes_no',
      'formFields-2-label': 'Second',
      'formFields-2-type': 'choice',
      'formFields-2-required': 'yes',
      'formFields-2-options': 'Red\r\nGreen\n\n',
      'formFields-0-key': 'first_one',
      'formFields-0-label': 'First',
      'formFields-0-type': 'text',
      'formFields-0-hint': ' As on the card ',
      'formFields-5-label': '',
      'formFields-5-type': 'text',
      'formFields-5-required': 'no',
      'extraFields-0-label': 'Not this form',
      'formFields-1-label': ['an', 'array'],
    };
    const drafts = readQuestions(body, 'formFields');
    expect(drafts).toEqual([
      draft('First', { key: 'first_one', hint: 'As on the card' }),
      draft('Second', { type: 'choice', required: 'yes', options: 'Red\r\nGreen\n\n' }),
      draft('Third', { type: 'yes_no' }),
    ]);
    expect(questionValues(drafts)).toEqual([
      { key: 'first_one', label: 'First', type: 'text', required: false, hint: 'As on the card' },
      { label: 'Second', type: 'choice', required: true, options: ['Red', 'Green'] },
      { label: 'Third', type: 'yes_no', required: false },
    ]);
  });

  it('tells a builder button from the save button', () => {
    expect(builderAction({})).toBeUndefined();
    expect(builderAction({ questionAction: 'add' })).toEqual({ kind: 'add' });
    expect(builderAction({ questionAction: 'up-3' })).toEqual({ kind: 'up', index: 3 });
    expect(builderAction({ questionAction: 'down-0' })).toEqual({ kind: 'down', index: 0 });
    expect(builderAction({ questionAction: 'remove-12' })).toEqual({ kind: 'remove', index: 12 });
    for (const odd of ['up', 'up-', 'sideways-1', 'remove-1x', ['add'], 'remove-99999'])
      expect(builderAction({ questionAction: odd })).toBeUndefined();
  });
});

describe('the builder buttons', () => {
  const three = [draft('A'), draft('B'), draft('C')];

  it('adds an empty question at the end and focuses it', () => {
    const { questions, focus } = applyAction(three, { kind: 'add' });
    expect(labels(questions)).toEqual(['A', 'B', 'C', '']);
    expect(focus).toBe(3);
    expect(labels(three)).toEqual(['A', 'B', 'C']);
  });

  it('moves a question up or down and keeps the focus on it; at an end it stays', () => {
    expect(applyAction(three, { kind: 'up', index: 2 })).toMatchObject({ focus: 1 });
    expect(labels(applyAction(three, { kind: 'up', index: 2 }).questions)).toEqual(['A', 'C', 'B']);
    expect(labels(applyAction(three, { kind: 'down', index: 0 }).questions)).toEqual(['B', 'A', 'C']);
    expect(applyAction(three, { kind: 'up', index: 0 })).toEqual({ questions: three, focus: 0 });
    expect(applyAction(three, { kind: 'down', index: 2 })).toEqual({ questions: three, focus: 2 });
  });

  it('removes a question, focusing the one that took its place or the add button', () => {
    expect(applyAction(three, { kind: 'remove', index: 1 })).toEqual({
      questions: [three[0], three[2]],
      focus: 1,
    });
    expect(applyAction(three, { kind: 'remove', index: 2 })).toEqual({
      questions: [three[0], three[1]],
      focus: 'add',
    });
  });

  it('ignores a button for a question that is not there, and adds no 51st question', () => {
    expect(applyAction(three, { kind: 'remove', index: 7 }).questions).toEqual(three);
    const fifty = Array.from({ length: 50 }, (_, i) => draft(`Q${i}`));
    expect(applyAction(fifty, { kind: 'add' }).questions).toHaveLength(50);
  });
});

describe('what the builder refuses', () => {
  it('names every problem at once, on its own input, with the number of its question', () => {
    const problems = questionProblems(
      [
        draft('', { type: '' }),
        draft('Colour', { type: 'choice', options: 'Red\n \n' }),
        draft('colour', { hint: 'x'.repeat(501) }),
        draft('x'.repeat(201), { options: Array.from({ length: 101 }, () => 'a').join('\n') }),
      ],
      'extraFields',
    );
    expect(problems).toEqual({
      'extraFields-0-label': 'Enter the wording of question 1',
      'extraFields-0-type': 'Select the type of answer for question 1',
      'extraFields-1-options': 'Question 2 is a choice: enter at least two choices, one on each line',
      'extraFields-2-label': 'Question 3 has the same wording as question 2',
      'extraFields-2-hint': 'The hint of question 3 must be 500 characters or fewer',
      'extraFields-3-label': 'The wording of question 4 must be 200 characters or fewer',
      'extraFields-3-options': 'Question 4 can have at most 100 choices, each of 200 characters or fewer',
    });
  });

  it("puts its problems in place of the schema's one message for the list, beside the other fields' problems", () => {
    const drafts = [draft('Size', { type: 'choice', options: 'Large' })];
    const checked = inputOf(OfferingBody).fromForm({
      serviceLine: 'IT',
      code: 'IT-X',
      name: '',
      unit: 'item',
      slaPolicy: 'IT-STANDARD',
      formFields: questionValues(drafts),
    });
    expect(
      withQuestionProblems(checked, questionProblems(drafts, 'formFields'), 'formFields').errors,
    ).toEqual({
      name: 'catalogue.errors.nameMissing',
      'formFields-0-options': 'Question 1 is a choice: enter at least two choices, one on each line',
    });
    const fine = [draft('Size')];
    expect(withQuestionProblems(checked, questionProblems(fine, 'formFields'), 'formFields')).toBe(checked);
  });
});

describe('stored questions in the builder', () => {
  it('shows them as they were and saves them back unchanged, keys kept when a label changes', () => {
    const stored: FormField[] = [
      {
        key: 'employee_number',
        label: 'Employee number',
        type: 'text',
        required: true,
        hint: 'On your payslip',
      },
      { key: 'kind', label: 'Kind of change', type: 'choice', required: false, options: ['Hours', 'Grade'] },
    ];
    const drafts = draftsOf(stored);
    expect(drafts[1]!.options).toBe('Hours\nGrade');
    const again = inputOf(OfferingBody).fromForm({
      serviceLine: 'IT',
      code: 'IT-X',
      name: 'X',
      unit: 'item',
      slaPolicy: 'IT-STANDARD',
      formFields: questionValues(drafts),
    });
    expect(formFieldsOf(again.value!.formFields, 'formFields').fields).toEqual(stored);
    const renamed = questionValues([{ ...drafts[0]!, label: 'Payroll number' }]);
    expect(renamed[0]).toMatchObject({ key: 'employee_number', label: 'Payroll number' });
  });
});
