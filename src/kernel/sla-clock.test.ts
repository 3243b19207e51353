import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileCalendar, type CalendarDefinition } from './working-time.js';
import { referenceCalendar } from './working-time.reference.js';
import {
  readClocks,
  targetMinutes,
  type ClockEvent,
  type ClockHistory,
  type ClockPolicy,
  type Priority,
} from './sla-clock.js';
import { referenceClocks } from './sla-clock.reference.js';
import { REQUEST_STATUSES } from './request-states.js';

const OFFICE: CalendarDefinition = {
  timeZone: 'Europe/London',
  hours: {
    monday: [['09:00', '17:00']],
    tuesday: [['09:00', '17:00']],
    wednesday: [['09:00', '17:00']],
    thursday: [['09:00', '17:00']],
    friday: [['09:00', '17:00']],
  },
  // Easter and Christmas 2026 in England and Wales.
  closedDates: ['2026-04-03', '2026-04-06', '2026-12-25', '2026-12-28'],
};

const minutes = (amount: number) => ({ amount, unit: 'working_minutes' as const });
const days = (amount: number) => ({ amount, unit: 'working_days' as const });

function policyFor(definition: CalendarDefinition, overrides: Partial<ClockPolicy> = {}): ClockPolicy {
  return {
    calendar: compileCalendar(definition),
    targets: {
      critical: { response: minutes(30), resolution: minutes(120) },
      high: { response: minutes(60), resolution: minutes(480) },
      medium: { response: minutes(240), resolution: days(2) },
      low: { response: days(1), resolution: days(5) },
    },
    warningPercent: 75,
    pauseStates: ['awaiting_requester', 'awaiting_third_party', 'on_hold'],
    ...overrides,
  };
}

const at = (iso: string) => new Date(iso);
const status = (when: string, to: (typeof REQUEST_STATUSES)[number], byHost = true): ClockEvent => ({
  at: at(when),
  type: 'status',
  to,
  byHost,
});

