import crypto from 'node:crypto';
import { sql } from 'kysely';
import { inScope, type Database, type Scope, type Tx } from '../../../platform/db/index.js';
import { londonDate } from '../../../kernel/dates.js';
import { now } from '../../../platform/clock.js';
import { recordAudit } from '../../audit/index.js';
import { sqlCatalogue, type OfferingForRequest } from '../catalogue-port.js';
import { buildHistory, type BuiltRequest } from '../import/history.js';
import { advanceCounters, insertBuilt } from '../import/batch.repository.js';
import { referenceFor } from '../request.js';
import { teamsRepository } from '../workflow/teams.repository.js';
import {
  lifeOf,
  randomFrom,
  submittedWithin,
  type LifeContext,
  type Person,
  type Worker,
} from './lifecycle.js';

export interface SeedOptions {
  /** How many requests to add. */
  count: number;
  /** Requests are raised over the days before this instant, and their lives stop at it. */
  now: Date;
  /** Over how many days before `now` they were raised (182: six months). */
  days?: number;
  /** The same seed gives the same requests. */
  seed?: number;
  /** Requests written per unit of work. */
  batchSize?: number;
  /** The demo's own: its team members are added too, and the audit log says so. */
  demo?: boolean;
  onProgress?: (message: string) => void;
}

/** Who works which teams in the demo: the agent, the team lead and the officer shared with a directorate. */
const DEMO_TEAMS: Array<{
  email: string;
  role: 'member' | 'lead';
  teams: Array<[line: string, team: string]>;
}> = [
  {
    email: 'teamlead@mercia.example',
    role: 'lead',
    teams: [
      ['IT', 'Service desk'],
      ['IT', 'Infrastructure'],
      ['FIN', 'Accounts payable'],
      ['PRINT', 'Print room'],
    ],
  },
  {
    email: 'agent@mercia.example',
    role: 'member',
    teams: [
      ['IT', 'Service desk'],
      ['FIN', 'Accounts payable'],
      ['FIN', 'Payroll'],
      ['PRINT', 'Print room'],
      ['PROP', 'Facilities'],
    ],
  },
  {
    email: 'shared.officer@mercia.example',
    role: 'member',
    teams: [
      ['HR', 'Employee services'],
      ['HR', 'Recruitment'],
      ['LEGAL', 'Litigation'],
      ['IT', 'Applications'],
    ],
  },
];

interface World {
  hostOrgId: string;
  scope: Scope;
  partners: Array<{ id: string; code: string; lines: string[]; requesters: Person[]; approvers: Person[] }>;
  offerings: Map<string, OfferingForRequest[]>;
  teams: Map<string, string[]>;
  workers: Worker[];
  counters: Map<string, number>;
}

const ADMIN: Scope = { orgIds: [], platformAdmin: true };

async function ensureDemoTeams(tx: Tx, hostOrgId: string): Promise<void> {
  for (const person of DEMO_TEAMS) {
    for (const [line, team] of person.teams) {
      const { rows } = await sql<{ team_id: string; user_id: string }>`
        select t.id as team_id, u.id as user_id
          from service_line_teams t join service_lines l on l.id = t.service_line_id, users u
         where l.code = ${line} and t.name = ${team} and u.email = ${person.email}`.execute(tx);
      const found = rows[0];
      if (found)
        await teamsRepository.putMember(tx, {
          hostOrgId,
          teamId: found.team_id,
          userId: found.user_id,
          role: person.role,
        });
    }
  }
}

