// The words and error codes register themselves when loaded.
import './attachments.messages.js';
import './attachments.errors.js';

export { attachmentsService, type AttachmentsService, type Attachment } from './attachments.service.js';
export { attachmentsApi } from './attachments.api.js';
export { attachmentsRoutes } from './attachments.routes.js';
export {
  acceptMultipart,
  readMultipart,
  multipartFormBody,
  uploadedFiles,
  type UploadedFile,
  type MultipartForm,
} from './multipart.js';
export { attachmentSettingsFrom, type AttachmentSettings } from './settings.js';
export { fileSystemStore, type AttachmentStore } from './store.js';
