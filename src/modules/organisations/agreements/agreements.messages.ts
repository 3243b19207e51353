import { registerMessages } from '../../../platform/web/index.js';

/** The words of agreements (which service lines a partner takes), under `agreements`. */
export const agreementsMessages = {
  title: 'Service lines taken',
  intro:
    'Which service lines {organisation} takes from the shared service centre, from and to which dates. Its staff see the offerings of a line only while an agreement for it is in force.',
  none: '{organisation} takes no service lines.',
  serviceLine: 'Service line',
  validFrom: 'From',
  validTo: 'To',
  openEnded: 'Until further notice',
  status: 'Status',
  statuses: { current: 'In force', future: 'Not started', ended: 'Ended' },
  add: 'Add a service line',
  addButton: 'Add service line',
  validFromLegend: 'When the agreement starts',
  validToLegend: 'When the agreement ends (optional)',
  validFromHint: 'The first day it is in force, for example 1 4 2026',
  validToHint: 'The last day it is in force. Leave empty for until further notice',
  validFromWhat: 'the date the agreement starts',
  validToWhat: 'the date the agreement ends',
  endLegend: 'When the agreement ends',
  end: 'End',
  endFor: 'End {line}',
  endTitle: 'End {line} for {organisation}',
  endIntro: 'From {validFrom}. Staff of {organisation} stop seeing its offerings the day after the end date.',
  endButton: 'End agreement',
  endHint: 'The last day the agreement is in force, for example 31 3 2027',
  added: 'Service line added',
  ended: 'Agreement ended',
  hostTakesNothing: '{organisation} runs the shared services; it does not take them.',
  errors: {
    serviceLineMissing: 'Select a service line',
    lineUnknown: 'Select a service line from the list',
    fromMissing: 'Enter the date the agreement starts',
    toMissing: 'Enter the date the agreement ends',
    dateFormat: 'Enter a real date as YYYY-MM-DD, like 2026-04-01',
    validToBeforeFrom: 'The end date must be the same as or after the start date',
    endLater: 'An agreement can only be ended earlier, not extended. Add another agreement instead',
    overlap: 'Those dates overlap another agreement of this partner for the same service line',
    host: 'A host runs the shared services; it does not take service lines',
  },
} as const;

registerMessages('agreements', agreementsMessages);
