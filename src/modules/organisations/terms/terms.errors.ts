import { defineErrorCodes, DomainError } from '../../../platform/errors.js';
import { refusedBy } from '../../../platform/db/index.js';

export const TERMS_ERRORS = defineErrorCodes({
  ERR_AGREEMENT_VERSION_OVERLAP: 409,
  ERR_AGREEMENT_VERSION_SIGNED: 409,
  ERR_AGREEMENT_DRAFT_EXISTS: 409,
});

/** A version that would start on or before one already signed: their times in force would overlap. */
export function versionOverlap(
  message = 'A signed version of this agreement already starts on or after that day',
): DomainError {
  return new DomainError('ERR_AGREEMENT_VERSION_OVERLAP', message, {
    fields: { effectiveFrom: 'terms.errors.overlap' },
  });
}

export function versionSigned(): DomainError {
  return new DomainError(
    'ERR_AGREEMENT_VERSION_SIGNED',
    'That version is signed and never changes; draft a new version instead',
  );
}

export function draftExists(): DomainError {
  return new DomainError(
    'ERR_AGREEMENT_DRAFT_EXISTS',
    'This agreement already has a draft version: change or discard it first',
    { fields: { effectiveFrom: 'terms.errors.draftExists' } },
  );
}

// Writes racing past the application's checks: migration 0025 refuses the second.
refusedBy('agreement_versions_overlap', () => versionOverlap());
refusedBy('agreement_versions_host_org_id_org_id_effective_from_key', () => versionOverlap());
refusedBy('agreement_versions_one_draft', () => draftExists());
refusedBy('agreement_version_signed', () => versionSigned());
