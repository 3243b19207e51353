import { DomainError } from '../../platform/errors.js';

/**
 * The database's own refusals that the catalogue knows, by the constraint the triggers name. They
 * happen when two writes race past the application's check; each becomes the same domain error the
 * check would have given.
 */
const REFUSALS: Record<string, () => DomainError> = {
  tariffs_no_overlap: () =>
    new DomainError(
      'ERR_TARIFF_OVERLAP',
      'Those dates overlap another price of this offering for the same organisation',
      {
        fields: { validFrom: 'catalogue.errors.tariffOverlap' },
      },
    ),
  service_agreements_no_overlap: () =>
    new DomainError(
      'ERR_AGREEMENT_OVERLAP',
      'Those dates overlap another agreement of this partner for the same service line',
      {
        fields: { validFrom: 'catalogue.errors.agreementOverlap' },
      },
    ),
};

const EXCLUSION_VIOLATION = '23P01';

/** The domain error for a database refusal the catalogue knows, or undefined for anything else. */
export function fromDatabaseRefusal(error: unknown): DomainError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== EXCLUSION_VIOLATION || typeof constraint !== 'string') return undefined;
  return REFUSALS[constraint]?.();
}
