/**
 * The life of a request, as one pure function: which status may follow which, and who may move it.
 *
 * submitted → awaiting_approval → open → in_progress ⇄ (awaiting_requester | awaiting_third_party |
 * on_hold) → resolved → closed, plus rejected and withdrawn. A resolved request goes back to open
 * when it is reopened.
 */

export const REQUEST_STATUSES = [
  'submitted',
  'awaiting_approval',
  'open',
  'in_progress',
  'awaiting_requester',
  'awaiting_third_party',
  'on_hold',
  'resolved',
  'closed',
  'rejected',
  'withdrawn',
] as const;

export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses in which the request is waiting on someone other than the service centre. */
export const WAITING_STATUSES = ['awaiting_requester', 'awaiting_third_party', 'on_hold'] as const;

/** Statuses a request never leaves. */
export const FINAL_STATUSES: readonly RequestStatus[] = ['closed', 'rejected', 'withdrawn'];

/** Statuses in which the work is done or abandoned: the resolution clock does not run. */
export const STOPPED_STATUSES: readonly RequestStatus[] = ['resolved', 'closed', 'rejected', 'withdrawn'];

/** Who is acting: the person who raised it (or a colleague), their manager, host staff, or Tandem itself. */
export type Actor = 'requester' | 'partner_manager' | 'agent' | 'system';

interface Move {
  to: RequestStatus;
  by: readonly Actor[];
}

const STAFF: readonly Actor[] = ['agent'];
const WAITING_BACK: Move[] = [
  { to: 'in_progress', by: ['agent', 'requester', 'system'] },
  { to: 'resolved', by: STAFF },
];

/** Every move allowed, and by whom. Anything not here is impossible. */
const MOVES: Record<RequestStatus, readonly Move[]> = {
  submitted: [
    { to: 'awaiting_approval', by: ['system'] },
    { to: 'open', by: ['system', 'agent'] },
    { to: 'withdrawn', by: ['requester', 'partner_manager'] },
  ],
  awaiting_approval: [
    { to: 'open', by: ['partner_manager'] },
    { to: 'rejected', by: ['partner_manager'] },
    { to: 'withdrawn', by: ['requester', 'partner_manager'] },
  ],
  open: [
    { to: 'in_progress', by: STAFF },
    { to: 'resolved', by: STAFF },
    { to: 'withdrawn', by: ['requester', 'partner_manager'] },
  ],
  in_progress: [
    { to: 'awaiting_requester', by: STAFF },
    { to: 'awaiting_third_party', by: STAFF },
    { to: 'on_hold', by: STAFF },
    { to: 'resolved', by: STAFF },
  ],
  awaiting_requester: WAITING_BACK,
  awaiting_third_party: WAITING_BACK,
  on_hold: WAITING_BACK,
  resolved: [
    { to: 'closed', by: ['requester', 'partner_manager', 'system'] },
    { to: 'open', by: ['requester', 'partner_manager'] },
  ],
  closed: [],
  rejected: [],
  withdrawn: [],
};

export type TransitionRefusal = 'impossible' | 'not_yours';

/**
 * Whether `actor` may move a request from `from` to `to`: `impossible` when no one may (409
 * ERR_INVALID_TRANSITION), `not_yours` when someone else may (403).
 */
export function checkTransition(
  from: RequestStatus,
  to: RequestStatus,
  actor: Actor,
): { ok: true } | { ok: false; refusal: TransitionRefusal } {
  const move = MOVES[from].find((candidate) => candidate.to === to);
  if (!move) return { ok: false, refusal: 'impossible' };
  return move.by.includes(actor) ? { ok: true } : { ok: false, refusal: 'not_yours' };
}

/** The statuses `actor` may move a request to from `from`, in the order they are listed above. */
export function nextStatuses(from: RequestStatus, actor: Actor): RequestStatus[] {
  return MOVES[from].filter((move) => move.by.includes(actor)).map((move) => move.to);
}

export function isRequestStatus(value: unknown): value is RequestStatus {
  return typeof value === 'string' && (REQUEST_STATUSES as readonly string[]).includes(value);
}
