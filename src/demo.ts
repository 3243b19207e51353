import { hashPassword, type Role } from './platform/auth/index.js';
import { inScope, type Database } from './platform/db/index.js';
import { identityRepository } from './modules/identity/index.js';
import {
  organisationsRepository,
  seedDemoPartnership,
  type OrganisationInput,
} from './modules/organisations/index.js';
import { recordAudit, recordHostAudit } from './modules/audit/index.js';
import { seedDemoCatalogue } from './modules/catalogue/index.js';
import { seedDemoBilling } from './modules/billing/index.js';
import { seedDemoGovernance } from './modules/planning/index.js';
import { seedDemoRequests } from './modules/requests/index.js';

/** The password every demo account shares; printed at start and in the README. Never for real data. */
export const DEMO_PASSWORD = 'Tandem-Demo-2026!';

type DemoOrganisation = Omit<OrganisationInput, 'parentId'> & { parentCode?: string };

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    code: 'MCC',
    name: 'Mercia County Council',
    role: 'host',
    kind: 'local_authority',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'MCC-RES',
    name: 'Mercia County Council: Resources',
    role: 'partner',
    kind: 'internal_directorate',
    parentCode: 'MCC',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'MCC-CHS',
    name: "Mercia County Council: Children's Services",
    role: 'partner',
    kind: 'internal_directorate',
    parentCode: 'MCC',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'MCC-ASC',
    name: 'Mercia County Council: Adult Social Care',
    role: 'partner',
    kind: 'internal_directorate',
    parentCode: 'MCC',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'WDC',
    name: 'Wyvern District Council',
    role: 'partner',
    kind: 'local_authority',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'MFRS',
    name: 'Mercia Fire and Rescue Service',
    role: 'partner',
    kind: 'fire_and_rescue',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'SVCT',
    name: 'Severn Vale Community Trust',
    role: 'partner',
    kind: 'voluntary',
    bankHolidayDivision: 'england-and-wales',
  },
  {
    code: 'BWF',
    name: 'Brightwater Facilities Ltd',
    role: 'partner',
    kind: 'private',
    bankHolidayDivision: 'england-and-wales',
  },
];

export interface DemoUser {
  email: string;
  name: string;
  memberships: Array<{ org: string; roles: Role[] }>;
}

export const DEMO_USERS: DemoUser[] = [
  {
    email: 'admin@mercia.example',
    name: 'Amrit Sandhu',
    memberships: [{ org: 'MCC', roles: ['platform_administrator'] }],
  },
  { email: 'agent@mercia.example', name: 'Bethan Price', memberships: [{ org: 'MCC', roles: ['agent'] }] },
  {
    email: 'teamlead@mercia.example',
    name: 'Callum Reid',
    memberships: [{ org: 'MCC', roles: ['team_lead', 'agent'] }],
  },
  {
    email: 'service.manager@mercia.example',
    name: 'Deborah Okafor',
    memberships: [{ org: 'MCC', roles: ['service_manager'] }],
  },
  {
    email: 'finance@mercia.example',
    name: 'Edward Lam',
    memberships: [{ org: 'MCC', roles: ['finance_officer'] }],
  },
  {
    email: 'executive@mercia.example',
    name: 'Fiona Walsh',
    memberships: [{ org: 'MCC', roles: ['executive'] }],
  },
  {
    email: 'requester@mercia.example',
    name: 'Gareth Hughes',
    memberships: [{ org: 'MCC-RES', roles: ['requester'] }],
  },
  {
    email: 'shared.officer@mercia.example',
    name: 'Hannah Kaur',
    memberships: [
      { org: 'MCC', roles: ['agent'] },
      { org: 'MCC-CHS', roles: ['requester'] },
    ],
  },
  {
    email: 'requester@wyvern.example',
    name: 'Imran Shah',
    memberships: [{ org: 'WDC', roles: ['requester'] }],
  },
  {
    email: 'manager@wyvern.example',
    name: 'Julia Bennett',
    memberships: [{ org: 'WDC', roles: ['partner_manager', 'requester'] }],
  },
  {
    email: 'requester@merciafire.example',
    name: 'Kieran Doyle',
    memberships: [{ org: 'MFRS', roles: ['requester'] }],
  },
  {
    email: 'manager@merciafire.example',
    name: 'Leah Morgan',
    memberships: [{ org: 'MFRS', roles: ['partner_manager'] }],
  },
  {
    email: 'requester@severnvale.example',
    name: 'Marcus Obi',
    memberships: [{ org: 'SVCT', roles: ['requester', 'partner_manager'] }],
  },
  {
    email: 'requester@brightwater.example',
    name: 'Nadia Petrova',
    memberships: [{ org: 'BWF', roles: ['requester', 'partner_manager'] }],
  },
];

/**
 * Loads the demo partnership: a county council host with three directorates and five partners, and
 * a person for every role. Adds only what is missing, so running it twice changes nothing.
 */
export async function seedDemo(
  db: Database,
  onProgress: (message: string) => void = () => {},
  options: { committee?: boolean } = {},
): Promise<{ added: number }> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let added = 0;
  await inScope(db, { orgIds: [], platformAdmin: true }, async (tx) => {
    const ids = new Map<string, string>();
    onProgress(`organisations: 0/${DEMO_ORGANISATIONS.length}`);
    for (const [index, demo] of DEMO_ORGANISATIONS.entries()) {
      const existing = await organisationsRepository.findByCode(tx, demo.code);
      if (existing) {
        ids.set(demo.code, existing.id);
      } else {
        const parentId = demo.parentCode ? (ids.get(demo.parentCode) ?? null) : null;
        const { parentCode: _parentCode, ...input } = demo;
        const org = await organisationsRepository.insert(tx, { ...input, parentId });
        ids.set(demo.code, org.id);
        await recordAudit(tx, {
          actorUserId: null,
          orgId: org.id,
          action: 'organisation.add',
          entityType: 'organisation',
          entityId: org.id,
          after: { code: org.code, name: org.name, source: 'demo' },
        });
        added++;
      }
      onProgress(`organisations: ${index + 1}/${DEMO_ORGANISATIONS.length}`);
    }
    for (const [index, demo] of DEMO_USERS.entries()) {
      let user = await identityRepository.findUserByEmail(tx, demo.email);
      if (!user) {
        const inserted = await identityRepository.insertUser(tx, {
          email: demo.email,
          name: demo.name,
          passwordHash,
        });
        user = { ...inserted, disabled_at: null };
        await recordHostAudit(tx, {
          actorUserId: null,
          action: 'user.add',
          entityType: 'user',
          entityId: user.id,
          after: { email: demo.email, source: 'demo' },
        });
        added++;
      }
      for (const membership of demo.memberships) {
        const orgId = ids.get(membership.org)!;
        if (!(await identityRepository.findMembership(tx, orgId, user.id))) {
          await identityRepository.upsertMembership(tx, orgId, user.id, membership.roles);
          added++;
        }
      }
      onProgress(`people: ${index + 1}/${DEMO_USERS.length}`);
    }
  });
  // The catalogue is written by the host's service manager, so it loads in units of work of its own.
  added += await seedDemoCatalogue(db, onProgress);
  // Requests come last: they are raised from the catalogue by the partners' people.
  added += await seedDemoRequests(db, { onProgress });
  added += await seedDemoBilling(db, { onProgress });
  added += await seedDemoPartnership(db, { onProgress });
  // The joint committee's records, unless asked not to (its tests start from an empty committee).
  if (options.committee ?? true) added += await seedDemoGovernance(db, { onProgress });
  return { added };
}
