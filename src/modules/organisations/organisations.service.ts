import { scopeOf, type Caller, type CredentialCache } from '../../platform/auth/index.js';
import { inScope, type Database } from '../../platform/db/index.js';
import { DomainError, notFound, validationFailed } from '../../platform/errors.js';
import { auditBy } from '../audit/index.js';
import { organisationsRepository as repo, type Organisation } from './organisations.repository.js';
import { organisationsPolicy as policy } from './organisations.policy.js';
import { validateOrganisation } from './organisations.schemas.js';

/** A use case's caller (see `Caller`). */
export type Context = Caller;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

function snapshot(org: Organisation) {
  return {
    code: org.code,
    name: org.name,
    role: org.role,
    kind: org.kind,
    parentId: org.parentId,
    bankHolidayDivision: org.bankHolidayDivision,
  };
}

export interface OrganisationsOptions {
  /** Remembered sign-ins, which show an organisation's code, name and role: changes drop them. */
  credentials: Pick<CredentialCache<unknown>, 'changing'>;
}

export function organisationsService(db: Database, options: OrganisationsOptions) {
  const checkParent = async (
    tx: Parameters<typeof repo.findById>[0],
    id: string | null,
    parentId: string | null,
  ) => {
    if (parentId === null) return;
    if (id !== null && parentId === id)
      throw validationFailed({ parentId: 'organisations.errors.parentSelf' });
    if (!(await repo.findById(tx, parentId)))
      throw validationFailed({ parentId: 'organisations.errors.parentUnknown' });
    if (id !== null && (await repo.wouldLoop(tx, id, parentId))) {
      throw validationFailed({ parentId: 'organisations.errors.parentSelf' });
    }
  };

  return {
    async list(ctx: Context): Promise<Organisation[]> {
      return inScope(db, scopeOf(ctx.principal), (tx) => repo.list(tx, policy.visibleIds(ctx.principal)));
    },

    /** One organisation; "not found" both when it does not exist and when the caller may not see it. */
    async get(ctx: Context, id: string) {
      policy.see(ctx.principal, id);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const org = await repo.findById(tx, id);
        if (!org) throw notFound('That organisation');
        return { ...org, members: await repo.members(tx, id) };
      });
    },

    async add(ctx: Context, input: Record<string, unknown>): Promise<Organisation> {
      policy.add(ctx.principal);
      const { value, errors } = validateOrganisation(input);
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        await checkParent(tx, null, value.parentId);
        if (await repo.findByCode(tx, value.code)) {
          throw new DomainError(
            'ERR_ORGANISATION_CODE_TAKEN',
            `An organisation with code ${value.code} already exists`,
            {
              fields: { code: 'organisations.errors.codeTaken' },
            },
          );
        }
        let org: Organisation;
        try {
          org = await repo.insert(tx, value);
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new DomainError(
              'ERR_ORGANISATION_CODE_TAKEN',
              `An organisation with code ${value.code} already exists`,
              {
                fields: { code: 'organisations.errors.codeTaken' },
              },
            );
          }
          throw error;
        }
        await auditBy(tx, ctx, {
          orgId: org.id,
          action: 'organisation.add',
          entityType: 'organisation',
          entityId: org.id,
          after: snapshot(org),
        });
        return org;
      });
    },

    async change(ctx: Context, id: string, input: Record<string, unknown>): Promise<Organisation> {
      policy.change(ctx.principal, id);
      const { value, errors } = validateOrganisation(input);
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      return options.credentials.changing(() =>
        inScope(db, scopeOf(ctx.principal), async (tx) => {
          const before = await repo.findById(tx, id);
          if (!before) throw notFound('That organisation');
          await checkParent(tx, id, value.parentId);
          const sameCode = await repo.findByCode(tx, value.code);
          if (sameCode && sameCode.id !== id) {
            throw new DomainError(
              'ERR_ORGANISATION_CODE_TAKEN',
              `An organisation with code ${value.code} already exists`,
              {
                fields: { code: 'organisations.errors.codeTaken' },
              },
            );
          }
          const after = (await repo.update(tx, id, value))!;
          await auditBy(tx, ctx, {
            orgId: id,
            action: 'organisation.change',
            entityType: 'organisation',
            entityId: id,
            before: snapshot(before),
            after: snapshot(after),
          });
          return after;
        }),
      );
    },
  };
}

export type OrganisationsService = ReturnType<typeof organisationsService>;
