import { describe, expect, it } from 'vitest';
import { formatPounds, parsePence } from '../../kernel/money.js';
import {
  formFieldsText,
  parseFormFieldsText,
  parseIntervalsText,
  parseMinutes,
  parseTariffCsv,
  validateCalendar,
  validateFormFields,
  validateSlaPolicy,
  validateTariff,
} from './catalogue.schemas.js';

describe('money', () => {
  it.each([
    ['12.50', 1250],
    ['£4.42', 442],
    ['7', 700],
    ['0.1', 10],
    ['0.07', 7],
    ['1,250.00', 125000],
    ['0.29', 29],
    ['10000000.00', 1_000_000_000],
  ])('reads %s exactly', (text, pence) => {
    expect(parsePence(text)).toEqual({ pence });
  });

  it('refuses prices over ten million pounds', () => {
    expect(parsePence('10000000.01')).toEqual({ problem: 'tooLarge' });
    expect(parsePence('123456789')).toEqual({ problem: 'tooLarge' });
  });

  it.each([
    ['-1.00', 'negative'],
    ['-£3', 'negative'],
    ['', 'missing'],
    ['abc', 'format'],
    ['1.234', 'format'],
    ['1e3', 'format'],
    ['NaN', 'format'],
  ])('refuses %s as %s', (text, problem) => {
    expect(parsePence(text)).toEqual({ problem });
  });

  it('formats pence as pounds', () => {
    expect(formatPounds(1250)).toBe('12.50');
    expect(formatPounds('7')).toBe('0.07');
    expect(formatPounds(0)).toBe('0.00');
  });
});

describe('tariff CSV', () => {
  it('reads rows with their line numbers, quoted fields and a byte order mark', () => {
    const parsed = parseTariffCsv(
      '\uFEFFoffering,organisation,unit_price,valid_from,valid_to\r\nIT-LAPTOP,,85.00,2026-04-01,\r\n\r\n"IT-FAULT","WDC","1,020.00",2026-04-01,2027-03-31\n',
    );
    expect(parsed).toEqual({
      rows: [
        {
          line: 2,
          values: {
            offering: 'IT-LAPTOP',
            organisation: '',
            unit_price: '85.00',
            valid_from: '2026-04-01',
            valid_to: '',
          },
        },
        {
          line: 4,
          values: {
            offering: 'IT-FAULT',
            organisation: 'WDC',
            unit_price: '1,020.00',
            valid_from: '2026-04-01',
            valid_to: '2027-03-31',
          },
        },
      ],
    });
  });

  it('insists on the header', () => {
    expect(parseTariffCsv('code,price\nA,1')).toEqual({ problem: 'catalogue.errors.csvHeader' });
    expect(parseTariffCsv('')).toEqual({ problem: 'catalogue.errors.csvEmpty' });
  });

  it('checks each price', () => {
    expect(validateTariff({ offering: 'x', unitPrice: '-2', validFrom: '2026-02-30' }).errors).toEqual({
      unitPrice: 'catalogue.errors.priceNegative',
      validFrom: 'catalogue.errors.dateFormat',
    });
    expect(
      validateTariff({ offering: 'x', unitPrice: '2', validFrom: '2026-04-01', validTo: '2026-03-01' })
        .errors,
    ).toEqual({
      validTo: 'catalogue.errors.validToBeforeFrom',
    });
  });
});

describe('request form fields', () => {
  it('reads the one-line-per-question form and writes it back', () => {
    const text =
      'Employee number | text | required | On your payslip\nKind of change | choice | required | | Hours, Grade\nNotes | long text';
    const errors = {};
    const fields = validateFormFields(parseFormFieldsText(text), 'formFields', errors);
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
    expect(validateFormFields(parseFormFieldsText(formFieldsText(fields)), 'f', {})).toEqual(fields);
  });

  it('refuses unknown types, choices without options and duplicates', () => {
    const check = (text: string) => {
      const errors: Record<string, string> = {};
      validateFormFields(parseFormFieldsText(text), 'formFields', errors);
      return errors.formFields;
    };
    expect(check('Colour | paint')).toBe('catalogue.errors.fieldType');
    expect(check('Size | choice | required')).toBe('catalogue.errors.fieldOptions');
    expect(check('Name | text\nName | text')).toBe('catalogue.errors.fieldDuplicate');
  });
});

