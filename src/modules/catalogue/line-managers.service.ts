import { hasRole, isPlatformAdmin, scopeOf } from '../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../platform/db/index.js';
import { DomainError, forbidden, notFound, validationFailed } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { auditBy } from '../audit/index.js';
import { catalogueRepository as repo, type Person, type ServiceLine } from './catalogue.repository.js';
import { emailOf } from './catalogue.schemas.js';
import type { Context } from './catalogue.service.js';

export interface LineView {
  line: ServiceLine;
  managers: Person[];
  /** Whether the caller may add and remove this line's managers and teams. */
  canManage: boolean;
  /** Service managers of the host who do not manage the line yet (only for those who can manage it). */
  candidates: Person[];
}

/**
 * Who manages a service line, and its teams. Its page is for the host's staff and platform
 * administrators; a platform administrator or a manager of the line may change who else manages it,
 * choosing among the host's service managers, and never leaving the line with nobody, and may add
 * and remove its teams.
 */
export function lineManagersService(db: Database) {
  /** The line, when the caller may see its page; partners (and unknown codes) find nothing. */
  const visibleLine = async (tx: Tx, ctx: Context, code: string): Promise<ServiceLine> => {
    const line = await repo.serviceLineByCode(tx, code.toUpperCase());
    if (!line || !(isPlatformAdmin(ctx.principal) || line.orgId === ctx.principal.org.orgId))
      throw notFound('That service line');
    return line;
  };

  const canManage = (ctx: Context, line: ServiceLine) =>
    isPlatformAdmin(ctx.principal) ||
    (ctx.principal.org.orgId === line.orgId &&
      hasRole(ctx.principal, 'service_manager') &&
      line.managerUserIds.includes(ctx.principal.userId));

  const managedLine = async (tx: Tx, ctx: Context, code: string) => {
    const line = await visibleLine(tx, ctx, code);
    if (!canManage(ctx, line))
      throw forbidden("Only a platform administrator or one of the line's managers may do that");
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

  const audit = async (
    tx: Tx,
    ctx: Context,
    action: string,
    line: ServiceLine,
    before: Person[],
    after: ServiceLine,
  ) =>
    auditBy(tx, ctx, {
      orgId: line.orgId,
      action,
      entityType: 'service_line',
      entityId: line.id,
      before: { managers: before.map((p) => p.email || p.id) },
      after: { managers: (await managersOf(tx, after)).map((p) => p.email || p.id) },
    });

  const auditTeams = (tx: Tx, ctx: Context, action: string, line: ServiceLine, after: ServiceLine) =>
    auditBy(tx, ctx, {
      orgId: line.orgId,
      action,
      entityType: 'service_line',
      entityId: line.id,
      before: { teams: line.teams },
      after: { teams: after.teams },
    });

  const unit = <T>(ctx: Context, work: (tx: Tx) => Promise<T>) => inScope(db, scopeOf(ctx.principal), work);

  return {
    async view(ctx: Context, code: string): Promise<LineView> {
      return unit(ctx, async (tx) => {
        const line = await visibleLine(tx, ctx, code);
        const managers = await managersOf(tx, line);
        const manage = canManage(ctx, line);
        const candidates = manage
          ? (await repo.serviceManagersOf(tx, line.orgId)).filter((p) => !line.managerUserIds.includes(p.id))
          : [];
        return { line, managers, canManage: manage, candidates };
      });
    },

    /** Adds a service manager of the host, named by email address, to the line's managers. */
    async add(ctx: Context, code: string, input: { email?: unknown }): Promise<Person[]> {
      return unit(ctx, async (tx) => {
        const line = await managedLine(tx, ctx, code);
        const email = emailOf(input.email);
        if (!email) throw validationFailed({ email: 'catalogue.errors.managerMissing' });
        const person = (await repo.serviceManagersOf(tx, line.orgId)).find(
          (p) => p.email.toLowerCase() === email,
        );
        if (!person) {
          throw new DomainError(
            'ERR_NOT_A_SERVICE_MANAGER',
            `No service manager of the host has the email address ${email}`,
            {
              fields: { email: 'catalogue.errors.managerNotServiceManager' },
            },
          );
        }
        const before = await managersOf(tx, line);
        if (!(await repo.addLineManager(tx, line.id, person.id)))
          throw validationFailed({ email: 'catalogue.errors.managerAlready' });
        const after = (await repo.serviceLines(tx, [line.id]))[0]!;
        await audit(tx, ctx, 'service-line.manager.add', line, before, after);
        return managersOf(tx, after);
      });
    },

    /** Takes someone off the line's managers; the last one stays. */
    async remove(ctx: Context, code: string, userId: string): Promise<Person[]> {
      return unit(ctx, async (tx) => {
        const line = await managedLine(tx, ctx, code);
        if (!isUuid(userId) || !line.managerUserIds.includes(userId.toLowerCase()))
          throw notFound('That manager');
        const before = await managersOf(tx, line);
        if (!(await repo.removeLineManager(tx, line.id, userId.toLowerCase()))) {
          throw new DomainError('ERR_LAST_MANAGER', 'A service line must keep at least one manager', {
            fields: { managers: 'catalogue.errors.lastManager' },
          });
        }
        const after = (await repo.serviceLines(tx, [line.id]))[0]!;
        await audit(tx, ctx, 'service-line.manager.remove', line, before, after);
        return managersOf(tx, after);
      });
    },

    /** Adds a team to the line; its name is unique within the line, whatever its case. Answers with every team. */
    async addTeam(ctx: Context, code: string, input: { name?: unknown }): Promise<string[]> {
      return unit(ctx, async (tx) => {
        const line = await managedLine(tx, ctx, code);
        const name = typeof input.name === 'string' ? input.name.trim() : '';
        if (!name) throw validationFailed({ name: 'catalogue.errors.teamMissing' });
        if (name.length > 200) throw validationFailed({ name: 'catalogue.errors.teamTooLong' });
        const taken = () =>
          new DomainError('ERR_TEAM_NAME_TAKEN', `This service line already has a team called ${name}`, {
            fields: { name: 'catalogue.errors.teamTaken' },
          });
        let added: boolean;
        try {
          added = await repo.addLineTeam(tx, line, name);
        } catch (error) {
          // Two people adding the same name at once: the second meets the unique constraint.
          if (isUniqueViolation(error)) throw taken();
          throw error;
        }
        if (!added) throw taken();
        const after = (await repo.serviceLines(tx, [line.id]))[0]!;
        await auditTeams(tx, ctx, 'service-line.team.add', line, after);
        return after.teams;
      });
    },

    /** Takes a team, named exactly, off the line. Answers with the teams left. */
    async removeTeam(ctx: Context, code: string, name: string): Promise<string[]> {
      return unit(ctx, async (tx) => {
        const line = await managedLine(tx, ctx, code);
        if (!line.teams.includes(name) || !(await repo.removeLineTeam(tx, line.id, name)))
          throw notFound('That team');
        const after = (await repo.serviceLines(tx, [line.id]))[0]!;
        await auditTeams(tx, ctx, 'service-line.team.remove', line, after);
        return after.teams;
      });
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

export type LineManagersService = ReturnType<typeof lineManagersService>;
