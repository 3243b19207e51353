import type { Static } from '@fastify/type-provider-typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed } from '../../../platform/errors.js';
import type { Filled } from '../../../platform/api/index.js';
import { auditBy } from '../../audit/index.js';
import { accessOf, cataloguePolicy as policy } from '../catalogue.policy.js';
import { codeTaken, teamNameTaken } from '../catalogue.errors.js';
import { serviceLinesRepository as repo, type Person, type ServiceLine } from './service-lines.repository.js';
import type { ManagerBody, ServiceLineBody, TeamBody } from './service-lines.schemas.js';

export type ServiceLineInput = Filled<Static<typeof ServiceLineBody>>;
export type ManagerInput = Static<typeof ManagerBody>;
export type TeamInput = Static<typeof TeamBody>;

export interface LineView {
  line: ServiceLine;
  managers: Person[];
  /** Whether the caller may add and remove this line's managers and teams. */
  canManage: boolean;
  /** Service managers of the host who do not manage the line yet (only for those who can manage it). */
  candidates: Person[];
}

/**
 * Service lines, who manages each, and its teams. A line's page is for the host's staff and
 * platform administrators; a platform administrator or a manager of the line may change who else
 * manages it, choosing among the host's service managers and never leaving it with nobody, and may
 * add and remove its teams.
 */
