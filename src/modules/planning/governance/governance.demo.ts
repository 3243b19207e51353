import { sql } from 'kysely';
import { inScope, type Database } from '../../../platform/db/index.js';
import { actingAs } from '../../metering/index.js';
import { governanceService, type DecisionInput, type SeatInput } from './governance.service.js';

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

/** The demo joint committee: a member and a substitute for the host and each live partner. */
const SEATS: SeatInput[] = [
  [
    'MCC',
    '2024-04-01',
    'Cllr Margaret Hale',
    'Leader of the Council',
    'Cllr Tom Ashby',
    'Cabinet Member for Resources',
  ],
  ['WDC', '2024-04-01', 'Cllr Priya Natarajan', 'Leader of the Council', 'Cllr Owen Price', 'Deputy Leader'],
  [
    'MFRS',
    '2025-04-01',
    'Cllr David Okafor',
    'Chair of the Fire Authority',
    'Cllr Rhian Lewis',
    'Vice-Chair',
  ],
  ['SVCT', '2025-10-01', 'Ann Whitfield', 'Chair of Trustees', 'Samir Haddad', 'Treasurer'],
].map(([organisation, effectiveFrom, memberName, memberJobTitle, substituteName, substituteJobTitle]) => ({
  organisation: organisation!,
  effectiveFrom: effectiveFrom!,
  memberName: memberName!,
  memberJobTitle: memberJobTitle!,
  memberEmail: null,
  substituteName: substituteName!,
  substituteJobTitle: substituteJobTitle!,
  substituteEmail: null,
}));

const DECISIONS: DecisionInput[] = [
  {
    title: 'Quarter 1 report pack',
    resolution:
      'That the committee notes the quarter 1 report pack, including SLA performance and savings against plan.',
    votes: [
      { organisation: 'MCC', vote: 'for' },
      { organisation: 'WDC', vote: 'for' },
      { organisation: 'MFRS', vote: 'for' },
    ],
  },
  {
    title: 'Admission of Brightwater Facilities Ltd',
    resolution:
      'That Brightwater Facilities Ltd be admitted for printing and property services from 1 April 2027, subject to the Teckal indicator staying below 20%.',
    votes: [
      { organisation: 'MCC', vote: 'for' },
      { organisation: 'WDC', vote: 'against' },
      { organisation: 'MFRS', vote: 'abstain' },
    ],
  },
];

/** Loads the demo committee, a confirmed meeting with its decisions, and the next meeting, once. */
export async function seedDemoGovernance(
  db: Database,
  options: { onProgress?: (message: string) => void } = {},
): Promise<number> {
  const already = await inScope(db, OPERATOR, async (tx) =>
    Number((await sql<{ n: string }>`select count(*) as n from committee_meetings`.execute(tx)).rows[0]!.n),
  );
  if (already > 0) return 0;
  const caller = { principal: await actingAs(db, 'executive@mercia.example', ['executive']) };
  const governance = governanceService(db);
  for (const seat of SEATS) await governance.setSeat(caller, seat);
  const held = await governance.addMeeting(caller, {
    heldOn: '2026-09-17',
    title: 'Joint Committee',
    location: 'Council Chamber, County Hall',
  });
  await governance.recordAttendance(caller, held, {
    attendance: [
      { organisation: 'MCC', attended: 'member' },
      { organisation: 'WDC', attended: 'substitute' },
      { organisation: 'MFRS', attended: 'member' },
      { organisation: 'SVCT', attended: 'absent' },
    ],
  });
  for (const decision of DECISIONS) await governance.addDecision(caller, held, decision);
  await governance.confirm(caller, held);
  await governance.addMeeting(caller, {
    heldOn: '2026-12-17',
    title: 'Joint Committee',
    location: 'Wyvern House, Committee Room 2',
  });
  options.onProgress?.('joint committee: 4 seats, 2 meetings');
  return SEATS.length + 2;
}
