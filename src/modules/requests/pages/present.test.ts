import { describe, expect, it } from 'vitest';
import '../requests.messages.js';
import type { ClockJson } from '../clocks/sla-json.js';
import { agoText, clockSentence, dueText, statusText } from './present.js';

const clock = (over: Partial<ClockJson>): ClockJson => ({
  target: 480,
  elapsed: 0,
  paused: 0,
  remaining: 480,
  due: null,
  state: 'on_track',
  stoppedAt: null,
  breachedAt: null,
  ...over,
});
const now = new Date('2026-03-27T18:00:00Z');

describe('SLA clocks in words', () => {
  it.each([
    [clock({ due: '2026-03-27T16:00:00Z' }), 'response', 'Response due by 4:00pm on 27 March 2026'],
    // British Summer Time: 15:00 UTC is 4:00pm in London.
    [
      clock({ due: '2026-04-02T15:00:00Z', state: 'warning' }),
      'resolution',
      'Resolution due by 4:00pm on 2 April 2026',
    ],
    [
      clock({ state: 'breached', breachedAt: '2026-03-27T16:00:00Z' }),
      'resolution',
      'Resolution: breached 2 hours ago',
    ],
    [
      clock({ state: 'breached', breachedAt: '2026-03-27T17:59:30Z' }),
      'resolution',
      'Resolution: breached just now',
    ],
    [
      clock({ state: 'breached', breachedAt: '2026-03-23T16:00:00Z' }),
      'resolution',
      'Resolution: breached 4 days ago',
    ],
    [clock({ state: 'paused', remaining: 200 }), 'resolution', 'Resolution paused: 3 hours 20 minutes left'],
    [
      clock({ state: 'met', stoppedAt: '2026-03-27T09:30:00Z' }),
      'response',
      'Response: met on 27 March 2026 at 9:30am',
    ],
  ] as const)('%#: %s', (reading, name, words) => {
    expect(clockSentence(name, reading, now)).toBe(words);
  });

  it('counts time ago in minutes, hours, then days', () => {
    expect(agoText(1)).toBe('1 minute');
    expect(agoText(59)).toBe('59 minutes');
    expect(agoText(60)).toBe('1 hour');
    expect(agoText(47 * 60 + 59)).toBe('47 hours');
    expect(agoText(48 * 60)).toBe('2 days');
  });

  it('shows a list row as paused, due, or not due', () => {
    expect(dueText(new Date('2026-03-27T16:00:00Z'), 'on_track')).toBe('27 March 2026 at 4:00pm');
    expect(dueText(null, 'paused')).toBe('Paused');
    expect(dueText(null, 'met')).toBe('Not due');
  });
});

describe('statuses in words', () => {
  it('tells the requester it waits for them, and anyone else whom it waits for', () => {
    expect(statusText('awaiting_requester', 'requester')).toBe('Waiting for you');
    expect(statusText('awaiting_requester', 'other')).toBe('Waiting for the requester');
    expect(statusText('in_progress', 'other')).toBe('In progress');
  });
});
