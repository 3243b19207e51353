import type { Static } from '@fastify/type-provider-typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { notFound, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import type { Filled } from '../../../platform/api/index.js';
import { isUuid } from '../../../platform/ids.js';
import { addDays, londonDate } from '../../../kernel/dates.js';
import { auditBy } from '../../audit/index.js';
import { organisationsPolicy as policy } from '../organisations.policy.js';
import { agreementsRepository } from '../agreements/agreements.repository.js';
import type { PartnerOrganisation } from '../agreements/agreements.service.js';
import { termsRepository as repo, type TermsDraft, type TermsVersion } from './terms.repository.js';
import { draftExists, versionOverlap, versionSigned } from './terms.errors.js';
import type { SignBody, TermsBody } from './terms.schemas.js';

export type TermsInput = Filled<Static<typeof TermsBody>>;
export type SignInput = Filled<Static<typeof SignBody>>;
export type TermsState = 'draft' | 'in_force' | 'future' | 'superseded';

export interface TermsView extends TermsVersion {
  state: TermsState;
  /** The last day in force: the day before the next signed version starts; null while none follows. */
  effectiveUntil: string | null;
}

/**
 * When each version is in force: a signed version from its first day until the day before the next
 * signed version's first day. `versions` in any order; the answer in the same order.
 */
export function termsInForce(versions: readonly TermsVersion[], today: string): TermsView[] {
  const starts = versions
    .filter((v) => v.status === 'signed')
    .map((v) => v.effectiveFrom)
    .sort();
  return versions.map((version) => {
    if (version.status === 'draft') return { ...version, state: 'draft', effectiveUntil: null };
    const next = starts.find((start) => start > version.effectiveFrom);
    const effectiveUntil = next ? addDays(next, -1) : null;
    const state: TermsState =
      version.effectiveFrom > today
        ? 'future'
        : effectiveUntil !== null && effectiveUntil < today
          ? 'superseded'
          : 'in_force';
    return { ...version, state, effectiveUntil };
  });
}

/** A version's problems that need no database: the review after the start, each line once. */
export function termsProblems(input: TermsInput): FieldErrors {
  const problems: FieldErrors = {};
  if (input.reviewOn <= input.effectiveFrom) problems.reviewOn = 'terms.errors.reviewBeforeStart';
  const codes = input.lines.map((line) => line.serviceLine);
  if (new Set(codes).size !== codes.length) problems.lines = 'terms.errors.lineTwice';
  return problems;
}

function snapshot(
  organisation: PartnerOrganisation,
  version: Pick<TermsVersion, 'version' | 'status'>,
  draft?: TermsDraft,
) {
  return { organisation: organisation.code, version: version.version, status: version.status, ...draft };
}

/**
 * The terms agreed with each partner, as versions: drafted and changed by the host's executives and
 * platform administrators, then signed, after which a version never changes (the database says the
 * same). A later version supersedes it from its own first day.
 */
