import type { FormField } from '../offerings/offerings.schemas.js';
import type { Division, Hours } from '../calendars/calendars.schemas.js';
import type { Targets } from '../sla-policies/sla-policies.schemas.js';
import { text, yesNo } from './fields.js';

/** The demo partnership's catalogue: who keeps it, its lines, who takes them, calendars, SLA policies, variants. */

export const HOST = 'MCC';
export const MANAGER = 'service.manager@mercia.example';
export const FROM = '2025-04-01';

export const LINES: Array<{ code: string; name: string; teams: string[] }> = [
  { code: 'FIN', name: 'Finance', teams: ['Accounts payable', 'Payroll', 'Income'] },
  { code: 'IT', name: 'IT', teams: ['Service desk', 'Infrastructure', 'Applications'] },
  { code: 'HR', name: 'Personnel (HR) Administration', teams: ['Employee services', 'Recruitment'] },
  {
    code: 'LEGAL',
    name: 'Legal',
    teams: ['Commercial and property', 'Litigation', 'Information governance'],
  },
  { code: 'PRINT', name: 'Printing', teams: ['Print room', 'Post room'] },
  { code: 'PROP', name: 'Property', teams: ['Facilities', 'Estates'] },
];

/** Who takes which lines. The county council's own directorates take everything. */
export const AGREEMENTS: Record<string, string[]> = {
  'MCC-RES': LINES.map((l) => l.code),
  'MCC-CHS': LINES.map((l) => l.code),
  'MCC-ASC': LINES.map((l) => l.code),
  WDC: LINES.map((l) => l.code),
  MFRS: ['FIN', 'IT', 'HR', 'PRINT'],
  SVCT: ['FIN', 'HR'],
  BWF: ['PRINT', 'PROP'],
};

const OFFICE_HOURS: Hours = {
  monday: [
    ['08:30', '12:30'],
    ['13:15', '17:00'],
  ],
  tuesday: [
    ['08:30', '12:30'],
    ['13:15', '17:00'],
  ],
  wednesday: [
    ['08:30', '12:30'],
    ['13:15', '17:00'],
  ],
  thursday: [
    ['08:30', '12:30'],
    ['13:15', '17:00'],
  ],
  friday: [
    ['08:30', '12:30'],
    ['13:15', '16:30'],
  ],
};
const ALL_DAY: Array<[string, string]> = [['00:00', '24:00']];

export const CALENDARS: Array<{
  owner: string;
  code: string;
  name: string;
  hours: Hours;
  holidays: Division | null;
  closures: string[];
}> = [
  {
    owner: HOST,
    code: 'MCC-OFFICE',
    name: 'Mercia council offices',
    hours: OFFICE_HOURS,
    holidays: 'england-and-wales',
    closures: ['2026-12-24', '2026-12-29', '2026-12-30', '2026-12-31'],
  },
  {
    owner: HOST,
    code: 'MCC-24X7',
    name: 'Round the clock',
    hours: {
      monday: ALL_DAY,
      tuesday: ALL_DAY,
      wednesday: ALL_DAY,
      thursday: ALL_DAY,
      friday: ALL_DAY,
      saturday: ALL_DAY,
      sunday: ALL_DAY,
    },
    holidays: null,
    closures: [],
  },
  {
    owner: 'WDC',
    code: 'WDC-OFFICE',
    name: 'Wyvern District Council offices',
    hours: {
      monday: [['09:00', '17:00']],
      tuesday: [['09:00', '17:00']],
      wednesday: [['09:00', '17:00']],
      thursday: [['09:00', '17:00']],
      friday: [['09:00', '16:00']],
    },
    holidays: 'england-and-wales',
    closures: ['2026-12-24', '2027-01-04'],
  },
];

const min = (value: number) => ({ value, unit: 'working_minutes' as const });
const days = (value: number) => ({ value, unit: 'working_days' as const });
const STANDARD_TARGETS: Targets = {
  critical: { response: min(30), resolution: min(240) },
  high: { response: min(60), resolution: days(2) },
  medium: { response: min(240), resolution: days(5) },
  low: { response: days(1), resolution: days(10) },
};
const ROUND_THE_CLOCK_TARGETS: Targets = {
  critical: { response: min(15), resolution: min(120) },
  high: { response: min(30), resolution: min(480) },
  medium: { response: min(120), resolution: days(3) },
  low: { response: min(480), resolution: days(5) },
};

export const POLICIES = [
  ...LINES.map((line) => ({
    code: `${line.code}-STANDARD`,
    line: line.code,
    name: `${line.name} standard service`,
    calendar: 'MCC-OFFICE',
    targets: STANDARD_TARGETS,
  })),
  {
    code: 'IT-24X7',
    line: 'IT',
    name: 'IT round the clock (emergency services)',
    calendar: 'MCC-24X7',
    targets: ROUND_THE_CLOCK_TARGETS,
  },
  {
    code: 'IT-WDC',
    line: 'IT',
    name: 'IT on Wyvern office hours',
    calendar: 'WDC-OFFICE',
    targets: STANDARD_TARGETS,
  },
];

export interface DemoVariant {
  name?: string;
  description?: string;
  hidden?: boolean;
  extraFields?: FormField[];
  partner: string;
  offering: string;
  policy?: string;
  price?: string;
}

export const VARIANTS: DemoVariant[] = [
  {
    partner: 'WDC',
    offering: 'IT-NEW-STARTER',
    name: 'New starter IT setup (Wyvern)',
    extraFields: [text('Wyvern cost centre', true, 'Six digits, from your budget holder')],
  },
  { partner: 'WDC', offering: 'IT-FAULT', policy: 'IT-WDC' },
  { partner: 'WDC', offering: 'FIN-SUPPLIER-INVOICE', price: '3.60' },
  { partner: 'WDC', offering: 'PRT-BUSINESS-CARDS', hidden: true },
  {
    partner: 'WDC',
    offering: 'HR-DBS-CHECK',
    description: 'A DBS check for a post that needs one. Wyvern pays the DBS fee separately.',
  },
  {
    partner: 'MFRS',
    offering: 'IT-FAULT',
    name: 'Report an IT fault (stations and control room)',
    policy: 'IT-24X7',
  },
  { partner: 'MFRS', offering: 'IT-PASSWORD-RESET', policy: 'IT-24X7' },
  { partner: 'MFRS', offering: 'FIN-PAYSLIP', price: '4.10' },
  {
    partner: 'MFRS',
    offering: 'HR-DBS-CHECK',
    extraFields: [text('Fire station'), yesNo('Is the post operational?')],
  },
];
