/**
 * Lives of requests for demonstration and benchmark data: from raising to closing, each step at a
 * plausible time, cut off at `now` so that recent requests are still being worked. Deterministic
 * for a given seed. Every step is checked by the same rules as a real change (see buildHistory).
 */
import type { FormField, OfferingForRequest } from '../catalogue-port.js';
import type { Step } from '../import/history.js';
import type { Priority } from '../request.js';

/** A small fast generator of numbers in [0, 1): mulberry32. */
export function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Person {
  userId: string | null;
  name: string;
  email: string | null;
}

export interface Worker {
  userId: string;
  /** The teams they are in. */
  teamIds: string[];
}

/** Who and what a life is made from. */
export interface LifeContext {
  offering: OfferingForRequest;
  requester: Person;
  /** Someone who may approve (a partner manager), if the organisation has one. */
  approver: Person | null;
  /** The line's teams, and the service centre's people who may work them. */
  teamIds: string[];
  workers: Worker[];
  /** Still waiting for its approval at `now`, whenever it was raised (the demo keeps a few so). */
  undecided?: boolean;
}

export interface Life {
  subject: string;
  answers: Record<string, unknown>;
  priority: Priority;
  steps: Step[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const SUBJECTS = [
  'As discussed on the phone',
  'Urgent for the new financial year',
  'For the team in the north office',
  'Following last week’s meeting',
  'Needed before the end of the month',
  'Please see the details below',
];

function answerFor(field: FormField, random: () => number): unknown {
  switch (field.type) {
    case 'text':
      return `Demo ${field.label.toLowerCase()}`;
    case 'long_text':
      return `A few words about ${field.label.toLowerCase()}, made up for the demonstration.`;
    case 'number':
      return 1 + Math.floor(random() * 20);
    case 'date':
      return '2026-06-01';
    case 'choice':
      return field.options?.[Math.floor(random() * field.options.length)] ?? '';
    case 'yes_no':
      return random() < 0.5;
    case 'file':
      return undefined;
  }
}

function priorityOf(random: () => number): Priority {
  const r = random();
  return r < 0.03 ? 'critical' : r < 0.18 ? 'high' : r < 0.78 ? 'medium' : 'low';
}

/**
 * One request's life from `submittedAt`, with no step after `now`. Some lives end early (rejected,
 * withdrawn), some run long enough to breach their targets, some wait on the requester, some are
 * reopened.
 */
export function lifeOf(context: LifeContext, submittedAt: Date, now: Date, random: () => number): Life {
  const { offering, approver } = context;
  const answers: Record<string, unknown> = {};
  for (const field of offering.formFields) {
    const answer = answerFor(field, random);
    if (answer !== undefined && (field.required || random() < 0.5)) answers[field.key] = answer;
  }
  const steps: Step[] = [];
  let at = submittedAt.getTime();
  const later = (from: number, to: number) => (at += from + Math.floor(random() * (to - from)));
  const past = () => at <= now.getTime();
  const add = (step: Step) => {
    if (!past()) return false;
    steps.push(step);
    return true;
  };
  const when = () => new Date(at);

  const life = (priority: Priority): Life => ({
    subject: `${offering.name}: ${SUBJECTS[Math.floor(random() * SUBJECTS.length)]}`,
    answers,
    priority,
    steps,
  });
  const priority = priorityOf(random);

  if (offering.approvalRequired) {
    steps.push({ at: when(), type: 'status', to: 'awaiting_approval', actor: 'system' });
    later(20 * MINUTE, 2 * DAY);
    const rejected = random() < 0.12;
    const decided =
      !context.undecided &&
      add({
        at: when(),
        type: 'status',
        to: rejected ? 'rejected' : 'open',
        actor: 'partner_manager',
        reason: rejected ? 'Not in this year’s budget' : null,
        ...(approver ? { person: approver } : {}),
      });
    if (!decided || rejected) return life(priority);
  } else steps.push({ at: when(), type: 'status', to: 'open', actor: 'system' });

  if (random() < 0.05) {
    later(10 * MINUTE, DAY);
    add({ at: when(), type: 'status', to: 'withdrawn', actor: 'requester', reason: 'No longer needed' });
    return life(priority);
  }

  // Picked up by someone in one of the line's teams.
  const teamId = context.teamIds.length
    ? context.teamIds[Math.floor(random() * context.teamIds.length)]!
    : null;
  const candidates = context.workers.filter((worker) => teamId !== null && worker.teamIds.includes(teamId));
  const worker = (candidates.length ? candidates : context.workers)[
    Math.floor(random() * Math.max(1, candidates.length || context.workers.length))
  ];
  later(5 * MINUTE, random() < 0.1 ? 3 * DAY : 6 * HOUR);
  if (!worker) return life(priority);
  const staffUserId = worker.userId;
  if (!add({ at: when(), type: 'work', teamId, assigneeUserId: staffUserId, staffUserId }))
    return life(priority);
  add({ at: when(), type: 'status', to: 'in_progress', actor: 'agent', staffUserId });
  later(MINUTE, 30 * MINUTE);
  if (
    !add({
      at: when(),
      type: 'reply',
      byHost: true,
      body: 'Thank you: we are looking at this now.',
      staffUserId,
    })
  )
    return life(priority);

  if (random() < 0.1) {
    later(HOUR, DAY);
    const to: Priority = priority === 'critical' ? 'high' : 'critical';
    add({
      at: when(),
      type: 'priority',
      to,
      reason: to === 'critical' ? 'Affects a whole office' : 'A workaround is in place',
      staffUserId,
    });
  }
  if (random() < 0.35) {
    // Waiting: for the requester (who answers), for a supplier, or on hold (the agent takes it back).
    later(HOUR, DAY);
    const kind = random();
    const waiting = kind < 0.5 ? 'awaiting_requester' : kind < 0.75 ? 'awaiting_third_party' : 'on_hold';
    const reason =
      waiting === 'awaiting_requester'
        ? 'We need the cost centre'
        : waiting === 'awaiting_third_party'
          ? 'Waiting for the supplier'
          : 'Paused at the requester’s wish';
    if (!add({ at: when(), type: 'status', to: waiting, actor: 'agent', reason, staffUserId }))
      return life(priority);
    // Suppliers and holds take longer than requesters to come back.
    if (waiting === 'awaiting_requester') later(2 * HOUR, 4 * DAY);
    else later(DAY, waiting === 'on_hold' ? 15 * DAY : 8 * DAY);
    if (waiting === 'awaiting_requester') {
      if (!add({ at: when(), type: 'reply', byHost: false, body: 'The cost centre is 401234.' }))
        return life(priority);
      add({ at: when(), type: 'status', to: 'in_progress', actor: 'system' });
    } else if (!add({ at: when(), type: 'status', to: 'in_progress', actor: 'agent', staffUserId }))
      return life(priority);
  }
  if (random() < 0.08)
    add({
      at: when(),
      type: 'note',
      body: 'Checked with the supplier; stock is due next week.',
      staffUserId,
    });

  const long = random();
  later(HOUR, long < 0.7 ? 2 * DAY : long < 0.9 ? 8 * DAY : 20 * DAY);
  if (
    !add({
      at: when(),
      type: 'status',
      to: 'resolved',
      actor: 'agent',
      body: 'Done: please let us know if anything is not right.',
      staffUserId,
    })
  )
    return life(priority);

  const after = random();
  if (after < 0.1) {
    later(HOUR, 2 * DAY);
    if (
      !add({ at: when(), type: 'status', to: 'open', actor: 'requester', reason: 'It still does not work' })
    )
      return life(priority);
    later(HOUR, 2 * DAY);
    if (
      !add({
        at: when(),
        type: 'status',
        to: 'resolved',
        actor: 'agent',
        body: 'Fixed properly this time.',
        staffUserId,
      })
    )
      return life(priority);
  }
  if (after < 0.7) {
    later(HOUR, 3 * DAY);
    add({ at: when(), type: 'status', to: 'closed', actor: 'requester' });
  } else {
    at += 9 * DAY;
    add({
      at: when(),
      type: 'status',
      to: 'closed',
      actor: 'system',
      reason: 'Not reopened within 5 working days',
    });
  }
  return life(priority);
}

/** An instant in working hours on a weekday within `days` before `now`. */
export function submittedWithin(now: Date, days: number, random: () => number): Date {
  for (;;) {
    // A third of them in the last fortnight, so that there is work in hand as well as history.
    const within = random() < 0.35 ? Math.min(days, 14) : days;
    const day = new Date(now.getTime() - Math.floor(random() * within) * DAY);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    day.setUTCHours(8, 0, 0, 0);
    const at = new Date(day.getTime() + Math.floor(random() * 9 * 60) * MINUTE);
    if (at <= now) return at;
  }
}