export function termsService(db: Database) {
  const unit = <T>(
    caller: Caller,
    orgId: string,
    work: (tx: Tx, organisation: PartnerOrganisation) => Promise<T>,
    keeping: boolean,
  ) => {
    if (keeping) policy.keepTerms(caller.principal, orgId);
    else policy.readTerms(caller.principal, orgId);
    return inScope(db, scopeOf(caller.principal), async (tx) => {
      const organisation = isUuid(orgId)
        ? await agreementsRepository.organisation(tx, orgId.toLowerCase())
        : undefined;
      if (!organisation) throw notFound('That organisation');
      return work(tx, organisation);
    });
  };

  const found = async (tx: Tx, organisation: PartnerOrganisation, versionId: string) => {
    const version = isUuid(versionId)
      ? await repo.byId(tx, organisation.id, versionId.toLowerCase())
      : undefined;
    if (!version) throw notFound('That version of the agreement');
    return version;
  };

  const view = async (tx: Tx, organisation: PartnerOrganisation, versionId: string) => {
    const all = termsInForce(await repo.list(tx, organisation.id), londonDate());
    const version = all.find((v) => v.id === versionId);
    if (!version) throw notFound('That version of the agreement');
    return version;
  };

  /** The draft as it will be stored, the lines by their ids, or the fields' problems. */
  const draftOf = async (tx: Tx, hostOrgId: string, input: TermsInput): Promise<TermsDraft> => {
    const problems = termsProblems(input);
    const lines = new Map((await repo.hostLines(tx, hostOrgId)).map((line) => [line.code, line.id]));
    const unknown = input.lines.findIndex((line) => !lines.has(line.serviceLine));
    if (unknown >= 0) problems[`lines.${unknown}.serviceLine`] = 'terms.errors.lineUnknown';
    if (Object.keys(problems).length) throw validationFailed(problems);
    return {
      effectiveFrom: input.effectiveFrom,
      reviewOn: input.reviewOn,
      noticeMonths: input.noticeMonths,
      exitCostSharing: input.exitCostSharing.trim(),
      dataSharingRole: input.dataSharingRole,
      notes: input.notes.trim(),
      lines: input.lines.map((line) => ({
        serviceLineId: lines.get(line.serviceLine)!,
        chargingModel: line.chargingModel,
      })),
    };
  };

  /** A version may start only after every signed version of the same partner has started. */
  const refuseOverlap = (versions: readonly TermsVersion[], effectiveFrom: string, except?: string) => {
    const clash = versions.find(
      (v) => v.status === 'signed' && v.id !== except && v.effectiveFrom >= effectiveFrom,
    );
    if (clash)
      throw versionOverlap(
        `Version ${clash.version}, signed, starts on ${clash.effectiveFrom}: a new version must start after it`,
      );
  };

  return {
    /** The organisation, every version of its terms (newest first), and what the caller may do. */
    async list(caller: Caller, orgId: string) {
      const canKeep = policy.canKeepTerms(caller.principal);
      return unit(
        caller,
        orgId,
        async (tx, organisation) => ({
          organisation,
          versions: termsInForce(await repo.list(tx, organisation.id), londonDate()),
          lines: canKeep ? await repo.hostLines(tx, caller.principal.org.orgId) : [],
          canKeep,
        }),
        false,
      );
    },

    async get(caller: Caller, orgId: string, versionId: string) {
      return unit(
        caller,
        orgId,
        async (tx, organisation) => {
          if (!isUuid(versionId)) throw notFound('That version of the agreement');
          return {
            organisation,
            version: await view(tx, organisation, versionId.toLowerCase()),
            canKeep: policy.canKeepTerms(caller.principal),
          };
        },
        false,
      );
    },

    /** The host's service lines a version may cover. */
    async lines(caller: Caller, orgId: string) {
      return unit(
        caller,
        orgId,
        async (tx, organisation) => ({
          organisation,
          lines: await repo.hostLines(tx, caller.principal.org.orgId),
        }),
        true,
      );
    },

    /** Drafts the next version of a partner's terms. */
    async draft(caller: Caller, orgId: string, input: TermsInput): Promise<TermsView> {
      return unit(
        caller,
        orgId,
        async (tx, organisation) => {
          if (organisation.role !== 'partner') throw validationFailed({ lines: 'terms.errors.host' });
          const hostOrgId = caller.principal.org.orgId;
          const draft = await draftOf(tx, hostOrgId, input);
          const versions = await repo.list(tx, organisation.id);
          if (versions.some((v) => v.status === 'draft')) throw draftExists();
          refuseOverlap(versions, draft.effectiveFrom);
          const number = await repo.nextNumber(tx, hostOrgId, organisation.id);
          const id = await repo.insert(
            tx,
            { orgId: organisation.id, hostOrgId, version: number, userId: caller.principal.userId },
            draft,
          );
          await auditBy(tx, caller, {
            // Kept in the host's audit chain: the host keeps the terms.
            orgId: caller.principal.org.orgId,
            action: 'agreement_terms.draft',
            entityType: 'agreement_version',
            entityId: id,
            after: snapshot(organisation, { version: number, status: 'draft' }, draft),
          });
          return view(tx, organisation, id);
        },
        true,
      );
    },

    /** Changes a draft; a signed version never changes. */
    async revise(caller: Caller, orgId: string, versionId: string, input: TermsInput): Promise<TermsView> {
      return unit(
        caller,
        orgId,
        async (tx, organisation) => {
          const before = await found(tx, organisation, versionId);
          if (before.status === 'signed') throw versionSigned();
          const draft = await draftOf(tx, before.hostOrgId, input);
          refuseOverlap(await repo.list(tx, organisation.id), draft.effectiveFrom, before.id);
          await repo.updateDraft(tx, before, draft);
          await auditBy(tx, caller, {
            // Kept in the host's audit chain: the host keeps the terms.
            orgId: caller.principal.org.orgId,
            action: 'agreement_terms.revise',
            entityType: 'agreement_version',
            entityId: before.id,
            before: snapshot(organisation, before, {
              ...before,
              lines: before.lines.map((l) => ({
                serviceLineId: l.serviceLineId,
                chargingModel: l.chargingModel,
              })),
            }),
            after: snapshot(organisation, before, draft),
          });
          return view(tx, organisation, before.id);
        },
        true,
      );
    },

    /** Signs a draft: from now on it never changes, and it is in force from its first day. */
    async sign(caller: Caller, orgId: string, versionId: string, input: SignInput): Promise<TermsView> {
      return unit(
        caller,
        orgId,
        async (tx, organisation) => {
          const before = await found(tx, organisation, versionId);
          if (before.status === 'signed') throw versionSigned();
          if (input.signedOn > londonDate())
            throw validationFailed({ signedOn: 'terms.errors.signedInFuture' });
          refuseOverlap(await repo.list(tx, organisation.id), before.effectiveFrom, before.id);
          const signing = {
            signedOn: input.signedOn,
            signedForPartner: input.signedForPartner.trim(),
            userId: caller.principal.userId,
          };
          await repo.sign(tx, before, signing);
          await auditBy(tx, caller, {
            // Kept in the host's audit chain: the host keeps the terms.
            orgId: caller.principal.org.orgId,
            action: 'agreement_terms.sign',
            entityType: 'agreement_version',
            entityId: before.id,
            before: snapshot(organisation, before),
            after: {
              ...snapshot(organisation, { ...before, status: 'signed' }),
              signedOn: signing.signedOn,
              signedForPartner: signing.signedForPartner,
            },
          });
          return view(tx, organisation, before.id);
        },
        true,
      );
    },

    /** Discards a draft; a signed version stays for ever. */
    async discard(caller: Caller, orgId: string, versionId: string): Promise<void> {
      return unit(
        caller,
        orgId,
        async (tx, organisation) => {
          const before = await found(tx, organisation, versionId);
          if (before.status === 'signed') throw versionSigned();
          await repo.removeDraft(tx, before);
          await auditBy(tx, caller, {
            // Kept in the host's audit chain: the host keeps the terms.
            orgId: caller.principal.org.orgId,
            action: 'agreement_terms.discard',
            entityType: 'agreement_version',
            entityId: before.id,
            before: snapshot(organisation, before),
          });
        },
        true,
      );
    },
  };
}

export type TermsService = ReturnType<typeof termsService>;
