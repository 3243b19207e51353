import { registerMessages } from '../../../platform/web/index.js';

/** The attachments' words, under `attachments` in the message catalogue. */
export const attachmentsMessages = {
  file: 'File',
  download: 'Download {name}',
  size: '{size} KB',
  errors: {
    missing: 'Choose a file',
    tooLarge: 'The file is larger than the service accepts',
    type: 'The file must be a PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, CSV or text file',
    disguised: 'The file’s content is not the kind of file its name says',
  },
};

registerMessages('attachments', attachmentsMessages);
