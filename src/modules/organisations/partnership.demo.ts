import { sql } from 'kysely';
import { inScope, type Database } from '../../platform/db/index.js';
import { addDays, londonDate } from '../../kernel/dates.js';
import type { PartnershipStage } from '../../kernel/partnership-stages.js';
import { actingAs } from '../metering/index.js';
import { partnershipServices } from './partnership.js';
import type { TermsInput } from './terms/terms.service.js';
import type { ProspectInput } from './pipeline/pipeline.service.js';

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

/** The terms agreed with the demo partners: signed versions, and a draft being negotiated. */
const TERMS: Array<{ organisation: string; terms: TermsInput; signed?: { on: string; by: string } }> = [
  {
    organisation: 'WDC',
    terms: {
      effectiveFrom: '2024-04-01',
      reviewOn: '2027-03-31',
      noticeMonths: 12,
      exitCostSharing:
        'Redundancy, ICT separation and TUPE costs shared in proportion to the last full year of charges',
      dataSharingRole: 'controller',
      notes: 'Founding agreement',
      lines: [
        { serviceLine: 'HR', chargingModel: 'cost_pool' },
        { serviceLine: 'LEGAL', chargingModel: 'purchased_hours' },
        { serviceLine: 'PROP', chargingModel: 'fixed_contribution' },
      ],
    },
    signed: { on: '2024-03-18', by: 'Dr Helen Marsh, Chief Executive' },
  },
  {
    organisation: 'WDC',
    terms: {
      effectiveFrom: '2026-04-01',
      reviewOn: '2029-03-31',
      noticeMonths: 18,
      exitCostSharing:
        'Redundancy, ICT separation and TUPE costs shared in proportion to the last full year of charges',
      dataSharingRole: 'controller',
      notes: 'Variation: longer notice period, and IT and printing charged per unit',
      lines: [
        { serviceLine: 'HR', chargingModel: 'cost_pool' },
        { serviceLine: 'IT', chargingModel: 'per_unit' },
        { serviceLine: 'LEGAL', chargingModel: 'purchased_hours' },
        { serviceLine: 'PRINT', chargingModel: 'per_unit' },
        { serviceLine: 'PROP', chargingModel: 'fixed_contribution' },
      ],
    },
    signed: { on: '2026-03-02', by: 'Dr Helen Marsh, Chief Executive' },
  },
  {
    organisation: 'MFRS',
    terms: {
      effectiveFrom: '2025-04-01',
      reviewOn: '2028-03-31',
      noticeMonths: 12,
      exitCostSharing: 'The leaving partner bears its own exit costs',
      dataSharingRole: 'controller',
      notes: '',
      lines: [
        { serviceLine: 'HR', chargingModel: 'cost_pool' },
        { serviceLine: 'IT', chargingModel: 'per_unit' },
        { serviceLine: 'FIN', chargingModel: 'per_unit' },
      ],
    },
    signed: { on: '2025-02-27', by: 'Chief Fire Officer' },
  },
  {
    organisation: 'SVCT',
    terms: {
      effectiveFrom: '2025-10-01',
      reviewOn: '2027-09-30',
      noticeMonths: 6,
      exitCostSharing: 'Each party bears its own',
      dataSharingRole: 'controller',
      notes: '',
      lines: [
        { serviceLine: 'HR', chargingModel: 'cost_pool' },
        { serviceLine: 'FIN', chargingModel: 'fixed_contribution' },
      ],
    },
    signed: { on: '2025-09-12', by: 'Chair of Trustees' },
  },
  {
    organisation: 'BWF',
    terms: {
      effectiveFrom: '2027-04-01',
      reviewOn: '2028-03-31',
      noticeMonths: 3,
      exitCostSharing: 'Brightwater bears its own exit costs',
      dataSharingRole: 'processor',
      notes: 'Draft under negotiation',
      lines: [
        { serviceLine: 'PRINT', chargingModel: 'per_unit' },
        { serviceLine: 'PROP', chargingModel: 'per_unit' },
      ],
    },
  },
];