describe('readClocks, worked by hand', () => {
  const policy = policyFor(OFFICE);

  it('runs in working time only and says when each clock is due', () => {
    // Monday 23 March 2026, 10:00 GMT; high: respond in 60, resolve in 480 working minutes.
    const history: ClockHistory = {
      submittedAt: at('2026-03-23T10:00:00Z'),
      priority: 'high',
      events: [{ at: at('2026-03-23T10:30:00Z'), type: 'response' }],
    };
    const { response, resolution } = readClocks(policy, history, at('2026-03-23T18:00:00Z'));
    expect(response).toMatchObject({
      target: 60,
      elapsed: 30,
      state: 'met',
      stoppedAt: at('2026-03-23T10:30:00Z'),
    });
    // Were it to run on from its stop: 30 minutes more.
    expect(response.due).toEqual(at('2026-03-23T11:00:00Z'));
    // 10:00–17:00 is 420 minutes; 60 more on Tuesday.
    expect(resolution).toMatchObject({
      target: 480,
      elapsed: 420,
      paused: 0,
      state: 'warning',
      stoppedAt: null,
    });
    expect(resolution.due).toEqual(at('2026-03-24T10:00:00Z'));
  });

  it('counts time in a pause state as paused, and has no due instant while paused', () => {
    const history: ClockHistory = {
      submittedAt: at('2026-03-23T09:00:00Z'),
      priority: 'high',
      events: [
        status('2026-03-23T09:30:00Z', 'in_progress'),
        status('2026-03-23T10:00:00Z', 'awaiting_requester'),
      ],
    };
    const { resolution } = readClocks(policy, history, at('2026-03-24T10:00:00Z'));
    expect(resolution).toMatchObject({
      elapsed: 60,
      paused: 420 + 60,
      state: 'paused',
      due: null,
      remaining: 420,
    });
  });

  it('applies a raised priority to the time already elapsed: breached at once, in the past', () => {
    const history: ClockHistory = {
      submittedAt: at('2026-03-23T09:00:00Z'),
      priority: 'medium',
      events: [
        status('2026-03-23T09:05:00Z', 'in_progress'),
        { at: at('2026-03-23T13:00:00Z'), type: 'priority', to: 'critical' },
      ],
    };
    const { resolution } = readClocks(policy, history, at('2026-03-23T13:00:00Z'));
    expect(resolution).toMatchObject({ target: 120, elapsed: 240, state: 'breached' });
    expect(resolution.breachedAt).toEqual(at('2026-03-23T11:00:00Z'));
    expect(resolution.due).toEqual(at('2026-03-23T11:00:00Z'));
  });

  it('lowering the priority gives the clock more room, nothing lost', () => {
    const history: ClockHistory = {
      submittedAt: at('2026-03-23T09:00:00Z'),
      priority: 'critical',
      events: [{ at: at('2026-03-23T10:00:00Z'), type: 'priority', to: 'high' }],
    };
    const { resolution } = readClocks(policy, history, at('2026-03-23T11:00:00Z'));
    expect(resolution).toMatchObject({ target: 480, elapsed: 120, state: 'on_track' });
  });

  it('turns working days into the minutes to the close of the Nth working day, across the clock change', () => {
    // Friday 27 March 15:10 GMT; 2 working days: Monday 30 and Tuesday 31 March (BST from the 29th).
    const calendar = compileCalendar(OFFICE);
    expect(targetMinutes(calendar, at('2026-03-27T15:10:00Z'), days(2))).toBe(110 + 480 + 480);
    // Thursday 2 April: Good Friday and Easter Monday are closed, so 2 working days end on Wednesday 8 April.
    expect(targetMinutes(calendar, at('2026-04-02T16:00:00+01:00'), days(2))).toBe(60 + 480 + 480);
    // Submitted on a Saturday: the next working days are Monday and Tuesday.
    expect(targetMinutes(calendar, at('2026-03-28T12:00:00Z'), days(1))).toBe(480);
  });

  it('stops resolution at resolved and runs it again on reopen', () => {
    const history: ClockHistory = {
      submittedAt: at('2026-03-23T09:00:00Z'),
      priority: 'high',
      events: [
        status('2026-03-23T09:10:00Z', 'in_progress'),
        status('2026-03-23T10:00:00Z', 'resolved'),
        status('2026-03-23T12:00:00Z', 'open', false),
      ],
    };
    const resolved = readClocks(policy, history, at('2026-03-23T11:00:00Z')).resolution;
    expect(resolved).toMatchObject({ elapsed: 60, state: 'met', stoppedAt: at('2026-03-23T10:00:00Z') });
    const reopened = readClocks(policy, history, at('2026-03-23T13:00:00Z')).resolution;
    expect(reopened).toMatchObject({ elapsed: 120, state: 'on_track', stoppedAt: null });
    // 360 minutes left at 13:00: 240 on Monday, 120 on Tuesday.
    expect(reopened.due).toEqual(at('2026-03-24T11:00:00Z'));
  });

  it("does not stop the response clock for the requester's own changes", () => {
    const history: ClockHistory = {
      submittedAt: at('2026-03-23T09:00:00Z'),
      priority: 'critical',
      events: [status('2026-03-23T09:10:00Z', 'open', false)],
    };
    const { response } = readClocks(policy, history, at('2026-03-23T09:40:00Z'));
    expect(response).toMatchObject({
      elapsed: 40,
      state: 'breached',
      breachedAt: at('2026-03-23T09:30:00Z'),
    });
  });

  it("replays the issue's imported history", () => {
    const history: ClockHistory = {
      submittedAt: at('2026-03-27T15:10:00Z'),
      priority: 'medium',
      events: [
        { at: at('2026-03-30T09:00:00Z'), type: 'response' },
        status('2026-03-30T09:05:00Z', 'open'),
        status('2026-03-30T09:30:00Z', 'in_progress'),
        status('2026-03-30T10:00:00Z', 'awaiting_requester'),
        status('2026-03-31T11:30:00Z', 'in_progress'),
        { at: at('2026-03-31T12:00:00Z'), type: 'priority', to: 'high' },
        status('2026-04-02T16:00:00Z', 'resolved'),
      ],
    };
    const { response, resolution } = readClocks(policy, history, at('2026-04-10T12:00:00Z'));
    // Response: Friday 15:10–17:00 (110) + Monday 10:00–10:00 BST (09:00Z is 10:00 BST): 60 → 170 of 60 (high).
    expect(response).toMatchObject({
      target: 60,
      elapsed: 170,
      state: 'breached',
      stoppedAt: at('2026-03-30T09:00:00Z'),
    });
    expect(response.breachedAt).toEqual(at('2026-03-27T16:10:00Z'));
    // Resolution: 110 + Monday 09:00–11:00 BST (120); paused Monday 11:00–17:00 (360) and Tuesday
    // 09:00–12:30 BST (210); running Tuesday 12:30–17:00 (270), Wednesday (480), Thursday 09:00–17:00 BST (480).
    expect(resolution).toMatchObject({
      target: 480,
      paused: 570,
      elapsed: 110 + 120 + 270 + 480 + 480,
      state: 'breached',
    });
  });
});

