import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkTransition,
  FINAL_STATUSES,
  nextStatuses,
  REQUEST_STATUSES,
  type Actor,
  type RequestStatus,
} from './request-states.js';

const ACTORS: Actor[] = ['requester', 'partner_manager', 'agent', 'system'];

describe('checkTransition', () => {
  it.each<[RequestStatus, RequestStatus, Actor, string]>([
    ['submitted', 'awaiting_approval', 'system', 'ok'],
    ['submitted', 'open', 'system', 'ok'],
    ['awaiting_approval', 'open', 'partner_manager', 'ok'],
    ['awaiting_approval', 'open', 'agent', 'not_yours'],
    ['awaiting_approval', 'rejected', 'partner_manager', 'ok'],
    ['awaiting_approval', 'rejected', 'requester', 'not_yours'],
    ['open', 'in_progress', 'agent', 'ok'],
    ['open', 'withdrawn', 'requester', 'ok'],
    ['in_progress', 'withdrawn', 'requester', 'impossible'],
    ['in_progress', 'awaiting_requester', 'agent', 'ok'],
    ['awaiting_requester', 'in_progress', 'requester', 'ok'],
    ['awaiting_third_party', 'in_progress', 'agent', 'ok'],
    ['on_hold', 'resolved', 'agent', 'ok'],
    ['in_progress', 'resolved', 'agent', 'ok'],
    ['in_progress', 'resolved', 'requester', 'not_yours'],
    ['resolved', 'closed', 'requester', 'ok'],
    ['resolved', 'closed', 'system', 'ok'],
    ['resolved', 'open', 'requester', 'ok'],
    ['resolved', 'in_progress', 'agent', 'impossible'],
    ['submitted', 'resolved', 'agent', 'impossible'],
    ['closed', 'open', 'requester', 'impossible'],
    ['withdrawn', 'open', 'agent', 'impossible'],
    ['rejected', 'open', 'partner_manager', 'impossible'],
    ['open', 'open', 'agent', 'impossible'],
  ])('%s → %s by %s: %s', (from, to, actor, expected) => {
    const result = checkTransition(from, to, actor);
    expect(result.ok ? 'ok' : result.refusal).toBe(expected);
  });

  it('never leaves a final status, and never stays put', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REQUEST_STATUSES),
        fc.constantFrom(...REQUEST_STATUSES),
        fc.constantFrom(...ACTORS),
        (from, to, actor) => {
          const result = checkTransition(from, to, actor);
          if (FINAL_STATUSES.includes(from) || from === to)
            expect(result).toEqual({ ok: false, refusal: 'impossible' });
          expect(result.ok).toBe(nextStatuses(from, actor).includes(to));
        },
      ),
    );
  });

  it('reaches closed from submitted, and every status from submitted', () => {
    const seen = new Set<RequestStatus>(['submitted']);
    const queue: RequestStatus[] = ['submitted'];
    while (queue.length) {
      const from = queue.shift()!;
      for (const actor of ACTORS)
        for (const to of nextStatuses(from, actor))
          if (!seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
    }
    expect([...seen].sort()).toEqual([...REQUEST_STATUSES].sort());
  });
});
