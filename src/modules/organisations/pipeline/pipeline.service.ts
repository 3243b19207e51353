import type { Static } from '@fastify/type-provider-typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import type { Filled } from '../../../platform/api/index.js';
import { isUuid } from '../../../platform/ids.js';
import { londonDate } from '../../../kernel/dates.js';
import { nextStages, refuseStageMove, type StageContext } from '../../../kernel/partnership-stages.js';
import { auditBy } from '../../audit/index.js';
import { organisationsPolicy as policy } from '../organisations.policy.js';
import { termsRepository } from '../terms/terms.repository.js';
import { pipelineRepository as repo, type Prospect, type ProspectFields } from './pipeline.repository.js';
import { organisationTaken, stageRefused } from './pipeline.errors.js';
import type { MoveBody, ProspectBody } from './pipeline.schemas.js';

export type ProspectInput = Filled<Static<typeof ProspectBody>>;
export type MoveInput = Filled<Static<typeof MoveBody>>;

const stale = () =>
  new DomainError('ERR_STALE', 'Someone else changed this entry while you were working on it: look again');

function snapshot(prospect: Pick<Prospect, 'name' | 'stage' | 'stageSince'> & Partial<ProspectFields>) {
  return {
    name: prospect.name,
    stage: prospect.stage,
    stageSince: prospect.stageSince,
    organisationId: prospect.organisationId,
    ownerUserId: prospect.ownerUserId,
    nextStep: prospect.nextStep,
    nextStepDue: prospect.nextStepDue,
  };
}

const fieldsOf = (prospect: Prospect): ProspectFields => ({
  name: prospect.name,
  kind: prospect.kind,
  organisationId: prospect.organisation?.id ?? null,
  ownerUserId: prospect.owner?.id ?? null,
  nextStep: prospect.nextStep,
  nextStepDue: prospect.nextStepDue,
  notes: prospect.notes,
});

/**
 * The host's pipeline of partners, from first contact to leaving: kept by its executives and
 * platform administrators, read by its finance officers and service managers, never seen by partners.
 * Which stage may follow which is the kernel's (`partnership-stages.ts`).
 */