describe('readClocks agrees with the minute-by-minute reference', () => {
  const MINUTE = 60_000;
  const CALENDARS: CalendarDefinition[] = [
    OFFICE,
    {
      timeZone: 'Europe/London',
      hours: {
        monday: [
          ['08:30', '12:30'],
          ['13:30', '17:00'],
        ],
        wednesday: [
          ['00:00', '03:00'],
          ['22:00', '24:00'],
        ],
        saturday: [['10:00', '14:00']],
      },
      closedDates: ['2026-03-30', '2026-10-26'],
    },
    {
      timeZone: 'Europe/London',
      hours: Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [
          d,
          [['00:00', '24:00']],
        ]),
      ),
      closedDates: [],
    },
  ];
  /** Around the clock changes of 2026, and across Easter. */
  const STARTS = [
    '2026-03-26T08:00:00Z',
    '2026-04-01T12:00:00Z',
    '2026-10-22T07:00:00Z',
    '2026-12-23T10:00:00Z',
  ].map((iso) => Date.parse(iso));
  const priorityArb = fc.constantFrom<Priority>('critical', 'high', 'medium', 'low');
  const targetArb = fc.oneof(
    fc.integer({ min: 1, max: 3000 }).map(minutes),
    fc.integer({ min: 1, max: 3 }).map(days),
  );
  const eventArb = fc.tuple(
    fc.integer({ min: 0, max: 2 * 24 * 60 }),
    fc.oneof(
      fc.record({
        type: fc.constant('status' as const),
        to: fc.constantFrom(...REQUEST_STATUSES),
        byHost: fc.boolean(),
      }),
      fc.record({ type: fc.constant('priority' as const), to: priorityArb }),
      fc.record({ type: fc.constant('response' as const) }),
    ),
  );
  const scenarioArb = fc.record({
    calendar: fc.constantFrom(...CALENDARS.keys()),
    start: fc
      .tuple(fc.constantFrom(...STARTS), fc.integer({ min: 0, max: 24 * 60 }))
      .map(([s, m]) => s + m * MINUTE),
    priority: priorityArb,
    initial: fc.constantFrom('submitted' as const, 'awaiting_approval' as const),
    events: fc.array(eventArb, { maxLength: 8 }),
    tail: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    targets: fc.array(fc.tuple(targetArb, targetArb), { minLength: 4, maxLength: 4 }),
    warningPercent: fc.integer({ min: 1, max: 100 }),
    pauseStates: fc.subarray([
      'awaiting_requester',
      'awaiting_third_party',
      'on_hold',
      'awaiting_approval',
    ] as const),
  });

  it('on every figure, for random histories with pauses, priority changes and reopening', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const definition = CALENDARS[s.calendar]!;
        const [c, h, m, l] = s.targets.map(([response, resolution]) => ({ response, resolution }));
        const shared = {
          targets: { critical: c!, high: h!, medium: m!, low: l! },
          warningPercent: s.warningPercent,
          pauseStates: s.pauseStates,
        };
        let time = s.start;
        const events: ClockEvent[] = s.events.map(([gap, event]) => {
          time += gap * MINUTE;
          return { ...event, at: new Date(time) };
        });
        const now = time + s.tail * MINUTE;
        const history: ClockHistory = {
          submittedAt: new Date(s.start),
          priority: s.priority,
          status: s.initial,
          events,
        };
        const fast = readClocks({ ...shared, calendar: compileCalendar(definition) }, history, new Date(now));
        const slow = referenceClocks({ ...shared, calendar: referenceCalendar(definition) }, history, now);
        for (const which of ['response', 'resolution'] as const) {
          const f = fast[which];
          const r = slow[which];
          expect({
            target: f.target,
            elapsed: f.elapsed,
            paused: f.paused,
            state: f.state,
            due: f.due?.getTime() ?? null,
            stoppedAt: f.stoppedAt?.getTime() ?? null,
            breachedAt: f.breachedAt?.getTime() ?? null,
          }).toEqual(r);
        }
      }),
      { numRuns: 150, seed: 20261203 },
    );
  });
});