/** Everything requests are made from: partners, their lines and people, offerings as each sees them, teams. */
async function worldOf(db: Database, today: string, demoTeams: boolean): Promise<World | undefined> {
  const base = await inScope(db, ADMIN, async (tx) => {
    const host = (
      await sql<{
        id: string;
      }>`select id from organisations where role = 'host' order by created_at, id limit 1`.execute(tx)
    ).rows[0];
    if (!host) return undefined;
    if (demoTeams) await ensureDemoTeams(tx, host.id);
    const partners = (
      await sql<{ id: string; code: string; lines: string[] }>`
        select o.id, o.code, array_agg(distinct a.service_line_id::text) as lines
          from organisations o join service_agreements a on a.org_id = o.id
         where a.host_org_id = ${host.id} and a.valid_from <= ${today}::date
           and (a.valid_to is null or a.valid_to >= ${today}::date)
         group by o.id, o.code order by o.code`.execute(tx)
    ).rows;
    const people = (
      await sql<{ org_id: string; id: string; name: string; email: string; roles: string[] }>`
        select m.org_id, u.id, u.name, u.email, m.roles from memberships m join users u on u.id = m.user_id
         where u.disabled_at is null order by u.email`.execute(tx)
    ).rows;
    const teams = (
      await sql<{
        id: string;
        service_line_id: string;
      }>`select id, service_line_id from service_line_teams order by name`.execute(tx)
    ).rows;
    const members = (
      await sql<{
        team_id: string;
        user_id: string;
      }>`select team_id, user_id from service_line_team_members`.execute(tx)
    ).rows;
    return { hostOrgId: host.id, partners, people, teams, members };
  });
  if (!base) return undefined;
  const person = (p: { id: string; name: string; email: string }): Person => ({
    userId: p.id,
    name: p.name,
    email: p.email,
  });
  const scope: Scope = { orgIds: [base.hostOrgId, ...base.partners.map((p) => p.id)], platformAdmin: true };
  const { offerings, counters } = await inScope(db, scope, async (tx) => {
    const byPartner = new Map<string, OfferingForRequest[]>();
    const codes = (
      await sql<{ code: string; service_line_id: string }>`
      select code, service_line_id from offerings where host_org_id = ${base.hostOrgId} and status = 'active' order by code`.execute(
        tx,
      )
    ).rows;
    for (const partner of base.partners) {
      const list: OfferingForRequest[] = [];
      for (const offering of codes.filter((o) => partner.lines.includes(o.service_line_id))) {
        const resolved = await sqlCatalogue.offeringFor(tx, partner.id, offering.code, today);
        if (resolved?.visible && resolved.active) list.push(resolved);
      }
      byPartner.set(partner.id, list);
    }
    const numbers = (
      await sql<{ org_id: string; last_number: number }>`
      select org_id, last_number from request_counters`.execute(tx)
    ).rows;
    return { offerings: byPartner, counters: numbers };
  });
  const teams = new Map<string, string[]>();
  for (const team of base.teams)
    teams.set(team.service_line_id, [...(teams.get(team.service_line_id) ?? []), team.id]);
  const workers = base.people
    .filter(
      (p) => p.org_id === base.hostOrgId && p.roles.some((role) => role === 'agent' || role === 'team_lead'),
    )
    .map((p) => ({
      userId: p.id,
      teamIds: base.members.filter((m) => m.user_id === p.id).map((m) => m.team_id),
    }));
  return {
    hostOrgId: base.hostOrgId,
    scope,
    partners: base.partners.map((partner) => {
      const theirs = base.people.filter((p) => p.org_id === partner.id);
      return {
        ...partner,
        requesters: theirs
          .filter((p) => p.roles.includes('requester') || p.roles.includes('partner_manager'))
          .map(person),
        approvers: theirs.filter((p) => p.roles.includes('partner_manager')).map(person),
      };
    }),
    offerings,
    teams,
    workers,
    counters: new Map(counters.map((c) => [c.org_id, c.last_number])),
  };
}

/**
 * Adds `count` requests raised over the days before `now`, spread over the partners and the lines
 * they take, in every state, some breached: each built from a plausible life by the same rules as
 * real changes, numbered after the organisation's last reference, and written in batches.
 */
