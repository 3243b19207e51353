import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, refusalOf, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import { formatPounds } from '../../../kernel/money.js';
import { isUuid } from '../../../platform/ids.js';
import { auditBy } from '../../audit/index.js';
import { agreementsRepository } from '../../organisations/index.js';
import { accessOf, cataloguePolicy as policy, type Access } from '../catalogue.policy.js';
import { tariffOverlap } from '../catalogue.errors.js';
import { offeringsRepository } from '../offerings/offerings.repository.js';
import { tariffsRepository as repo, type Tariff } from './tariffs.repository.js';
import { tariffOf, type TariffInput, type TariffValues } from './tariffs.schemas.js';
import { readTariffCsv, type ImportProblem } from './tariffs.import.js';

const unknownOffering = () =>
  new DomainError('ERR_UNKNOWN_OFFERING', 'No offering has that code', {
    fields: { offering: 'catalogue.errors.offeringUnknown' },
  });
const unknownPartner = () =>
  new DomainError('ERR_UNKNOWN_ORGANISATION', 'No partner taking this service has that code', {
    fields: { organisation: 'catalogue.errors.organisationUnknown' },
  });

type PartnerLookup = (hostOrgId: string, lineId: string, code: string) => Promise<string | undefined>;

/** Finds a partner taking a line by its code, remembering each line's partners for the rest of the unit of work. */
function partnerCodes(tx: Tx): PartnerLookup {
  const byLine = new Map<string, Promise<Map<string, string>>>();
  return async (hostOrgId, lineId, code) => {
    if (!byLine.has(lineId))
      byLine.set(
        lineId,
        agreementsRepository
          .partnersTaking(tx, hostOrgId, [lineId])
          .then((list) => new Map(list.map((p) => [p.code, p.id]))),
      );
    return (await byLine.get(lineId)!).get(code);
  };
}

/**
 * Records a price of an offering and its audit entry, in the caller's unit of work: for the
 * prices pages and API, and for the standard price given with a new offering. Overlaps are the
 * caller's to check first; the database refuses any that slip through.
 */
export async function recordPrice(
  tx: Tx,
  caller: Caller,
  offering: { id: string; code: string; hostOrgId: string; serviceLineId: string },
  input: TariffInput & { orgId: string },
): Promise<string> {
  const id = await repo.insert(tx, {
    orgId: input.orgId,
    hostOrgId: offering.hostOrgId,
    serviceLineId: offering.serviceLineId,
    offeringId: offering.id,
    pence: input.pence,
    validFrom: input.validFrom,
    validTo: input.validTo,
    createdBy: caller.principal.userId,
  });
  await auditBy(tx, caller, {
    orgId: offering.hostOrgId,
    action: 'tariff.add',
    entityType: 'tariff',
    entityId: id,
    after: {
      offering: offering.code,
      organisation: input.organisation,
      unitPrice: formatPounds(input.pence),
      validFrom: input.validFrom,
      validTo: input.validTo,
    },
  });
  return id;
}

/** A price of a line the caller manages; any other, or none, is not found. */
async function managedTariff(tx: Tx, access: Access, id: string): Promise<Tariff> {
  const tariff = isUuid(id) ? await repo.byId(tx, id.toLowerCase()) : undefined;
  if (!tariff || !access.managedLineIds.includes(tariff.serviceLineId)) throw notFound('That price');
  return tariff;
}

/**
 * Prices: a unit price per offering, the standard one (the host's) and partners' own, each valid
 * from a date to a date. Two prices of one offering for one organisation never overlap; a price is
 * never deleted, only ended.
 */
