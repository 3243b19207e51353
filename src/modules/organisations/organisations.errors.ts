import { defineErrorCodes } from '../../platform/errors.js';

/** The organisations module's error codes. */
export const ORGANISATION_ERRORS = defineErrorCodes({
  ERR_ORGANISATION_CODE_TAKEN: 409,
});
