/** What planning's tests share: a sound case in the API's shape, and people of the demo partnership. */

export const PEOPLE = {
  admin: 'admin@mercia.example',
  finance: 'finance@mercia.example',
  executive: 'executive@mercia.example',
  serviceManager: 'service.manager@mercia.example',
  agent: 'agent@mercia.example',
  wdcManager: 'manager@wyvern.example',
  wdcRequester: 'requester@wyvern.example',
  mfrsManager: 'manager@merciafire.example',
} as const;

/**
 * Shared HR and payroll, worked by hand (3.5% a year; see appraisal.api.test.ts for the figures):
 * business as usual £1,200,000 a year, a do-minimum and a shared service preferred.
 */
export function sampleCase(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Shared HR and payroll',
    baseYear: '2026-27',
    horizonYears: 3,
    options: [
      {
        code: 'BAU',
        name: 'Each council alone',
        kind: 'business_as_usual',
        preferred: false,
        costs: [
          { category: 'operating', year: 0, amount: '1200000.00' },
          { category: 'operating', year: 1, amount: '1200000.00' },
        ],
        benefits: [],
      },
      {
        code: 'MIN',
        name: 'Shared payroll system only',
        kind: 'do_minimum',
        preferred: false,
        costs: [{ category: 'capital', year: 0, amount: '250000.00' }],
        benefits: [],
      },
      {
        code: 'SHARE',
        name: 'One shared service',
        kind: 'other',
        preferred: true,
        costs: [
          { category: 'one_off', year: 0, amount: '400000.00' },
          { category: 'operating', year: 1, amount: '900000.00' },
        ],
        benefits: [{ category: 'cashable', year: 1, amount: '310500.00' }],
        optimismBias: { one_off: { upper: 0.5, mitigation: 0.5, reason: 'Outline design' } },
      },
    ],
    ...overrides,
  };
}

/** A deep copy of the sample with one change made to it. */
export function sampleWith(change: (body: ReturnType<typeof sampleCase>) => void) {
  const body = structuredClone(sampleCase());
  change(body);
  return body;
}
