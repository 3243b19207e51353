import type { Static } from '@fastify/type-provider-typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { notFound, validationFailed } from '../../../platform/errors.js';
import type { Filled } from '../../../platform/api/index.js';
import { auditBy } from '../../audit/index.js';
import { agreementsRepository } from '../../organisations/index.js';
import { accessOf, cataloguePolicy as policy, ownersOf, type Access } from '../catalogue.policy.js';
import { codeTaken } from '../catalogue.errors.js';
import { historyRepository, type HistoryEntry } from '../catalogue.history.js';
import { serviceLinesRepository } from '../service-lines/service-lines.repository.js';
import { calendarsRepository } from '../calendars/calendars.repository.js';
import { slaPoliciesRepository as repo, type SlaPolicy } from './sla-policies.repository.js';
import { targetProblems, type SlaPolicyBody } from './sla-policies.schemas.js';

export type SlaPolicyInput = Filled<Static<typeof SlaPolicyBody>>;

/** What the history and the audit log keep of a policy. */
function snapshot(policy: SlaPolicy) {
  return {
    code: policy.code,
    name: policy.name,
    serviceLine: policy.serviceLineCode,
    calendar: policy.calendarCode,
    warningPercent: policy.warningPercent,
    pauseStates: policy.pauseStates,
    targets: policy.targets,
  };
}

/**
 * SLA policies: response and resolution targets by priority, on a calendar. Everyone sees the
 * standard policies of the lines they take (and their own); a line's service managers keep them.
 */
export function slaPoliciesService(db: Database) {
  const unit = <T>(caller: Caller, work: (tx: Tx, access: Access) => Promise<T>) =>
    inScope(db, scopeOf(caller.principal), async (tx) => work(tx, await accessOf(tx, caller.principal)));

  /** Whether the caller sees this policy: its line's managers do; others see the standard (and their own) of lines they take. */
  const seen = (access: Access, found: SlaPolicy | undefined): found is SlaPolicy =>
    found !== undefined &&
    (access.managedLineIds.includes(found.serviceLineId) ||
      (access.lineIds.includes(found.serviceLineId) && ownersOf(access).includes(found.orgId)));

  /** Adds or changes a policy, with its history, and the audit log's before and after. */
  const save = async (
    tx: Tx,
    caller: Caller,
    access: Access,
    input: SlaPolicyInput,
    existingCode?: string,
  ) => {
    policy.manageAnyLine(access);
    const unknownLine = () => validationFailed({ serviceLine: 'catalogue.errors.serviceLineUnknown' });
    const line = await serviceLinesRepository.byCode(tx, access.hostOrgId!, input.serviceLine);
    policy.manageLine(access, line?.id, unknownLine);
    const problems = targetProblems(input.targets);
    if (Object.keys(problems).length) throw validationFailed(problems);
    const calendar = await calendarsRepository.byCode(tx, input.calendar, { hostOrgId: line.orgId });
    if (!calendar) throw validationFailed({ calendar: 'catalogue.errors.calendarUnknown' });
    const values = {
      calendarId: calendar.id,
      name: input.name,
      warningPercent: input.warningPercent,
      pauseStates: [...new Set(input.pauseStates)],
      targets: input.targets,
    };
    let before: SlaPolicy | undefined;
    let after: SlaPolicy;
    if (existingCode) {
      before = await repo.byCode(tx, access.hostOrgId!, existingCode.toUpperCase());
      policy.manageLine(access, before?.serviceLineId, () => notFound('That SLA policy'));
      if (before.serviceLineId !== line.id)
        throw validationFailed({ serviceLine: 'catalogue.errors.serviceLineFixed' });
      // A partner's policy may use the standard calendars or its own; a standard one, the standard.
      if (calendar.orgId !== before.orgId && calendar.orgId !== calendar.hostOrgId)
        throw validationFailed({ calendar: 'catalogue.errors.calendarUnknown' });
      after = await repo.update(tx, before, values);
    } else {
      if (await repo.byCode(tx, line.orgId, input.code)) throw codeTaken('An SLA policy');
      // A policy on a partner's own calendar belongs to that partner.
      after = await repo.insert(tx, {
        ...values,
        orgId: calendar.orgId,
        hostOrgId: line.orgId,
        serviceLineId: line.id,
        code: input.code,
      });
    }
    await historyRepository.record(tx, {
      orgId: after.orgId,
      hostOrgId: after.hostOrgId,
      serviceLineId: after.serviceLineId,
      entityType: 'sla_policy',
      entityId: after.id,
      version: after.version,
      snapshot: snapshot(after),
      changedBy: caller.principal.userId,
    });
    await auditBy(tx, caller, {
      orgId: after.hostOrgId,
      action: before ? 'sla-policy.change' : 'sla-policy.add',
      entityType: 'sla_policy',
      entityId: after.id,
      before: before && snapshot(before),
      after: snapshot(after),
    });
    return after;
  };

  return {
    /** The policies the caller sees, and whether they may add one. */
    async list(caller: Caller): Promise<{ policies: SlaPolicy[]; canAdd: boolean }> {
      return unit(caller, async (tx, access) => {
        const lineIds = [...new Set([...access.lineIds, ...access.managedLineIds])];
        const policies = await repo.list(tx, {
          lineIds,
          orgIds: access.managedLineIds.length ? undefined : ownersOf(access),
        });
        return {
          policies: policies.filter((found) => seen(access, found)),
          canAdd: access.managedLineIds.length > 0,
        };
      });
    },

    async get(
      caller: Caller,
      code: string,
    ): Promise<SlaPolicy & { managed: boolean; history: HistoryEntry[] }> {
      return unit(caller, async (tx, access) => {
        const found = access.hostOrgId
          ? await repo.byCode(tx, access.hostOrgId, code.toUpperCase())
          : undefined;
        if (!seen(access, found)) throw notFound('That SLA policy');
        const managed = access.managedLineIds.includes(found.serviceLineId);
        return {
          ...found,
          managed,
          history: managed ? await historyRepository.of(tx, 'sla_policy', found.id) : [],
        };
      });
    },

    /** What the policy form offers: the lines the caller keeps, the host's calendars; the policy to change. */
    async form(caller: Caller, code?: string) {
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const existing = code ? await repo.byCode(tx, access.hostOrgId!, code.toUpperCase()) : undefined;
        if (code) policy.manageLine(access, existing?.serviceLineId, () => notFound('That SLA policy'));
        return {
          lines: await serviceLinesRepository.list(tx, access.managedLineIds),
          calendars: await calendarsRepository.list(tx, [
            access.hostOrgId!,
            ...(await agreementsRepository.partnersTaking(tx, access.hostOrgId!)).map((p) => p.id),
          ]),
          policy: existing,
        };
      });
    },

    async add(caller: Caller, input: SlaPolicyInput): Promise<SlaPolicy> {
      return unit(caller, (tx, access) => save(tx, caller, access, input));
    },

    async change(caller: Caller, code: string, input: SlaPolicyInput): Promise<SlaPolicy> {
      return unit(caller, (tx, access) =>
        save(tx, caller, access, { ...input, code: code.toUpperCase() }, code),
      );
    },
  };
}

export type SlaPoliciesService = ReturnType<typeof slaPoliciesService>;
