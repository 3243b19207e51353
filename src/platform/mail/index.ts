export {
  queueMail,
  queueMailWith,
  MAIL_BLANK,
  messageIdFor,
  mailTx,
  type OutgoingMail,
  type OutboxTable,
  type OutboxStatus,
  type MailTables,
} from './outbox.js';
export {
  createMailer,
  DISPATCH_QUEUE,
  type Mailer,
  type MailerOptions,
  type DispatchResult,
} from './mailer.js';
export { mailSettingsFrom, MailSettingError, DEFAULT_MAIL_FROM, type MailSettings } from './settings.js';
