import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readClocks } from '../../../kernel/sla-clock.js';
import type { OfferingForRequest } from '../catalogue-port.js';
import { clockHistoryOf, priorityAtSubmission } from '../clocks/history.js';
import { clockPolicyOf } from '../clocks/sla-snapshot.js';
import { lifeOf, randomFrom } from '../demo/lifecycle.js';
import { buildHistory, type Step } from './history.js';

const working = (from: string, to: string): Array<[string, string]> => [
  [from, '12:30'],
  ['13:15', to],
];
/** The demo's IT standard policy on the council offices' calendar, with England's Easter 2026. */
const LAPTOP: OfferingForRequest = {
  offeringId: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a01',
  code: 'IT-LAPTOP',
  name: 'Laptop request',
  variantId: null,
  formFields: [],
  approvalRequired: true,
  serviceLineId: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a02',
  serviceLineCode: 'IT',
  serviceLineName: 'IT',
  hostOrgId: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a03',
  visible: true,
  everTaken: true,
  active: true,
  sla: {
    policyId: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a04',
    code: 'IT-STANDARD',
    name: 'IT standard service',
    version: 1,
    warningPercent: 75,
    pauseStates: ['awaiting_requester', 'awaiting_third_party'],
    targets: {
      critical: {
        response: { value: 30, unit: 'working_minutes' },
        resolution: { value: 240, unit: 'working_minutes' },
      },
      high: {
        response: { value: 60, unit: 'working_minutes' },
        resolution: { value: 2, unit: 'working_days' },
      },
      medium: {
        response: { value: 240, unit: 'working_minutes' },
        resolution: { value: 5, unit: 'working_days' },
      },
      low: { response: { value: 1, unit: 'working_days' }, resolution: { value: 10, unit: 'working_days' } },
    },
    calendar: {
      id: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a05',
      code: 'MCC-OFFICE',
      version: 1,
      timeZone: 'Europe/London',
      hours: {
        monday: working('08:30', '17:00'),
        tuesday: working('08:30', '17:00'),
        wednesday: working('08:30', '17:00'),
        thursday: working('08:30', '17:00'),
        friday: working('08:30', '16:30'),
      },
      holidays: 'england-and-wales',
      closures: [],
    },
  },
  bankHolidays: ['2026-04-03', '2026-04-06'],
};

const at = (iso: string) => new Date(iso);
const status = (iso: string, to: Step & { type: 'status' } extends { to: infer T } ? T : never): Step => ({
  at: at(iso),
  type: 'status',
  to,
  actor: 'any',
  byHost: true,
});
const spec = (steps: Step[]) => ({
  id: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a06',
  orgId: 'b6c1b0a4-5f55-4d0c-9a44-2f6b1f3d0a07',
  reference: 'LEGACY-1',
  offering: LAPTOP,
  requester: null,
  subject: 'A laptop',
  answers: {},
  priority: 'medium' as const,
  submittedAt: at('2026-03-27T15:10:00Z'),
  steps,
});

/** The example history, as an import gives it. */
const EXAMPLE: Step[] = [
  { at: at('2026-03-30T09:00:00Z'), type: 'reply', byHost: true, body: null },
  status('2026-03-30T09:05:00Z', 'open'),
  status('2026-03-30T09:30:00Z', 'in_progress'),
  status('2026-03-30T10:00:00Z', 'awaiting_requester'),
  status('2026-03-31T11:30:00Z', 'in_progress'),
  { at: at('2026-03-31T12:00:00Z'), type: 'priority', to: 'high' },
  status('2026-04-02T16:00:00Z', 'resolved'),
];

