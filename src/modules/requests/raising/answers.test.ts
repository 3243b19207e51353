import { describe, expect, it } from 'vitest';
import type { FormField } from '../catalogue-port.js';
import { answersText, checkAnswers } from './answers.js';

const FORM: FormField[] = [
  { key: 'name', label: 'Name', type: 'text', required: true },
  { key: 'details', label: 'Details', type: 'long_text', required: false },
  { key: 'copies', label: 'Copies', type: 'number', required: true },
  { key: 'start', label: 'Start date', type: 'date', required: false },
  { key: 'size', label: 'Size', type: 'choice', required: true, options: ['A4', 'A3'] },
  { key: 'urgent', label: 'Is it urgent?', type: 'yes_no', required: true },
  { key: 'artwork', label: 'Artwork', type: 'file', required: false },
];
const E = (key: string) => `requests.errors.${key}`;

describe('answers checked against a request form', () => {
  it('takes every type in its stored form, as JSON or as a form’s strings, and leaves out blank optional answers', () => {
    const id = '0b0e3f9e-6a3c-4e53-9f9a-4b8d0a1f2c3d';
    expect(
      checkAnswers(FORM, {
        name: ' Ann ',
        details: '',
        copies: '12',
        start: '2026-03-27',
        size: 'A3',
        urgent: 'no',
        artwork: [id, id],
      }),
    ).toEqual({
      answers: { name: 'Ann', copies: 12, start: '2026-03-27', size: 'A3', urgent: false, artwork: [id] },
      files: { artwork: [id] },
    });
    expect(checkAnswers(FORM, { name: 'Ann', copies: 2.5, size: 'A4', urgent: true }).answers).toMatchObject({
      copies: 2.5,
      urgent: true,
    });
  });

  it('names each wrong or missing answer by its question, with the label for the message', () => {
    const { problems } = checkAnswers(FORM, {
      copies: 'twelve',
      start: '2026-02-30',
      size: 'A5',
      urgent: 'maybe',
      artwork: ['not-an-id'],
      colour: 'red',
    });
    expect(problems?.fields).toEqual({
      'answers.colour': E('answerUnknown'),
      'answers.name': E('answerRequired'),
      'answers.copies': E('answerNumber'),
      'answers.start': E('answerDate'),
      'answers.size': E('answerChoice'),
      'answers.urgent': E('answerYesNo'),
      'answers.artwork': E('answerFile'),
    });
    expect(problems?.labels['answers.urgent']).toBe('Is it urgent?');
  });

  it('refuses text too long for its question and answers that are not an object', () => {
    expect(
      checkAnswers(FORM, { name: 'x'.repeat(2001), copies: 1, size: 'A4', urgent: true }).problems?.fields,
    ).toEqual({
      'answers.name': E('answerText'),
    });
    expect(checkAnswers(FORM, ['x']).problems?.fields.answers).toBe(E('answersInvalid'));
  });

  it('gives the words of text answers for search', () => {
    expect(answersText({ name: 'Ann', copies: 3, size: 'A4', urgent: true })).toBe('Ann A4');
  });
});