describe('calendars', () => {
  const valid = {
    code: 'X-CAL',
    name: 'X',
    hours: { monday: [['09:00', '17:00']] },
    holidays: 'scotland',
    closures: ['2026-12-24'],
  };

  it('accepts a calendar and defaults the zone to Europe/London', () => {
    const { value, errors } = validateCalendar(valid);
    expect(errors).toEqual({});
    expect(value.timeZone).toBe('Europe/London');
  });

  it("names the kernel's code for an unknown zone or a backwards interval", () => {
    expect(validateCalendar({ ...valid, timeZone: 'Mars/Olympus' })).toMatchObject({
      code: 'ERR_INVALID_TIME_ZONE',
      errors: { timeZone: 'catalogue.errors.timeZoneUnknown' },
    });
    expect(validateCalendar({ ...valid, hours: { tuesday: [['17:00', '09:00']] } })).toMatchObject({
      code: 'ERR_INVALID_INTERVAL',
      errors: { 'hours.tuesday': 'catalogue.errors.intervalInvalid' },
    });
    expect(validateCalendar({ ...valid, closures: ['2026-13-01'] })).toMatchObject({
      code: 'ERR_VALIDATION',
      errors: { closures: 'catalogue.errors.closuresFormat' },
    });
  });

  it('reads opening hours as typed', () => {
    expect(parseIntervalsText('8:30-12:30, 13:15 - 17:00')).toEqual([
      ['08:30', '12:30'],
      ['13:15', '17:00'],
    ]);
    expect(parseIntervalsText('')).toEqual([]);
    expect(parseIntervalsText('nine to five')).toBeUndefined();
  });

  it('takes minutes as a whole number within a year', () => {
    expect(parseMinutes('60')).toBe(60);
    expect(parseMinutes(0)).toBe(0);
    expect(parseMinutes('-5')).toBeUndefined();
    expect(parseMinutes('abc')).toBeUndefined();
    expect(parseMinutes('1.5')).toBeUndefined();
    expect(parseMinutes('525601')).toBeUndefined();
  });
});

describe('SLA policies', () => {
  const targets = Object.fromEntries(
    ['critical', 'high', 'medium', 'low'].map((p) => [
      p,
      { response: { value: 30, unit: 'working_minutes' }, resolution: { value: 2, unit: 'working_days' } },
    ]),
  );
  it('accepts targets per priority', () => {
    expect(
      validateSlaPolicy({
        serviceLine: 'IT',
        code: 'P',
        name: 'P',
        calendar: 'C',
        warningPercent: 75,
        pauseStates: ['on_hold'],
        targets,
      }).errors,
    ).toEqual({ code: 'catalogue.errors.codeFormat' });
  });
  it('refuses a resolution shorter than the response, and unknown states', () => {
    const { errors } = validateSlaPolicy({
      serviceLine: 'IT',
      code: 'IT-P',
      name: 'P',
      calendar: 'C',
      warningPercent: 100,
      pauseStates: ['sleeping'],
      targets: {
        ...targets,
        low: {
          response: { value: 2, unit: 'working_days' },
          resolution: { value: 60, unit: 'working_minutes' },
        },
      },
    });
    expect(errors).toEqual({
      warningPercent: 'catalogue.errors.warningRange',
      pauseStates: 'catalogue.errors.pauseStateUnknown',
      'targets.low.resolution': 'catalogue.errors.resolutionBeforeResponse',
    });
  });
});
