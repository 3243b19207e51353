import { inScope, type Database, type Tx } from '../../platform/db/index.js';
import { recordAudit } from '../audit/index.js';
import { catalogueRepository as repo } from './catalogue.repository.js';
import type {
  CalendarInput,
  FormField,
  Hours,
  OfferingInput,
  Targets,
  VariantInput,
} from './catalogue.schemas.js';

const HOST = 'MCC';
const MANAGER = 'service.manager@mercia.example';
const FROM = '2025-04-01';

const LINES: Array<{ code: string; name: string; teams: string[] }> = [
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
const AGREEMENTS: Record<string, string[]> = {
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

const CALENDARS: Array<Omit<CalendarInput, 'timeZone' | 'organisation'> & { owner: string }> = [
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

const POLICIES = [
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

const text = (label: string, required = true, hint?: string): FormField => ({
  key: key(label),
  label,
  type: 'text',
  required,
  ...(hint ? { hint } : {}),
});
const long = (label: string, required = true, hint?: string): FormField => ({
  key: key(label),
  label,
  type: 'long_text',
  required,
  ...(hint ? { hint } : {}),
});
const date = (label: string, required = true): FormField => ({
  key: key(label),
  label,
  type: 'date',
  required,
});
const number = (label: string, required = true, hint?: string): FormField => ({
  key: key(label),
  label,
  type: 'number',
  required,
  ...(hint ? { hint } : {}),
});
const choice = (label: string, options: string[]): FormField => ({
  key: key(label),
  label,
  type: 'choice',
  required: true,
  options,
});
const yesNo = (label: string): FormField => ({ key: key(label), label, type: 'yes_no', required: true });
const file = (label: string, required = false): FormField => ({
  key: key(label),
  label,
  type: 'file',
  required,
});
function key(label: string) {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 40);
}

type DemoOffering = Omit<OfferingInput, 'serviceLine' | 'slaPolicy' | 'status' | 'lgslId'> & {
  price: string;
  lgslId?: number;
};

// LGSL ids are given only where a Local Government Service List entry plausibly fits a back-office
// service; they are demonstration values.
const OFFERINGS: Record<string, DemoOffering[]> = {
  FIN: [
    {
      code: 'FIN-SUPPLIER-INVOICE',
      name: 'Supplier invoice processing',
      description: 'Match, approve and pay a supplier invoice.',
      unit: 'invoice',
      price: '3.85',
      approvalRequired: false,
      formFields: [
        text('Supplier name'),
        text('Invoice number'),
        number('Invoice total (£)'),
        file('Invoice copy', true),
      ],
    },
    {
      code: 'FIN-PAYSLIP',
      name: 'Monthly payroll',
      description: 'Pay one employee assignment for a month, with payslip.',
      unit: 'payslip',
      price: '4.42',
      approvalRequired: false,
      formFields: [],
    },
    {
      code: 'FIN-PAYROLL-CHANGE',
      name: 'Payroll change',
      description: 'Change pay, hours, allowances or deductions for an employee.',
      unit: 'request',
      price: '12.50',
      approvalRequired: true,
      formFields: [
        text('Employee number'),
        choice('Kind of change', ['Hours', 'Allowance', 'Deduction', 'Bank details']),
        date('Effective from'),
        long('Details'),
      ],
    },
    {
      code: 'FIN-NEW-SUPPLIER',
      name: 'New supplier set-up',
      description: 'Check and add a supplier to the finance system.',
      unit: 'request',
      price: '18.00',
      approvalRequired: true,
      formFields: [
        text('Supplier name'),
        text('Companies House number', false),
        yesNo('Has the supplier been through due diligence?'),
      ],
    },
    {
      code: 'FIN-SALES-INVOICE',
      name: 'Raise a sales invoice',
      description: 'Invoice a customer for goods or services provided.',
      unit: 'invoice',
      price: '6.20',
      approvalRequired: false,
      formFields: [text('Customer'), number('Amount (£)'), long('What the invoice is for')],
    },
  ],
  IT: [
    {
      code: 'IT-NEW-STARTER',
      name: 'New starter IT setup',
      description: 'Account, email, laptop and phone for someone joining.',
      unit: 'request',
      price: '95.00',
      approvalRequired: true,
      formFields: [
        text('Full name'),
        text('Job title'),
        date('Start date'),
        choice('Equipment', ['Laptop', 'Laptop and phone', 'None']),
      ],
    },
    {
      code: 'IT-PASSWORD-RESET',
      name: 'Password reset',
      description: 'Reset a password or unlock an account.',
      unit: 'request',
      price: '4.00',
      approvalRequired: false,
      formFields: [text('Username')],
    },
    {
      code: 'IT-LAPTOP',
      name: 'Laptop request',
      description: 'A new or replacement laptop, built to the standard image.',
      unit: 'item',
      price: '85.00',
      approvalRequired: true,
      formFields: [
        text('For whom'),
        choice('Reason', ['New post', 'Replacement', 'Accessibility need']),
        long('Anything else we should know', false),
      ],
    },
    {
      code: 'IT-FAULT',
      name: 'Report an IT fault',
      description: 'Something is broken or not working as it should.',
      unit: 'request',
      price: '22.00',
      approvalRequired: false,
      formFields: [
        text('What is affected'),
        long('What happened', true, 'Include any error message'),
        file('Screenshot'),
      ],
    },
    {
      code: 'IT-SOFTWARE',
      name: 'Software installation',
      description: 'Install approved software on a council device.',
      unit: 'request',
      price: '15.00',
      approvalRequired: true,
      formFields: [text('Software name'), text('Asset tag')],
    },
    {
      code: 'IT-LEAVER',
      name: 'Leaver IT closedown',
      description: 'Close accounts and collect equipment when someone leaves.',
      unit: 'request',
      price: '30.00',
      approvalRequired: false,
      formFields: [text('Full name'), date('Last working day')],
    },
  ],
  HR: [
    {
      code: 'HR-CONTRACT-CHANGE',
      name: 'Employment contract change',
      description: 'Vary a contract: hours, grade, location or end date.',
      unit: 'request',
      price: '28.00',
      approvalRequired: true,
      formFields: [
        text('Employee number'),
        choice('Change', ['Hours', 'Grade', 'Location', 'End date']),
        date('Effective from'),
        long('Details'),
      ],
    },
    {
      code: 'HR-DBS-CHECK',
      name: 'DBS check',
      description: 'A Disclosure and Barring Service check for a post that needs one.',
      unit: 'request',
      price: '21.50',
      approvalRequired: false,
      formFields: [
        text('Applicant name'),
        choice('Level', ['Basic', 'Standard', 'Enhanced', 'Enhanced with barred lists']),
      ],
    },
    {
      code: 'HR-NEW-STARTER',
      name: 'New starter contract',
      description: 'Issue a contract and add a new employee to the HR system.',
      unit: 'request',
      price: '45.00',
      approvalRequired: true,
      formFields: [text('Full name'), text('Post number'), date('Start date')],
    },
    {
      code: 'HR-REFERENCE',
      name: 'Employment reference',
      description: 'Provide a factual reference for a current or former employee.',
      unit: 'request',
      price: '9.00',
      approvalRequired: false,
      formFields: [text('Employee name'), text('Requested by')],
    },
    {
      code: 'HR-LEAVER',
      name: 'Leaver processing',
      description: 'Process a resignation or end of contract.',
      unit: 'request',
      price: '25.00',
      approvalRequired: false,
      formFields: [
        text('Employee number'),
        date('Last working day'),
        choice('Reason', ['Resignation', 'End of contract', 'Retirement', 'Other']),
      ],
    },
  ],
  LEGAL: [
    {
      code: 'LEG-CONTRACT-REVIEW',
      name: 'Contract review',
      description: 'Legal review of a contract before it is signed.',
      unit: 'hour',
      price: '78.00',
      approvalRequired: true,
      formFields: [text('Other party'), number('Contract value (£)'), file('Draft contract', true)],
    },
    {
      code: 'LEG-LITIGATION',
      name: 'Litigation matter',
      description: 'Conduct of a claim by or against the organisation.',
      unit: 'matter',
      price: '1450.00',
      approvalRequired: true,
      formFields: [text('Parties'), long('Summary of the claim'), date('Key deadline', false)],
    },
    {
      code: 'LEG-ADVICE',
      name: 'General legal advice',
      description: 'Advice on powers, duties and risks.',
      unit: 'hour',
      price: '72.00',
      approvalRequired: false,
      formFields: [long('Question')],
    },
    {
      code: 'LEG-FOI-REVIEW',
      name: 'Freedom of information internal review',
      description: 'Review a response to an information request on appeal.',
      unit: 'request',
      price: '120.00',
      approvalRequired: false,
      formFields: [text('Request reference'), file('Original response', true)],
    },
    {
      code: 'LEG-PROPERTY',
      name: 'Property transaction',
      description: 'Leases, licences, sales and purchases of land and buildings.',
      unit: 'matter',
      price: '950.00',
      approvalRequired: true,
      formFields: [text('Property address'), choice('Transaction', ['Lease', 'Licence', 'Sale', 'Purchase'])],
    },
  ],
  PRINT: [
    {
      code: 'PRT-BULK',
      name: 'Bulk print job',
      description: 'Print, fold and pack in volume.',
      unit: 'page',
      price: '0.04',
      approvalRequired: false,
      formFields: [
        number('Number of pages'),
        choice('Colour', ['Black and white', 'Colour']),
        file('Print-ready file', true),
      ],
    },
    {
      code: 'PRT-BUSINESS-CARDS',
      name: 'Business cards',
      description: 'A box of 250 cards in the house style.',
      unit: 'item',
      price: '18.00',
      approvalRequired: false,
      formFields: [text('Name on card'), text('Job title'), text('Phone')],
    },
    {
      code: 'PRT-POSTERS',
      name: 'Posters',
      description: 'A3 to A0 posters.',
      unit: 'item',
      price: '6.50',
      approvalRequired: false,
      formFields: [choice('Size', ['A3', 'A2', 'A1', 'A0']), number('Copies'), file('Artwork', true)],
    },
    {
      code: 'PRT-LEAFLETS',
      name: 'Leaflets',
      description: 'Folded leaflets printed in colour.',
      unit: 'page',
      price: '0.09',
      approvalRequired: false,
      formFields: [number('Copies'), file('Artwork', true)],
    },
    {
      code: 'PRT-POST',
      name: 'Outgoing post',
      description: 'Frank and send letters by second-class post.',
      unit: 'item',
      price: '0.85',
      approvalRequired: false,
      formFields: [number('Number of letters')],
    },
  ],
  PROP: [
    {
      code: 'PRP-REACTIVE',
      name: 'Reactive maintenance job',
      description: 'Repair something broken in a building.',
      unit: 'request',
      price: '65.00',
      approvalRequired: false,
      formFields: [
        text('Building'),
        text('Location in building'),
        long('What needs fixing'),
        yesNo('Is anyone at risk?'),
      ],
    },
    {
      code: 'PRP-ROOM-BOOKING',
      name: 'Room booking',
      description: 'Book a meeting room in a council building.',
      unit: 'hour',
      price: '12.00',
      approvalRequired: false,
      formFields: [text('Building'), date('Date'), number('Number of people')],
    },
    {
      code: 'PRP-PLANNED',
      name: 'Planned maintenance',
      description: 'Scheduled servicing of plant and equipment.',
      unit: 'request',
      price: '140.00',
      approvalRequired: true,
      formFields: [text('Building'), long('Work needed')],
    },
    {
      code: 'PRP-OFFICE-MOVE',
      name: 'Office move',
      description: 'Move desks, furniture and equipment.',
      unit: 'request',
      price: '310.00',
      approvalRequired: true,
      formFields: [text('From'), text('To'), date('Preferred date'), number('Number of desks')],
    },
    {
      code: 'PRP-CLEANING',
      name: 'Office cleaning',
      description: 'Regular cleaning of office space.',
      unit: 'square_metre',
      price: '1.35',
      approvalRequired: false,
      formFields: [text('Building'), number('Floor area (square metres)')],
    },
  ],
};

interface DemoVariant extends Partial<VariantInput> {
  partner: string;
  offering: string;
  policy?: string;
  price?: string;
}

const VARIANTS: DemoVariant[] = [
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

function pence(pounds: string): number {
  const [whole = '0', fraction = ''] = pounds.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/**
 * Loads the demo catalogue: six service lines, their offerings with prices and SLA policies, a
 * council-wide calendar, agreements, and local variants for Wyvern and the fire service. Adds only
 * what is missing. Runs as the host's service manager, since only service managers write the catalogue.
 */
export async function seedDemoCatalogue(
  db: Database,
  onProgress: (message: string) => void = () => {},
): Promise<number> {
  const admin = { orgIds: [] as string[], platformAdmin: true };
  const { orgs, managerId } = await inScope(db, admin, async (tx) => ({
    orgs: new Map(
      (await tx.selectFrom('organisations').select(['id', 'code']).execute()).map((o) => [o.code, o.id]),
    ),
    managerId: (await tx.selectFrom('users').select('id').where('email', '=', MANAGER).executeTakeFirst())
      ?.id,
  }));
  const hostId = orgs.get(HOST);
  if (!hostId || !managerId) return 0;
  const manager = { userId: managerId, orgIds: [hostId] };
  let added = 0;
  const audit = (tx: Tx, action: string, entityType: string, after: unknown) =>
    recordAudit(tx, {
      actorUserId: null,
      orgId: hostId,
      action,
      entityType,
      after: { ...(after as object), source: 'demo' },
    });

  const lineIds = await inScope(db, manager, async (tx) => {
    for (const line of LINES) {
      if (await repo.serviceLineByCode(tx, line.code)) continue;
      await repo.insertServiceLine(tx, {
        orgId: hostId,
        code: line.code,
        name: line.name,
        managerUserIds: [managerId],
        teams: line.teams,
      });
      await audit(tx, 'service-line.add', 'service_line', { code: line.code });
      added++;
    }
    return new Map((await repo.serviceLines(tx)).map((l) => [l.code, l.id]));
  });
  onProgress(`catalogue: ${LINES.length} service lines`);

  await inScope(db, admin, async (tx) => {
    const existing = await tx
      .withTables<{ service_agreements: { org_id: string; service_line_id: string } }>()
      .selectFrom('service_agreements')
      .select(['org_id', 'service_line_id'])
      .execute();
    for (const [partner, lines] of Object.entries(AGREEMENTS)) {
      const orgId = orgs.get(partner);
      if (!orgId) continue;
      for (const code of lines) {
        const serviceLineId = lineIds.get(code)!;
        if (existing.some((a) => a.org_id === orgId && a.service_line_id === serviceLineId)) continue;
        await repo.insertAgreement(tx, {
          orgId,
          hostOrgId: hostId,
          serviceLineId,
          validFrom: FROM,
          validTo: null,
        });
        added++;
      }
    }
  });
  onProgress('catalogue: agreements');

  await inScope(db, manager, async (tx) => {
    for (const calendar of CALENDARS) {
      if (await repo.calendarByCode(tx, calendar.code)) continue;
      await repo.insertCalendar(tx, orgs.get(calendar.owner)!, hostId, {
        ...calendar,
        timeZone: 'Europe/London',
        organisation: null,
      });
      added++;
    }
    for (const policy of POLICIES) {
      if (await repo.slaPolicyByCode(tx, policy.code)) continue;
      const calendar = (await repo.calendarByCode(tx, policy.calendar))!;
      await repo.insertSlaPolicy(tx, {
        orgId: calendar.orgId,
        hostOrgId: hostId,
        serviceLineId: lineIds.get(policy.line)!,
        calendarId: calendar.id,
        code: policy.code,
        name: policy.name,
        warningPercent: 75,
        pauseStates: ['awaiting_requester', 'awaiting_third_party'],
        targets: policy.targets,
      });
      added++;
    }
    onProgress('catalogue: calendars and SLA policies');

    for (const [lineCode, offerings] of Object.entries(OFFERINGS)) {
      const serviceLineId = lineIds.get(lineCode)!;
      const policy = (await repo.slaPolicyByCode(tx, `${lineCode}-STANDARD`))!;
      for (const demo of offerings) {
        if (await repo.offeringByCode(tx, demo.code)) continue;
        const { price, lgslId, ...rest } = demo;
        const input: OfferingInput = {
          ...rest,
          serviceLine: lineCode,
          slaPolicy: policy.code,
          status: 'active',
          lgslId: lgslId ?? null,
        };
        const offering = await repo.insertOffering(tx, hostId, serviceLineId, policy.id, input);
        await repo.recordHistory(tx, {
          orgId: hostId,
          hostOrgId: hostId,
          serviceLineId,
          entityType: 'offering',
          entityId: offering.id,
          version: 1,
          snapshot: { ...input, source: 'demo' },
          changedBy: null,
        });
        await repo.insertTariff(tx, {
          orgId: hostId,
          hostOrgId: hostId,
          serviceLineId,
          offeringId: offering.id,
          pence: pence(price),
          validFrom: FROM,
          validTo: null,
          createdBy: null,
        });
        await audit(tx, 'offering.add', 'offering', { code: demo.code });
        added++;
      }
      onProgress(`catalogue: ${lineCode} offerings`);
    }

    for (const demo of VARIANTS) {
      const offering = (await repo.offeringByCode(tx, demo.offering))!;
      const partnerId = orgs.get(demo.partner)!;
      if ((await repo.variants(tx, { offeringIds: [offering.id], orgIds: [partnerId] })).length) continue;
      if (demo.price) {
        await repo.insertTariff(tx, {
          orgId: partnerId,
          hostOrgId: hostId,
          serviceLineId: offering.serviceLineId,
          offeringId: offering.id,
          pence: pence(demo.price),
          validFrom: FROM,
          validTo: null,
          createdBy: null,
        });
      }
      const policy = demo.policy ? await repo.slaPolicyByCode(tx, demo.policy) : undefined;
      const variant = await repo.saveVariant(
        tx,
        offering,
        partnerId,
        {
          name: demo.name ?? null,
          description: demo.description ?? null,
          hidden: demo.hidden ?? false,
          extraFields: demo.extraFields ?? [],
          slaPolicy: demo.policy ?? null,
        },
        policy?.id ?? null,
      );
      await repo.recordHistory(tx, {
        orgId: partnerId,
        hostOrgId: hostId,
        serviceLineId: offering.serviceLineId,
        entityType: 'variant',
        entityId: variant.id,
        version: 1,
        snapshot: { ...demo, source: 'demo' },
        changedBy: null,
      });
      added++;
    }
    onProgress('catalogue: local variants');
  });
  return added;
}
