/**
 * The life of a partnership, as one pure function: which stage may follow which.
 *
 * prospect → interested → negotiating → onboarding → live → exiting → left. No required step is
 * skipped; a prospect may drop out (left) before it is live; talks may step back (negotiating →
 * interested, onboarding → negotiating); an exit may be withdrawn (exiting → live); a former
 * partner may be courted again (left → prospect). From onboarding on the partner must be a
 * registered organisation; going live needs a signed agreement with it; `left` after `live` only
 * from `exiting`.
 */

export const PARTNERSHIP_STAGES = [
  'prospect',
  'interested',
  'negotiating',
  'onboarding',
  'live',
  'exiting',
  'left',
] as const;

export type PartnershipStage = (typeof PARTNERSHIP_STAGES)[number];

/** Every move allowed. Anything not here is refused. */
const MOVES: Record<PartnershipStage, readonly PartnershipStage[]> = {
  prospect: ['interested', 'left'],
  interested: ['negotiating', 'prospect', 'left'],
  negotiating: ['onboarding', 'interested', 'left'],
  onboarding: ['live', 'negotiating', 'left'],
  live: ['exiting'],
  exiting: ['left', 'live'],
  left: ['prospect'],
};

/** What is known about the partner when the move is asked for. */
export interface StageContext {
  /** Whether the prospect is linked to a registered organisation. */
  hasOrganisation: boolean;
  /** Whether that organisation has a signed version of its agreement. */
  hasSignedAgreement: boolean;
}

/** The stages at which the partner must be a registered organisation. */
export const STAGES_WITH_ORGANISATION: readonly PartnershipStage[] = ['onboarding', 'live', 'exiting'];

export type StageRefusal =
  | 'ERR_STAGE_SAME'
  | 'ERR_STAGE_NOT_ALLOWED'
  | 'ERR_STAGE_NEEDS_ORGANISATION'
  | 'ERR_STAGE_NEEDS_AGREEMENT';

/** Whether `from` may move to `to`: null when it may, otherwise why not. */
export function refuseStageMove(
  from: PartnershipStage,
  to: PartnershipStage,
  context: StageContext,
): StageRefusal | null {
  if (from === to) return 'ERR_STAGE_SAME';
  if (!MOVES[from].includes(to)) return 'ERR_STAGE_NOT_ALLOWED';
  if (STAGES_WITH_ORGANISATION.includes(to) && !context.hasOrganisation) return 'ERR_STAGE_NEEDS_ORGANISATION';
  if (to === 'live' && !context.hasSignedAgreement) return 'ERR_STAGE_NEEDS_AGREEMENT';
  return null;
}

/** The stages `from` may move to, given what is known. */
export function nextStages(from: PartnershipStage, context: StageContext): PartnershipStage[] {
  return MOVES[from].filter((to) => refuseStageMove(from, to, context) === null);
}