describe('a request built from its history', () => {
  it('gives the issue’s example the clocks worked out by hand', () => {
    const result = buildHistory(spec(EXAMPLE), at('2026-04-10T09:00:00Z'));
    if (!('built' in result)) throw new Error(JSON.stringify(result.problems));
    const { built } = result;
    expect(built.record).toMatchObject({
      status: 'resolved',
      priority: 'high',
      resolvedAt: at('2026-04-02T16:00:00Z'),
    });
    const policy = clockPolicyOf(LAPTOP.sla, LAPTOP.bankHolidays);
    const readings = readClocks(
      policy,
      clockHistoryOf(built.record.submittedAt, priorityAtSubmission('high', built.events), built.events),
      at('2026-04-10T09:00:00Z'),
    );
    // Response: Friday 15:10–16:30 (80) and Monday 08:30–10:00 in summer time (90), stopped by the
    // reply at 09:00Z. The change to high on Tuesday applies from submission to both clocks: 60
    // minutes, reached on Friday at 16:10, so the response was late although it came before the change.
    expect(readings.response).toMatchObject({
      target: 60,
      elapsed: 170,
      paused: 0,
      due: at('2026-03-27T16:10:00Z'),
      breachedAt: at('2026-03-27T16:10:00Z'),
      state: 'breached',
      stoppedAt: at('2026-03-30T09:00:00Z'),
    });
    // At medium it would have been met, with 70 minutes to spare (due Monday 11:10 in London).
    const medium = readClocks(
      policy,
      clockHistoryOf(
        built.record.submittedAt,
        'medium',
        built.events.filter((e) => e.kind !== 'priority'),
      ),
      at('2026-04-10T09:00:00Z'),
    );
    expect(medium.response).toMatchObject({
      target: 240,
      elapsed: 170,
      due: at('2026-03-30T10:10:00Z'),
      state: 'met',
    });
    // Resolution, now high: two working days after Friday is Tuesday's close, 80 + 465 + 465 = 1010.
    // Running: Friday 80, Monday 08:30–11:00 150, Tuesday 13:15–17:00 225, Wednesday 465, Thursday 465
    // = 1385; waiting for the requester Monday 11:00–17:00 (315) and Tuesday 08:30–12:30 (240) = 555.
    // The 1010th minute: Thursday 08:30 + 90 = 10:00 in London.
    expect(readings.resolution).toMatchObject({
      target: 1010,
      elapsed: 1385,
      paused: 555,
      due: at('2026-04-02T09:00:00Z'),
      state: 'breached',
      stoppedAt: at('2026-04-02T16:00:00Z'),
    });
    expect(built.stored).toMatchObject({
      resolutionState: 'breached',
      responseState: 'breached',
      nextCheckAt: null,
      queueDueAt: null,
    });
  });

  it('takes each status move by the first who may make it, and refuses impossible ones by step', () => {
    const result = buildHistory(
      spec([
        status('2026-03-30T09:00:00Z', 'open'),
        status('2026-03-30T10:00:00Z', 'closed'),
        status('2026-03-30T09:00:00Z', 'open'),
      ]),
      at('2026-04-10T09:00:00Z'),
    );
    expect(result).toEqual({
      problems: [
        { step: 1, field: 'to', message: 'a request that is open cannot become closed' },
        { step: 2, field: 'at', message: 'is before the step before it (or the submission)' },
      ],
    });
    const approved = buildHistory(
      spec([status('2026-03-30T09:00:00Z', 'awaiting_approval'), status('2026-03-30T10:00:00Z', 'open')]),
      at('2026-04-10T09:00:00Z'),
    );
    if (!('built' in approved)) throw new Error('refused');
    expect(approved.built.events.slice(1).map((e) => e.actorKind)).toEqual(['system', 'partner_manager']);
  });

  it('keeps, for any life, the instant a running clock next changes state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 60 * 24 * 40 }),
        (seed, minutes) => {
          const random = randomFrom(seed);
          const submittedAt = at('2026-03-02T09:00:00Z');
          const now = new Date(submittedAt.getTime() + minutes * 60_000);
          const life = lifeOf(
            {
              offering: LAPTOP,
              requester: { userId: null, name: 'A', email: null },
              approver: null,
              teamIds: [],
              workers: [{ userId: 'u', teamIds: [] }],
            },
            submittedAt,
            now,
            random,
          );
          const result = buildHistory({ ...spec(life.steps), priority: life.priority, submittedAt }, now);
          if (!('built' in result)) return false;
          const { stored, record, events } = result.built;
          const policy = clockPolicyOf(LAPTOP.sla, LAPTOP.bankHolidays);
          const history = clockHistoryOf(submittedAt, priorityAtSubmission(record.priority, events), events);
          const states = (instant: Date) => {
            const r = readClocks(policy, history, instant);
            return [r.response.state, r.resolution.state];
          };
          expect(states(now)).toEqual([stored.responseState, stored.resolutionState]);
          if (stored.nextCheckAt === null) {
            // Nothing changes by time alone: a day later reads the same.
            expect(states(new Date(now.getTime() + 86_400_000))).toEqual(states(now));
          } else {
            expect(stored.nextCheckAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
            expect(states(new Date(stored.nextCheckAt.getTime() - 1))).toEqual(states(now));
            expect(states(new Date(stored.nextCheckAt.getTime() + 1))).not.toEqual(states(now));
          }
          return true;
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});
