import { describe, expect, it } from 'vitest';
import { inputOf } from '../../../platform/api/index.js';
import {
  formFieldsOf,
  formFieldsText,
  OfferingBody,
  parseFormFieldsText,
  VariantBody,
} from './offerings.schemas.js';

const offering = inputOf(OfferingBody);

/** A form's questions, as typed, through the schema and the rules between them. */
function questions(text: string) {
  const checked = offering.fromForm({
    serviceLine: 'IT',
    code: 'IT-X',
    name: 'X',
    unit: 'item',
    slaPolicy: 'IT-STANDARD',
    formFields: parseFormFieldsText(text),
  });
  if (checked.errors) return { fields: [], errors: checked.errors };
  return formFieldsOf(checked.value.formFields, 'formFields');
}

describe('request form fields', () => {
  it('reads the one-line-per-question form and writes it back', () => {
    const { fields, errors } = questions(
      'Employee number | text | required | On your payslip\nKind of change | choice | required | | Hours, Grade\nNotes | long text',
    );
    expect(errors).toEqual({});
    expect(fields).toEqual([
      {
        key: 'employee_number',
        label: 'Employee number',
        type: 'text',
        required: true,
        hint: 'On your payslip',
      },
      {
        key: 'kind_of_change',
        label: 'Kind of change',
        type: 'choice',
        required: true,
        options: ['Hours', 'Grade'],
      },
      { key: 'notes', label: 'Notes', type: 'long_text', required: false },
    ]);
    expect(questions(formFieldsText(fields)).fields).toEqual(fields);
  });

  it.each([
    ['Colour | paint', 'catalogue.errors.fieldType'],
    ['Size | choice | required', 'catalogue.errors.fieldOptions'],
    ['Name | text\nName | text', 'catalogue.errors.fieldDuplicate'],
    ['Name | text | perhaps', 'catalogue.errors.fieldsInvalid'],
    ['| text', 'catalogue.errors.fieldLabel'],
    ['!!! | text', 'catalogue.errors.fieldLabel'],
    [
      Array.from({ length: 51 }, (_, i) => `Question ${i} | text`).join('\n'),
      'catalogue.errors.fieldsTooMany',
    ],
  ])('refuses %j', (text, message) => {
    expect(questions(text).errors).toEqual({ formFields: message });
  });
});

describe('the offering form', () => {
  it('reads codes in capitals, an empty LGSL id as none, and names each wrong field', () => {
    expect(
      offering.fromForm({
        serviceLine: 'it',
        code: 'it-x',
        name: 'X',
        unit: 'item',
        slaPolicy: 'it-standard',
        lgslId: '',
        approvalRequired: 'yes',
        status: 'active',
      }).value,
    ).toMatchObject({
      serviceLine: 'IT',
      code: 'IT-X',
      slaPolicy: 'IT-STANDARD',
      lgslId: null,
      approvalRequired: true,
    });
    expect(
      offering.fromForm({
        serviceLine: '',
        code: 'bad code!',
        name: '',
        unit: 'parsec',
        slaPolicy: '',
        lgslId: 'x',
      }).errors,
    ).toEqual({
      serviceLine: 'catalogue.errors.serviceLineMissing',
      code: 'catalogue.errors.codeFormat.40',
      name: 'catalogue.errors.nameMissing',
      lgslId: 'catalogue.errors.lgslFormat',
      unit: 'catalogue.errors.unitMissing',
      slaPolicy: 'catalogue.errors.slaPolicyMissing',
    });
  });

  it('reads an empty override of a variant as "as the standard"', () => {
    expect(
      inputOf(VariantBody).fromForm({ name: '', description: ' ', slaPolicy: '', hidden: 'yes' }).value,
    ).toEqual({
      name: null,
      description: null,
      slaPolicy: null,
      hidden: true,
      extraFields: [],
    });
  });
});
