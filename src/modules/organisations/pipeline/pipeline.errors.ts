import { defineErrorCodes, DomainError } from '../../../platform/errors.js';
import { refusedBy } from '../../../platform/db/index.js';
import type { StageRefusal } from '../../../kernel/partnership-stages.js';

export const PIPELINE_ERRORS = defineErrorCodes({
  ERR_STAGE_SAME: 409,
  ERR_STAGE_NOT_ALLOWED: 409,
  ERR_STAGE_NEEDS_ORGANISATION: 409,
  ERR_STAGE_NEEDS_AGREEMENT: 409,
  ERR_PROSPECT_NAME_TAKEN: 409,
  ERR_PROSPECT_ORGANISATION_TAKEN: 409,
});

const STAGE_MESSAGES: Record<StageRefusal, string> = {
  ERR_STAGE_SAME: 'It is already at that stage',
  ERR_STAGE_NOT_ALLOWED: 'That move skips a required step or goes where this stage cannot go',
  ERR_STAGE_NEEDS_ORGANISATION: 'Link it to its registered organisation before it moves to that stage',
  ERR_STAGE_NEEDS_AGREEMENT: 'It can go live only once a version of its agreement is signed',
};

/** A move the pipeline's rules refuse, naming the field a form shows it by. */
export function stageRefused(refusal: StageRefusal): DomainError {
  const key = {
    ERR_STAGE_SAME: 'same',
    ERR_STAGE_NOT_ALLOWED: 'notAllowed',
    ERR_STAGE_NEEDS_ORGANISATION: 'needsOrganisation',
    ERR_STAGE_NEEDS_AGREEMENT: 'needsAgreement',
  }[refusal];
  return new DomainError(refusal, STAGE_MESSAGES[refusal], {
    fields: { stage: `pipeline.errors.${key}` },
  });
}

export function nameTaken(): DomainError {
  return new DomainError('ERR_PROSPECT_NAME_TAKEN', 'The pipeline already has an entry of that name', {
    fields: { name: 'pipeline.errors.nameTaken' },
  });
}

export function organisationTaken(): DomainError {
  return new DomainError(
    'ERR_PROSPECT_ORGANISATION_TAKEN',
    'That organisation already has an entry in the pipeline',
    { fields: { organisation: 'pipeline.errors.organisationTaken' } },
  );
}

refusedBy('partnership_prospects_name', nameTaken);
refusedBy('partnership_prospects_organisation', organisationTaken);
