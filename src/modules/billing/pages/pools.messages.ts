import { registerMessages } from '../../../platform/web/index.js';

/** The words of the cost pools' and driver values' pages, under `costPools`. */
export const poolsMessages = {
  back: 'Recharges',
  serviceLine: 'Service line',
  period: 'Period',
  driver: 'Driver',
  organisation: 'Organisation',
  /** Drivers as people say them; a driver not listed here is shown with its underscores as spaces. */
  drivers: {
    headcount: 'Headcount',
    transactions: 'Transactions',
    recorded_hours: 'Recorded hours',
    floor_area: 'Floor area',
    fixed_ratio: 'Fixed ratio',
  },
  bases: { estimate: 'Estimate', actual: 'Actual' },
  import: {
    fileHeading: 'The file',
    fileIntro:
      'Paste comma-separated values (CSV), such as a spreadsheet saved as CSV. The first line names the columns, in this order:',
    headerCaption: 'The first line',
    exampleCaption: 'A line after it, for example',
    columnsCaption: 'The columns of the file',
    column: 'Column',
    holds: 'What it holds',
    example: 'Example',
    allOrNone:
      'All lines are recorded or none: if any line has a problem, nothing is recorded and each problem is named by its line (the first line is line 1).',
    fix: 'Correct the {count} problem(s) listed above; nothing was imported',
    problemsCaption: 'Lines to correct',
    line: 'Line',
    problem: 'Problem',
    lineProblem: 'Line {line}: {problem}',
  },
  pools: {
    title: 'Cost pools',
    intro:
      'What a service line cost in a period, to be shared among the organisations that take it in proportion to their values of the pool’s driver. A recharge run charges the pools whose period lies within its own.',
    caption: 'Cost pools, newest period first',
    amount: 'Amount',
    description: 'Description',
    none: 'No cost pools have been recorded.',
    importHeading: 'Import cost pools',
    csvLabel: 'Cost pools (CSV)',
    importButton: 'Import cost pools',
    imported: 'Cost pools imported: {added} added, {changed} changed, {unchanged} unchanged',
    replaces:
      'A line for a pool that exists (the same service line, period and driver) replaces its amount and description.',
    columns: {
      service_line: 'The code of the service line whose costs these are',
      period: 'A month, a calendar quarter or a financial year (April to March)',
      amount: 'What the line cost in the period, in pounds and pence, without the pound sign',
      driver: 'What the pool is shared by, in lower case letters, digits and underscores',
      description: 'What the costs are, in up to 500 characters (may be left empty)',
    },
  },
  values: {
    title: 'Driver values',
    intro:
      'Each organisation’s measure of a driver, such as its headcount, for a service line and period. A cost pool is shared among organisations in proportion to their values of its driver for its period or, failing that, for the financial year it falls in.',
    caption: 'Driver values, newest period first',
    value: 'Value',
    basis: 'Basis',
    none: 'No driver values have been recorded.',
    importHeading: 'Import driver values',
    csvLabel: 'Driver values (CSV)',
    importButton: 'Import driver values',
    imported: 'Driver values imported: {added} added, {changed} changed, {unchanged} unchanged',
    replaces:
      'A line for a value that exists (the same organisation, service line, driver, period and basis) replaces it. A value for an organisation that does not take the line on any day of the period is refused, unless the organisation is the host.',
    basisLegend: 'What these values are',
    basisEstimate: 'Estimates',
    basisEstimateHint: 'What the year is billed on',
    basisActual: 'Actual figures',
    basisActualHint: 'The year’s actual values, for the year-end true-up',
    columns: {
      organisation: 'The code of the organisation',
      service_line: 'The code of the service line',
      driver: 'The driver measured, as the cost pools name it',
      value: 'The organisation’s measure, a number of zero or more with up to 3 decimal places',
      period: 'A month, a calendar quarter or a financial year (April to March)',
    },
  },
};

registerMessages('costPools', poolsMessages);
