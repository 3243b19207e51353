import type { UsageProblem } from './metering.errors.js';

/** The flags `resolveUsage` sets on an event, and what it names. */
export interface ResolvedFlags {
  org_code: string | null;
  offering_code: string | null;
  occurred_on: string;
  unknown_org: boolean;
  unknown_offering: boolean;
  not_taken: boolean;
  not_managed: boolean;
  reverses_unknown: boolean;
  reverses_mismatch: boolean;
}

/** The problems the database found with one event, in words. */
export function resolvedProblems(row: ResolvedFlags, at: number): UsageProblem[] {
  const problems: UsageProblem[] = [];
  const org = row.org_code ?? 'the organisation';
  const offering = row.offering_code ?? 'the offering';
  if (row.unknown_org)
    problems.push({
      at,
      field: 'organisation',
      problem: 'unknown_organisation',
      message: `No organisation has the code ${org}`,
    });
  if (row.unknown_offering)
    problems.push({
      at,
      field: 'offering',
      problem: 'unknown_offering',
      message: `No offering has the code ${offering}`,
    });
  if (row.not_taken)
    problems.push({
      at,
      field: 'offering',
      problem: 'line_not_taken',
      message: `${org} does not take the service line of ${offering} on ${row.occurred_on}`,
    });
  if (row.not_managed)
    problems.push({
      at,
      field: 'offering',
      problem: 'line_not_managed',
      message: `${offering} is in a service line you do not manage`,
    });
  if (row.reverses_unknown)
    problems.push({
      at,
      field: 'reverses',
      problem: 'reverses_unknown',
      message: 'No recorded event has the key it reverses',
    });
  if (row.reverses_mismatch)
    problems.push({
      at,
      field: 'reverses',
      problem: 'reverses_mismatch',
      message:
        'A reversal must take back a whole event of the same offering, which is not itself a reversal and has not been reversed already',
    });
  return problems;
}
