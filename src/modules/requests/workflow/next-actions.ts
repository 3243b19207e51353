import { hasRole, type Principal } from '../../../platform/auth/index.js';
import { checkTransition } from '../../../kernel/request-states.js';
import { actorFor } from '../requests.policy.js';
import { isFinal, WAITING_STATUSES, type RequestRecord, type RequestWork } from '../request.js';

/** What can be done to a request, named as the API's routes name them. */
export const ACTION_NAMES = [
  'approve',
  'reject',
  'withdraw',
  'confirm',
  'reopen',
  'reply',
  'pick-up',
  'assign',
  'move',
  'change-priority',
  'pause',
  'resume',
  'resolve',
  'note',
  'record-time',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/**
 * What the reader may do to the request now, for pages to offer and clients to show. A hint, not
 * the rule: each use case checks again (the reopening window, for one, is checked only then).
 */
export function nextActions(
  principal: Principal,
  record: Pick<RequestRecord, 'status' | 'requesterUserId'>,
  work: RequestWork | null,
): ActionName[] {
  const { status } = record;
  const actions: ActionName[] = [];
  const may = (to: Parameters<typeof checkTransition>[1], actor = actorFor(principal, record)) =>
    checkTransition(status, to, actor).ok;
  if (principal.org.role !== 'host') {
    if (!hasRole(principal, 'requester', 'partner_manager')) return [];
    if (hasRole(principal, 'partner_manager') && status === 'awaiting_approval') {
      actions.push('approve', 'reject');
    }
    if (may('withdrawn')) actions.push('withdraw');
    if (may('closed')) actions.push('confirm');
    if (may('open')) actions.push('reopen');
    if (!isFinal(status)) actions.push('reply');
    return actions;
  }
  if (!hasRole(principal, 'agent', 'team_lead')) return [];
  if (!isFinal(status) && status !== 'resolved') {
    if (work?.assigneeUserId !== principal.userId) actions.push('pick-up');
    if (hasRole(principal, 'team_lead')) actions.push('assign');
    actions.push('move', 'change-priority');
  }
  if (!isFinal(status)) {
    actions.push('reply');
    if (status === 'in_progress') actions.push('pause');
    if ((WAITING_STATUSES as readonly string[]).includes(status)) actions.push('resume');
    if (may('resolved', 'agent')) actions.push('resolve');
  }
  actions.push('note', 'record-time');
  return actions;
}
