import { registerMessages } from '../../../platform/web/index.js';

/**
 * The e-mails requests send, under `requestMail` in the message catalogue. `{reference}` and
 * `{subject}` are the request's; a body ends with the sign-off.
 */
export const requestMailMessages = {
  signOff: 'This message was sent by Tandem. Replies to it are not read; reply on the request instead.',
  received: {
    subject: 'We have received your request {reference}',
    body: 'We have received your request {reference}: {subject}.\n\nWe will tell you when the shared service centre replies or resolves it.',
  },
  reply: {
    subject: 'A reply to your request {reference}',
    body: 'The shared service centre has replied to your request {reference}: {subject}.\n\n{text}',
  },
  informationNeeded: {
    subject: 'We need more information about your request {reference}',
    body: 'The shared service centre needs more information from you about your request {reference}: {subject}.\n\n{text}\n\nReply on the request to send it. Until you do, the request waits for you.',
  },
  resolved: {
    subject: 'Your request {reference} has been resolved',
    body: 'The shared service centre has resolved your request {reference}: {subject}.\n\n{text}\n\nIf it is not resolved, you can reopen it from the request for a few working days.',
  },
  assigned: {
    subject: 'Request {reference} has been assigned to you',
    body: 'Request {reference} has been assigned to you: {subject}.',
  },
  warning: {
    subject: 'Request {reference} is due soon ({clock})',
    body: 'The {clock} time of request {reference} is nearly used up: {subject}.\n\nIt is due {due}.',
  },
  breached: {
    subject: 'Request {reference} is overdue ({clock})',
    body: 'Request {reference} has missed its {clock} target: {subject}.\n\nIt was due {due}.',
  },
  clocks: { response: 'response', resolution: 'resolution' },
  noDue: 'when its clock runs again',
};

registerMessages('requestMail', requestMailMessages);
