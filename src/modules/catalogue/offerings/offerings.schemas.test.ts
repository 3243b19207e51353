import { describe, expect, it } from 'vitest';
import { inputOf } from '../../../platform/api/index.js';
import { formFieldsOf, OfferingBody, VariantBody } from './offerings.schemas.js';

const offering = inputOf(OfferingBody);

/** A form's questions, as the API takes them, through the schema and the rules between them. */
function questions(formFields: unknown[]) {
  const checked = offering.fromForm({
    serviceLine: 'IT',
    code: 'IT-X',
    name: 'X',
    unit: 'item',
    slaPolicy: 'IT-STANDARD',
    formFields,
  });
  if (checked.errors) return { fields: [], errors: checked.errors };
  return formFieldsOf(checked.value.formFields, 'formFields');
}

describe('request form fields', () => {
  it('makes each key from its label unless given, and keeps choices only for a choice', () => {
    const { fields, errors } = questions([
      { label: 'Employee number', type: 'text', required: true, hint: 'On your payslip' },
      { label: 'Kind of change', type: 'choice', required: true, options: ['Hours', 'Grade', ''] },
      { key: 'free_text', label: 'Notes', type: 'long_text', options: ['ignored'] },
    ]);
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
      { key: 'free_text', label: 'Notes', type: 'long_text', required: false },
    ]);
  });

  it.each([
    [[{ label: 'Colour', type: 'paint' }], 'catalogue.errors.fieldType'],
    [[{ label: 'Size', type: 'choice', options: ['Large'] }], 'catalogue.errors.fieldOptions'],
    [
      [
        { label: 'Name', type: 'text' },
        { label: 'name', type: 'text' },
      ],
      'catalogue.errors.fieldDuplicate',
    ],
    [[{ label: 'Name', type: 'text', required: 'perhaps' }], 'catalogue.errors.fieldsInvalid'],
    [[{ label: '', type: 'text' }], 'catalogue.errors.fieldLabel'],
    [[{ label: '!!!', type: 'text' }], 'catalogue.errors.fieldLabel'],
    [
      Array.from({ length: 51 }, (_, i) => ({ label: `Question ${i}`, type: 'text' })),
      'catalogue.errors.fieldsTooMany',
    ],
  ])('refuses %j', (formFields, message) => {
    expect(questions(formFields).errors).toEqual({ formFields: message });
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
