import { defineErrorCodes, DomainError } from '../../../platform/errors.js';

/** The attachments' error codes. */
export const ATTACHMENT_ERRORS = defineErrorCodes({
  /** A kind of file Tandem does not take here (an executable, an archive, an image other than PNG or JPEG…). */
  ERR_ATTACHMENT_TYPE: 415,
  /** A file whose content is not what its name says (a "PDF" that is really a program, a ".docx" that is text). */
  ERR_ATTACHMENT_DISGUISED: 415,
  /** An empty file, or a request that gave no file at all. */
  ERR_ATTACHMENT_MISSING: 400,
});

export function attachmentRefused(
  code: keyof typeof ATTACHMENT_ERRORS,
  message: string,
  fileName: string,
): DomainError {
  const key =
    code === 'ERR_ATTACHMENT_TYPE'
      ? 'attachments.errors.type'
      : code === 'ERR_ATTACHMENT_DISGUISED'
        ? 'attachments.errors.disguised'
        : 'attachments.errors.missing';
  return new DomainError(code, message, { fields: { file: key }, fileName });
}