export function serviceLinesService(db: Database) {
  const unit = <T>(caller: Caller, work: (tx: Tx) => Promise<T>) =>
    inScope(db, scopeOf(caller.principal), work);

  /** The line named in a path, when the caller may open its page. */
  const visibleLine = async (tx: Tx, caller: Caller, code: string): Promise<ServiceLine> => {
    const line = await repo.byCode(tx, caller.principal.org.orgId, code.toUpperCase());
    policy.seeLinePage(caller.principal, line);
    return line;
  };

  /** The line named in a path, when the caller may change its managers and teams. */
  const keptLine = async (tx: Tx, caller: Caller, code: string): Promise<ServiceLine> => {
    const line = await visibleLine(tx, caller, code);
    policy.keepLinePeople(caller.principal, line);
    return line;
  };

  /** The line's managers, in name order; someone the caller cannot see still counts, with no name or email. */
  const managersOf = async (tx: Tx, line: ServiceLine): Promise<Person[]> => {
    const seen = await repo.people(tx, line.managerUserIds);
    const unseen = line.managerUserIds
      .filter((id) => !seen.some((person) => person.id === id))
      .map((id) => ({ id, name: '', email: '' }));
    return [...seen, ...unseen];
  };

  const auditManagers = async (
    tx: Tx,
    caller: Caller,
    action: string,
    before: ServiceLine,
    after: ServiceLine,
  ) =>
    auditBy(tx, caller, {
      orgId: before.orgId,
      action,
      entityType: 'service_line',
      entityId: before.id,
      before: { managers: (await managersOf(tx, before)).map((p) => p.email || p.id) },
      after: { managers: (await managersOf(tx, after)).map((p) => p.email || p.id) },
    });

  const auditTeams = (tx: Tx, caller: Caller, action: string, before: ServiceLine, after: ServiceLine) =>
    auditBy(tx, caller, {
      orgId: before.orgId,
      action,
      entityType: 'service_line',
      entityId: before.id,
      before: { teams: before.teams },
      after: { teams: after.teams },
    });

  const reloaded = async (tx: Tx, line: ServiceLine) => (await repo.byId(tx, line.id))!;

  return {
    /** The lines the caller sees, and whether they keep each. */
    async list(caller: Caller): Promise<Array<ServiceLine & { managed: boolean }>> {
      return unit(caller, async (tx) => {
        const access = await accessOf(tx, caller.principal);
        return (await repo.list(tx, access.lineIds)).map((line) => ({
          ...line,
          managed: access.managedLineIds.includes(line.id),
        }));
      });
    },

    /** Adds a line to the host's catalogue, kept by the service manager who adds it. */
    async add(caller: Caller, input: ServiceLineInput): Promise<ServiceLine> {
      policy.addServiceLine(caller.principal);
      if (new Set(input.teams).size !== input.teams.length)
        throw validationFailed({ teams: 'catalogue.errors.teamsInvalid' });
      return unit(caller, async (tx) => {
        const orgId = caller.principal.org.orgId;
        if (await repo.byCode(tx, orgId, input.code)) throw codeTaken('A service line');
        const line = await repo.insert(tx, {
          orgId,
          code: input.code,
          name: input.name,
          managerUserIds: [caller.principal.userId],
          teams: input.teams,
        });
        await auditBy(tx, caller, {
          orgId,
          action: 'service-line.add',
          entityType: 'service_line',
          entityId: line.id,
          after: { code: line.code, name: line.name, teams: input.teams },
        });
        return line;
      });
    },

    /** A line's page: its teams and managers, and whom the caller could add. */
    async view(caller: Caller, code: string): Promise<LineView> {
      return unit(caller, async (tx) => {
        const line = await visibleLine(tx, caller, code);
        const canManage = policy.canKeepLinePeople(caller.principal, line);
        const candidates = canManage
          ? (await repo.serviceManagersOf(tx, line.orgId)).filter((p) => !line.managerUserIds.includes(p.id))
          : [];
        return { line, managers: await managersOf(tx, line), canManage, candidates };
      });
    },

    /** Adds a service manager of the host, named by email address, to the line's managers. */
    async addManager(caller: Caller, code: string, input: ManagerInput): Promise<Person[]> {
      return unit(caller, async (tx) => {
        const line = await keptLine(tx, caller, code);
        const email = input.email.trim().toLowerCase();
        const person = (await repo.serviceManagersOf(tx, line.orgId)).find(
          (p) => p.email.toLowerCase() === email,
        );
        if (!person)
          throw new DomainError(
            'ERR_NOT_A_SERVICE_MANAGER',
            `No service manager of the host has the email address ${email}`,
            {
              fields: { email: 'catalogue.errors.managerNotServiceManager' },
            },
          );
        if (!(await repo.addManager(tx, line, person.id)))
          throw validationFailed({ email: 'catalogue.errors.managerAlready' });
        const after = await reloaded(tx, line);
        await auditManagers(tx, caller, 'service-line.manager.add', line, after);
        return managersOf(tx, after);
      });
    },

    /** Takes someone off the line's managers; the last one stays. */
    async removeManager(caller: Caller, code: string, userId: string): Promise<Person[]> {
      return unit(caller, async (tx) => {
        const line = await keptLine(tx, caller, code);
        const id = userId.toLowerCase();
        if (!line.managerUserIds.includes(id)) throw notFound('That manager');
        if (!(await repo.removeManager(tx, line, id)))
          throw new DomainError('ERR_LAST_MANAGER', 'A service line must keep at least one manager', {
            fields: { managers: 'catalogue.errors.lastManager' },
          });
        const after = await reloaded(tx, line);
        await auditManagers(tx, caller, 'service-line.manager.remove', line, after);
        return managersOf(tx, after);
      });
    },

    /** Adds a team; its name is unique within the line, whatever its case. Answers with every team. */
    async addTeam(caller: Caller, code: string, input: TeamInput): Promise<string[]> {
      return unit(caller, async (tx) => {
        const line = await keptLine(tx, caller, code);
        // Two people adding the same name at once: the second meets the unique index, which the
        // unit of work answers with the same ERR_TEAM_NAME_TAKEN (catalogue.errors.ts).
        if (!(await repo.addTeam(tx, line, input.name))) throw teamNameTaken();
        const after = await reloaded(tx, line);
        await auditTeams(tx, caller, 'service-line.team.add', line, after);
        return after.teams;
      });
    },

    /** Takes a team, named exactly, off the line. Answers with the teams left. */
    async removeTeam(caller: Caller, code: string, name: string): Promise<string[]> {
      return unit(caller, async (tx) => {
        const line = await keptLine(tx, caller, code);
        if (!line.teams.includes(name) || !(await repo.removeTeam(tx, line, name)))
          throw notFound('That team');
        const after = await reloaded(tx, line);
        await auditTeams(tx, caller, 'service-line.team.remove', line, after);
        return after.teams;
      });
    },
  };
}

export type ServiceLinesService = ReturnType<typeof serviceLinesService>;
