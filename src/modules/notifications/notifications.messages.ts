import { registerMessages } from '../../platform/web/index.js';

/** The notifications module's words, under `notifications` in the message catalogue. */
export const notificationsMessages = {
  outbox: {
    title: 'Outgoing email',
    intro: 'Every email Tandem has sent or will send, newest first.',
    held: 'No SMTP server is set up (TANDEM_SMTP_URL), so emails are kept here as held, and sent once one is.',
    caption: 'Emails, newest first',
    empty: 'There are no emails yet.',
    status: 'Status',
    to: 'To',
    subject: 'Subject',
    attempts: 'Attempts',
    lastError: 'Last error',
    created: 'Created',
    sent: 'Sent',
    previous: 'Previous',
    next: 'Next',
    newer: 'Newer emails',
    older: 'Older emails',
    pagination: 'Pages of emails',
    statuses: {
      pending: 'Waiting',
      held: 'Held',
      sending: 'Sending',
      sent: 'Sent',
      failed: 'Failed',
    },
  },
};

registerMessages('notifications', notificationsMessages);
