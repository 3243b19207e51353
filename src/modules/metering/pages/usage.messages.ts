import { registerMessages } from '../../../platform/web/index.js';

/** The words of the usage page, under `usage`. */
export const usageMessages = {
  title: 'Usage',
  introHost:
    'The work recorded against the services you can see, newest first. Each event is charged in the recharge for the month it happened in.',
  introPartner:
    'The work recorded for {organisation} against the services it takes, newest first. Each event is charged in the recharge for the month it happened in.',
  filters: {
    heading: 'Filter usage',
    organisation: 'Organisation',
    organisationHint: 'The organisation’s code, as its page under Organisations shows it',
    offering: 'Service',
    offeringHint: 'The service’s code, as the service catalogue shows it',
    from: 'From',
    fromWhat: 'the first day',
    to: 'To',
    toWhat: 'the last day',
    apply: 'Apply filters',
    clear: 'Clear filters',
  },
  errors: {
    organisation: 'Enter the code of an organisation whose usage you can see',
    offering: 'Enter the code of a service whose usage you can see',
    toBeforeFrom: 'The last day must be the same as or after the first day',
    after: 'That page of the list no longer exists: start again from the first page',
  },
  table: {
    caption: 'Usage events',
    occurred: 'When',
    organisation: 'Organisation',
    offering: 'Service',
    quantity: 'Quantity',
    source: 'Recorded from',
    note: 'Note',
    request: 'Request',
    reversal: 'Reversal',
    reversalHint: 'Takes back an earlier event',
    unknown: 'Not shown',
  },
  sources: {
    request: 'A completed request',
    time: 'Time recorded on a request',
    import: 'A file imported by finance',
    api: 'Another system',
    other: 'Elsewhere',
  },
  none: 'No usage has been recorded yet.',
  noneMatching: 'No usage matches these filters.',
  download: 'Download this list as a spreadsheet (CSV)',
  pagination: 'Pages of usage',
  previous: 'Previous',
  next: 'Next',
} as const;

registerMessages('usage', usageMessages);