export function tariffsService(db: Database) {
  const unit = <T>(caller: Caller, work: (tx: Tx, access: Access) => Promise<T>) =>
    inScope(db, scopeOf(caller.principal), async (tx) => work(tx, await accessOf(tx, caller.principal)));

  const addOne = async (
    tx: Tx,
    caller: Caller,
    access: Access,
    input: TariffInput,
    partners: PartnerLookup,
  ) => {
    const offering = access.hostOrgId
      ? await offeringsRepository.byCode(tx, access.hostOrgId, input.offering)
      : undefined;
    policy.manageLine(
      access,
      offering?.serviceLineId,
      unknownOffering,
      'Only service managers of that line change its prices',
    );
    let orgId = offering.hostOrgId;
    if (input.organisation !== null) {
      const partnerId = await partners(offering.hostOrgId, offering.serviceLineId, input.organisation);
      if (!partnerId) throw unknownPartner();
      orgId = partnerId;
    }
    const [clash] = await repo.overlapping(tx, offering.id, orgId, input.validFrom, input.validTo);
    if (clash)
      throw tariffOverlap(
        `Those dates overlap the price in force from ${clash.validFrom}${clash.validTo ? ` to ${clash.validTo}` : ''}`,
      );
    // A write racing this one can pass the check above too; the database then refuses the second,
    // which the unit of work answers with the same ERR_TARIFF_OVERLAP (catalogue.errors.ts).
    return recordPrice(tx, caller, offering, { ...input, orgId });
  };

  return {
    /** Every price the caller may read (see `seePrices`), past and future, and whether they may change them. */
    async list(caller: Caller): Promise<{ tariffs: Tariff[]; canChange: boolean }> {
      return unit(caller, async (tx, access) => {
        const { lineIds, orgIds, canChange } = policy.seePrices(access);
        return { tariffs: await repo.list(tx, { lineIds, ...(orgIds ? { orgIds } : {}) }), canChange };
      });
    },

    /** What the form for one price offers: the offerings of the lines the caller keeps, and the partners taking them. */
    async form(caller: Caller) {
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const offerings = await offeringsRepository.list(tx, { lineIds: access.managedLineIds });
        const partners = await agreementsRepository.partnersTaking(
          tx,
          access.hostOrgId!,
          access.managedLineIds,
        );
        return {
          offerings: offerings.map(({ code, name }) => ({ code, name })),
          partners: partners.map(({ code, name }) => ({ code, name })),
        };
      });
    },

    /** One price the caller may change, to end it. */
    async get(caller: Caller, id: string): Promise<Tariff> {
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        return managedTariff(tx, access, id);
      });
    },

    async add(caller: Caller, values: TariffValues): Promise<Tariff> {
      const input = tariffOf(values);
      if (input.errors) throw validationFailed(input.errors);
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const id = await addOne(tx, caller, access, input.value, partnerCodes(tx));
        return (await repo.byId(tx, id))!;
      });
    },

    /** Ends a price on a date (inclusive); the row stays, as history. */
    async end(caller: Caller, id: string, validTo: string): Promise<Tariff> {
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const tariff = await managedTariff(tx, access, id);
        if (validTo < tariff.validFrom)
          throw validationFailed({ validTo: 'catalogue.errors.validToBeforeFrom' });
        if (tariff.validTo !== null && validTo > tariff.validTo)
          throw validationFailed({ validTo: 'catalogue.errors.endLater' });
        const after = await repo.end(tx, tariff, validTo);
        await auditBy(tx, caller, {
          orgId: tariff.hostOrgId,
          action: 'tariff.end',
          entityType: 'tariff',
          entityId: tariff.id,
          before: { validTo: tariff.validTo },
          after: { validTo },
        });
        return after;
      });
    },

    /**
     * Applies every line of a price file, or none: any wrong line (a bad value, an unknown code,
     * dates overlapping a price or another line of the file) rejects the whole file, naming each
     * problem and its line.
     */
    async importTariffs(
      caller: Caller,
      csv: string,
      onProgress: (done: number, total: number) => void = () => {},
    ): Promise<{ added: number }> {
      const { rows, problems } = await readTariffCsv(csv);
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const partners = partnerCodes(tx);
        let added = 0;
        for (const [index, { line, value }] of rows.entries()) {
          try {
            await addOne(tx, caller, access, value, partners);
            added++;
          } catch (error) {
            const refusal = refusalOf(error);
            if (refusal) {
              // The database refused the line, which aborts the transaction: no later line can be
              // checked, so the file is rejected with the problems found up to this one.
              for (const [field, message] of Object.entries((refusal.details?.fields ?? {}) as FieldErrors))
                problems.push({ line, field, message });
              break;
            }
            if (!(error instanceof DomainError)) throw error;
            const fields = error.details?.fields as FieldErrors | undefined;
            if (fields)
              for (const [field, message] of Object.entries(fields)) problems.push({ line, field, message });
            else if (error.code === 'ERR_FORBIDDEN')
              problems.push({ line, field: 'offering', message: 'catalogue.errors.offeringNotYours' });
            else throw error;
          }
          if ((index + 1) % 100 === 0 || index + 1 === rows.length) onProgress(index + 1, rows.length);
        }
        if (problems.length) throw importRejected(problems);
        return { added };
      });
    },
  };
}

function importRejected(problems: ImportProblem[]): DomainError {
  problems.sort((a, b) => a.line - b.line);
  return new DomainError(
    'ERR_IMPORT_REJECTED',
    `${problems.length} problem(s) in the file; nothing was imported`,
    {
      fields: { csv: 'catalogue.errors.csvRejected' },
      rows: problems,
    },
  );
}

export type TariffsService = ReturnType<typeof tariffsService>;