export function pipelineService(db: Database) {
  const unit = <T>(caller: Caller, keeping: boolean, work: (tx: Tx, hostOrgId: string) => Promise<T>) => {
    const hostOrgId = keeping ? policy.keepPipeline(caller.principal) : policy.readPipeline(caller.principal);
    return inScope(db, scopeOf(caller.principal), (tx) => work(tx, hostOrgId));
  };

  const found = async (tx: Tx, hostOrgId: string, id: string) => {
    const prospect = isUuid(id) ? await repo.byId(tx, hostOrgId, id.toLowerCase()) : undefined;
    if (!prospect) throw notFound('That prospective partner');
    return prospect;
  };

  const contextOf = async (
    tx: Tx,
    hostOrgId: string,
    organisationId: string | null,
  ): Promise<StageContext> => ({
    hasOrganisation: organisationId !== null,
    hasSignedAgreement:
      organisationId !== null && (await termsRepository.hasSigned(tx, hostOrgId, organisationId)),
  });

  /** The fields as stored: the organisation and owner by their ids, or the fields' problems. */
  const fieldsFrom = async (tx: Tx, hostOrgId: string, input: ProspectInput, current?: Prospect) => {
    const problems: FieldErrors = {};
    let organisationId: string | null = null;
    if (input.organisation !== null) {
      const organisation = await repo.partnerOrganisation(tx, input.organisation);
      if (organisation) organisationId = organisation.id;
      else problems.organisation = 'pipeline.errors.organisationUnknown';
    }
    let ownerUserId: string | null = null;
    if (input.owner !== null) {
      const [owner] = await repo.owners(tx, hostOrgId, input.owner.toLowerCase());
      if (owner) ownerUserId = owner.id;
      else problems.owner = 'pipeline.errors.ownerUnknown';
    }
    // From onboarding on, an entry stays linked to its organisation.
    if (
      current &&
      organisationId === null &&
      !problems.organisation &&
      ['onboarding', 'live', 'exiting'].includes(current.stage)
    )
      problems.organisation = 'pipeline.errors.organisationNeeded';
    if (Object.keys(problems).length) throw validationFailed(problems);
    // The database refuses a second entry for one organisation too (a write racing this one).
    if (organisationId !== null && (await repo.linkedTo(tx, hostOrgId, organisationId, current?.id ?? null)))
      throw organisationTaken();
    const fields: ProspectFields = {
      name: input.name.trim(),
      kind: input.kind,
      organisationId,
      ownerUserId,
      nextStep: input.nextStep.trim(),
      nextStepDue: input.nextStepDue,
      notes: input.notes.trim(),
    };
    return fields;
  };

  return {
    /** The whole pipeline, and whether the caller may keep it. */
    async list(caller: Caller) {
      return unit(caller, false, async (tx, hostOrgId) => ({
        prospects: await repo.list(tx, hostOrgId),
        canKeep: policy.canKeepPipeline(caller.principal),
      }));
    },

    /** One entry, its history, and the stages it may move to now. */
    async get(caller: Caller, id: string) {
      policy.readProspect(caller.principal);
      return unit(caller, false, async (tx, hostOrgId) => {
        const prospect = await found(tx, hostOrgId, id);
        const context = await contextOf(tx, hostOrgId, prospect.organisation?.id ?? null);
        return {
          prospect,
          moves: await repo.moves(tx, hostOrgId, prospect.id),
          next: nextStages(prospect.stage, { hasOrganisation: true, hasSignedAgreement: true }),
          context,
          canKeep: policy.canKeepPipeline(caller.principal),
        };
      });
    },

    /** What the entry form offers: the host's officers and the registered partner organisations. */
    async choices(caller: Caller) {
      return unit(caller, true, async (tx, hostOrgId) => ({
        owners: await repo.owners(tx, hostOrgId),
        organisations: await repo.partnerOrganisations(tx),
      }));
    },

    /** Adds a body at `prospect`, from today (or, loading history, from the day it joined). */
    async add(caller: Caller, input: ProspectInput, joinedOn = londonDate()): Promise<Prospect> {
      return unit(caller, true, async (tx, hostOrgId) => {
        const fields = await fieldsFrom(tx, hostOrgId, input);
        const id = await repo.insert(tx, hostOrgId, fields, joinedOn, caller.principal.userId);
        const prospect = (await repo.byId(tx, hostOrgId, id))!;
        await auditBy(tx, caller, {
          orgId: hostOrgId,
          action: 'pipeline.add',
          entityType: 'partnership_prospect',
          entityId: id,
          after: snapshot({ ...prospect, ...fields }),
        });
        return prospect;
      });
    },

    async change(caller: Caller, id: string, input: ProspectInput, version?: number): Promise<Prospect> {
      return unit(caller, true, async (tx, hostOrgId) => {
        const before = await found(tx, hostOrgId, id);
        if (version !== undefined && version !== before.version) throw stale();
        const fields = await fieldsFrom(tx, hostOrgId, input, before);
        if (!(await repo.update(tx, before, fields))) throw stale();
        await auditBy(tx, caller, {
          orgId: hostOrgId,
          action: 'pipeline.change',
          entityType: 'partnership_prospect',
          entityId: before.id,
          before: snapshot({ ...before, ...fieldsOf(before) }),
          after: snapshot({ ...before, ...fields }),
        });
        return (await repo.byId(tx, hostOrgId, before.id))!;
      });
    },

    /** Moves an entry to another stage, as the kernel allows, on a day no earlier than its last move. */
    async move(caller: Caller, id: string, input: MoveInput, version?: number): Promise<Prospect> {
      return unit(caller, true, async (tx, hostOrgId) => {
        const before = await found(tx, hostOrgId, id);
        if (version !== undefined && version !== before.version) throw stale();
        if (input.movedOn > londonDate())
          throw validationFailed({ movedOn: 'pipeline.errors.movedOnFuture' });
        if (input.movedOn < before.stageSince)
          throw validationFailed({ movedOn: 'pipeline.errors.movedOnEarly' });
        const refusal = refuseStageMove(
          before.stage,
          input.stage,
          await contextOf(tx, hostOrgId, before.organisation?.id ?? null),
        );
        if (refusal) throw stageRefused(refusal);
        const moved = await repo.move(tx, before, {
          to: input.stage,
          on: input.movedOn,
          note: input.note.trim(),
          userId: caller.principal.userId,
        });
        if (!moved) throw stale();
        await auditBy(tx, caller, {
          orgId: hostOrgId,
          action: 'pipeline.move',
          entityType: 'partnership_prospect',
          entityId: before.id,
          before: { stage: before.stage, stageSince: before.stageSince },
          after: { stage: input.stage, stageSince: input.movedOn, note: input.note.trim() },
        });
        return (await repo.byId(tx, hostOrgId, before.id))!;
      });
    },
  };
}

export type PipelineService = ReturnType<typeof pipelineService>;