export async function seedRequests(db: Database, options: SeedOptions): Promise<number> {
  const { now, count } = options;
  const random = randomFrom(options.seed ?? 20260327);
  const world = await worldOf(db, londonDate(now), options.demo ?? false);
  if (!world) return 0;
  const partners = world.partners.filter((p) => (world.offerings.get(p.id)?.length ?? 0) > 0);
  if (partners.length === 0 || count <= 0) return 0;
  const batchSize = options.batchSize ?? 1000;
  // Raised in time order, so each organisation's numbers follow the order its requests came in.
  const times = Array.from({ length: count }, () => submittedWithin(now, options.days ?? 182, random)).sort(
    (a, b) => a.getTime() - b.getTime(),
  );
  const numbers = new Map(world.counters);
  // The demo's last few requests wait for a partner manager's approval, whatever the day it is
  // loaded, so that someone always has approvals to give.
  const needingApproval = (p: (typeof partners)[number]) =>
    world.offerings.get(p.id)!.filter((o) => o.approvalRequired);
  const approvers = partners.filter((p) => p.approvers.length && needingApproval(p).length);
  const waiting = options.demo && approvers.length ? Math.min(3, count) : 0;
  let added = 0;
  for (let start = 0; start < count; start += batchSize) {
    const batch: BuiltRequest[] = [];
    for (const [i, submittedAt] of times.slice(start, start + batchSize).entries()) {
      const undecided = start + i >= count - waiting;
      const partner = undecided
        ? approvers[(start + i) % approvers.length]!
        : partners[Math.floor(random() * partners.length)]!;
      const choices = undecided ? needingApproval(partner) : world.offerings.get(partner.id)!;
      const offering = choices[Math.floor(random() * choices.length)]!;
      const requester = partner.requesters.length
        ? partner.requesters[Math.floor(random() * partner.requesters.length)]!
        : { userId: null, name: 'A colleague', email: null };
      const context: LifeContext = {
        offering,
        requester,
        approver: partner.approvers[0] ?? null,
        teamIds: world.teams.get(offering.serviceLineId) ?? [],
        workers: world.workers,
        undecided,
      };
      const life = lifeOf(context, submittedAt, now, random);
      const number = (numbers.get(partner.id) ?? 0) + 1;
      numbers.set(partner.id, number);
      const result = buildHistory(
        {
          id: crypto.randomUUID(),
          orgId: partner.id,
          reference: referenceFor(partner.code, number),
          offering,
          requester: { ...requester, actor: 'requester' },
          subject: life.subject,
          answers: life.answers,
          priority: life.priority,
          submittedAt,
          steps: life.steps,
        },
        now,
      );
      if ('problems' in result)
        throw new Error(`a seeded life broke the rules: ${JSON.stringify(result.problems)}`);
      batch.push(result.built);
    }
    await inScope(db, world.scope, async (tx) => {
      await insertBuilt(tx, batch);
      await advanceCounters(
        tx,
        partners.map((p) => ({
          orgId: p.id,
          hostOrgId: world.hostOrgId,
          lastNumber: numbers.get(p.id) ?? 0,
        })),
      );
      await recordAudit(tx, {
        actorUserId: null,
        orgId: world.hostOrgId,
        action: 'request.seed',
        entityType: 'request',
        after: { count: batch.length, source: options.demo ? 'demo' : 'seed' },
      });
    });
    added += batch.length;
    options.onProgress?.(`requests: ${added}/${count}`);
  }
  return added;
}

/**
 * The demo's requests: `count` (a few hundred) over the last six months, and the demo's team
 * members. Adds nothing if the host already has requests, so running it twice changes nothing.
 */
export async function seedDemoRequests(
  db: Database,
  options: { count?: number; now?: Date; onProgress?: (message: string) => void } = {},
): Promise<number> {
  const hosts = await inScope(db, ADMIN, async (tx) =>
    (await sql<{ id: string }>`select id from organisations where role = 'host'`.execute(tx)).rows.map(
      (row) => row.id,
    ),
  );
  if (hosts.length === 0) return 0;
  const any = await inScope(db, { orgIds: hosts }, async (tx) => {
    const { rows } = await sql<{ found: boolean }>`select exists (select 1 from requests) as found`.execute(
      tx,
    );
    return rows[0]?.found ?? false;
  });
  if (any) return 0;
  return seedRequests(db, {
    count: options.count ?? 300,
    now: options.now ?? now(),
    demo: true,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