/** The pipeline: each body's path through the stages, with the date of each move. */
const PIPELINE: Array<{
  name: string;
  kind: ProspectInput['kind'];
  organisation?: string;
  nextStep?: string;
  nextStepInDays?: number;
  path: Array<[PartnershipStage, string]>;
}> = [
  {
    name: 'Wyvern District Council',
    kind: 'local_authority',
    organisation: 'WDC',
    nextStep: 'Annual review of the HR driver values',
    nextStepInDays: 60,
    path: [
      ['interested', '2023-06-01'],
      ['negotiating', '2023-09-14'],
      ['onboarding', '2024-01-10'],
      ['live', '2024-04-01'],
    ],
  },
  {
    name: 'Mercia Fire and Rescue Service',
    kind: 'fire_and_rescue',
    organisation: 'MFRS',
    path: [
      ['interested', '2024-05-02'],
      ['negotiating', '2024-08-20'],
      ['onboarding', '2025-01-06'],
      ['live', '2025-04-01'],
    ],
  },
  {
    name: 'Severn Vale Community Trust',
    kind: 'voluntary',
    organisation: 'SVCT',
    path: [
      ['interested', '2025-02-11'],
      ['negotiating', '2025-05-19'],
      ['onboarding', '2025-08-01'],
      ['live', '2025-10-01'],
    ],
  },
  {
    name: 'Brightwater Facilities Ltd',
    kind: 'private',
    organisation: 'BWF',
    nextStep: 'Agree the printing tariff and sign the agreement',
    nextStepInDays: 21,
    path: [
      ['interested', '2026-03-03'],
      ['negotiating', '2026-06-15'],
      ['onboarding', '2026-10-05'],
    ],
  },
  {
    name: 'West Mercia Police',
    kind: 'police',
    nextStep: 'Share the what-if for payroll and finance',
    nextStepInDays: 14,
    path: [['interested', '2026-09-22']],
  },
  {
    name: 'Northfield Borough Council',
    kind: 'local_authority',
    nextStep: 'Introductory meeting with the section 151 officer',
    nextStepInDays: 30,
    path: [],
  },
  {
    name: 'Teme Valley Housing Association',
    kind: 'voluntary',
    path: [
      ['interested', '2025-11-03'],
      ['negotiating', '2026-02-09'],
      ['left', '2026-05-28'],
    ],
  },
];

/**
 * Loads the demo partnership's terms and pipeline as the host's executive, when there is none yet.
 * Moves are written with their historical dates, through the same use cases people use.
 */
export async function seedDemoPartnership(
  db: Database,
  options: { onProgress?: (message: string) => void } = {},
): Promise<number> {
  const already = await inScope(db, OPERATOR, async (tx) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from partnership_prospects`.execute(tx)).rows[0]!.n,
    ),
  );
  if (already > 0) return 0;
  const principal = await actingAs(db, 'executive@mercia.example', ['executive']);
  const caller = { principal };
  const { pipeline, terms } = partnershipServices(db);
  const orgIds = await inScope(db, OPERATOR, async (tx) =>
    Object.fromEntries(
      (await sql<{ id: string; code: string }>`select id, code from organisations`.execute(tx)).rows.map(
        (r) => [r.code, r.id],
      ),
    ),
  );
  let added = 0;
  for (const [index, entry] of TERMS.entries()) {
    const version = await terms.draft(caller, orgIds[entry.organisation]!, entry.terms);
    if (entry.signed)
      await terms.sign(caller, orgIds[entry.organisation]!, version.id, {
        signedOn: entry.signed.on,
        signedForPartner: entry.signed.by,
      });
    added++;
    options.onProgress?.(`agreement terms: ${index + 1}/${TERMS.length}`);
  }
  const today = londonDate();
  for (const [index, entry] of PIPELINE.entries()) {
    const joined = entry.path[0] ? addDays(entry.path[0][1], -45) : addDays(today, -10);
    const prospect = await pipeline.add(
      caller,
      {
        name: entry.name,
        kind: entry.kind,
        organisation: entry.organisation ?? null,
        owner: 'executive@mercia.example',
        nextStep: entry.nextStep ?? '',
        nextStepDue: entry.nextStepInDays ? addDays(today, entry.nextStepInDays) : null,
        notes: '',
      },
      joined,
    );
    for (const [stage, on] of entry.path)
      await pipeline.move(caller, prospect.id, { stage, movedOn: on, note: '' });
    added++;
    options.onProgress?.(`pipeline: ${index + 1}/${PIPELINE.length}`);
  }
  return added;
}
