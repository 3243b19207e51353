import crypto from 'node:crypto';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, readInScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { translate } from '../../../platform/web/index.js';
import { appraise, type AppraisalResult } from '../../../kernel/appraisal.js';
import { auditBy } from '../../audit/index.js';
import { planningPolicy as policy } from '../planning.policy.js';
import { caseApproved } from '../planning.errors.js';
import { caseBody, readCase, type CaseBody, type CaseInput } from './appraisal.input.js';
import {
  appraisalRepository as repo,
  type CaseSummary,
  type ResolvedSaving,
  type StoredCase,
} from './appraisal.repository.js';

/** A stored case with its appraisal, computed by the kernel from what is stored. */
export interface AppraisedCase extends StoredCase {
  results: AppraisalResult;
}

/** A change a page makes to a case: given the case as the API would send it, the case as it should be. */
export type CaseChange = (body: CaseBody) => unknown;

function stale(): DomainError {
  return new DomainError('ERR_STALE', 'Someone else has changed this business case since you opened it');
}

/** What the audit log keeps of a case: its outline and a digest of its whole content. */
function outline(input: CaseInput, version: number) {
  return {
    title: input.title,
    baseYear: input.baseYear,
    horizonYears: input.horizonYears,
    options: input.options.map((option) => option.code),
    preferred: input.options.find((option) => option.preferred)?.code ?? null,
    plannedSavings: input.plannedSavings.length,
    version,
    sha256: crypto
      .createHash('sha256')
      .update(JSON.stringify(caseBody(input)))
      .digest('hex'),
  };
}

/** The planned savings' partners and lines by id; unknown ones are problems by path. */
async function resolveSavings(tx: Tx, hostOrgId: string, input: CaseInput): Promise<ResolvedSaving[]> {
  if (!input.plannedSavings.length) return [];
  const { organisations, lines } = await repo.lookups(
    tx,
    hostOrgId,
    input.plannedSavings.map((saving) => saving.organisation),
  );
  const errors: FieldErrors = {};
  const resolved = input.plannedSavings.map((saving, index) => {
    const org = organisations.get(saving.organisation);
    const line = lines.get(saving.serviceLine);
    const number = index + 1;
    if (!org || org.role !== 'partner')
      errors[`plannedSavings.${index}.organisation`] = translate(
        'planning.errors.savingOrganisationUnknown',
        {
          number,
          organisation: saving.organisation,
        },
      );
    if (!line)
      errors[`plannedSavings.${index}.serviceLine`] = translate('planning.errors.savingLineUnknown', {
        number,
        line: saving.serviceLine,
      });
    return {
      partnerOrgId: org?.id ?? '',
      serviceLineId: line ?? '',
      year: saving.year,
      amountPence: saving.amountPence,
    };
  });
  if (Object.keys(errors).length) throw validationFailed(errors);
  return resolved;
}

function checked(body: unknown): CaseInput {
  const read = readCase(body);
  if (read.errors) throw validationFailed(read.errors);
  return read.value;
}

export function appraisalService(db: Database) {
  const find = async (tx: Tx, hostOrgId: string, id: string) => {
    const found = isUuid(id) ? await repo.find(tx, hostOrgId, id.toLowerCase()) : undefined;
    if (!found) throw notFound('That business case');
    return found;
  };

  /** Writes a checked case over a draft, if it is still the version the caller saw. */
  const replaceIn = async (
    tx: Tx,
    ctx: Caller,
    hostOrgId: string,
    id: string,
    input: CaseInput,
    version: number | undefined,
  ) => {
    const row = isUuid(id) ? await repo.lock(tx, hostOrgId, id.toLowerCase()) : undefined;
    if (!row) throw notFound('That business case');
    if (row.status === 'approved') throw caseApproved();
    if (version !== undefined && version !== row.version) throw stale();
    const savings = await resolveSavings(tx, hostOrgId, input);
    await repo.update(tx, hostOrgId, id, input);
    await repo.writeChildren(tx, hostOrgId, id, input, savings);
    await auditBy(tx, ctx, {
      orgId: hostOrgId,
      action: 'business_case.change',
      entityType: 'business_case',
      entityId: id,
      after: outline(input, row.version + 1),
    });
  };

  return {
    /** The host's business cases, newest change first. */
    async list(ctx: Caller): Promise<CaseSummary[]> {
      const hostOrgId = policy.readPlans(ctx.principal);
      return readInScope(db, scopeOf(ctx.principal), (tx) => repo.list(tx, hostOrgId));
    },

    /** One case with its appraisal. */
    async get(ctx: Caller, id: string): Promise<AppraisedCase> {
      const hostOrgId = policy.readPlan(ctx.principal);
      const found = await readInScope(db, scopeOf(ctx.principal), (tx) => find(tx, hostOrgId, id));
      return { ...found, results: appraise(found.input) };
    },

    /** Stores a new draft case from the API's shape; every problem is named by its path. */
    async create(ctx: Caller, body: unknown): Promise<string> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      const input = checked(body);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const savings = await resolveSavings(tx, hostOrgId, input);
        const id = await repo.insert(tx, hostOrgId, ctx.principal.userId, input);
        await repo.writeChildren(tx, hostOrgId, id, input, savings);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'business_case.create',
          entityType: 'business_case',
          entityId: id,
          after: outline(input, 1),
        });
        return id;
      });
    },

    /** Replaces a draft whole, from the API's shape (`version`: the one the caller read, if given). */
    async replace(ctx: Caller, id: string, body: unknown, version?: number): Promise<void> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      const input = checked(body);
      await inScope(db, scopeOf(ctx.principal), (tx) => replaceIn(tx, ctx, hostOrgId, id, input, version));
    },

    /**
     * Changes part of a draft (a page's form): `change` is given the case as stored and returns the
     * case as it should be, which is checked whole, so a change that breaks another part (a horizon
     * cut below a year with cash flows) is refused naming that part.
     */
    async change(ctx: Caller, id: string, version: number | undefined, change: CaseChange): Promise<void> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const current = await find(tx, hostOrgId, id);
        if (current.status === 'approved') throw caseApproved();
        if (version !== undefined && version !== current.version) throw stale();
        const input = checked(change(caseBody(current.input)));
        await replaceIn(tx, ctx, hostOrgId, current.id, input, current.version);
      });
    },

    /** Approves a draft (executives): the case never changes again and its planned savings are fixed. */
    async approve(ctx: Caller, id: string, version?: number): Promise<void> {
      const hostOrgId = policy.approveCase(ctx.principal);
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const row = isUuid(id) ? await repo.lock(tx, hostOrgId, id.toLowerCase()) : undefined;
        if (!row) throw notFound('That business case');
        if (row.status === 'approved') throw caseApproved();
        if (version !== undefined && version !== row.version) throw stale();
        const planned = await repo.approve(tx, hostOrgId, id.toLowerCase(), ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'business_case.approve',
          entityType: 'business_case',
          entityId: id.toLowerCase(),
          before: { status: 'draft', version: row.version },
          after: { status: 'approved', version: row.version, plannedSavings: planned },
        });
      });
    },

    /** Removes a draft. */
    async remove(ctx: Caller, id: string): Promise<void> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const found = await find(tx, hostOrgId, id);
        if (found.status === 'approved') throw caseApproved();
        await repo.remove(tx, hostOrgId, found.id);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'business_case.remove',
          entityType: 'business_case',
          entityId: found.id,
          before: outline(found.input, found.version),
        });
      });
    },
  };
}

export type AppraisalService = ReturnType<typeof appraisalService>;
