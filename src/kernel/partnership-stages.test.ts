import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PARTNERSHIP_STAGES,
  nextStages,
  refuseStageMove,
  type PartnershipStage,
} from './partnership-stages.js';

const signed = { hasOrganisation: true, hasSignedAgreement: true };
const unsigned = { hasOrganisation: true, hasSignedAgreement: false };
const unregistered = { hasOrganisation: false, hasSignedAgreement: false };

describe('refuseStageMove', () => {
  it.each<[PartnershipStage, PartnershipStage, ReturnType<typeof refuseStageMove>]>([
    ['prospect', 'interested', null],
    ['interested', 'negotiating', null],
    ['negotiating', 'onboarding', null],
    ['onboarding', 'live', null],
    ['live', 'exiting', null],
    ['exiting', 'left', null],
    ['negotiating', 'interested', null],
    ['onboarding', 'negotiating', null],
    ['exiting', 'live', null],
    ['prospect', 'left', null],
    ['prospect', 'negotiating', 'ERR_STAGE_NOT_ALLOWED'],
    ['interested', 'live', 'ERR_STAGE_NOT_ALLOWED'],
    ['negotiating', 'live', 'ERR_STAGE_NOT_ALLOWED'],
    ['live', 'left', 'ERR_STAGE_NOT_ALLOWED'],
    ['live', 'onboarding', 'ERR_STAGE_NOT_ALLOWED'],
    ['left', 'live', 'ERR_STAGE_NOT_ALLOWED'],
    ['live', 'live', 'ERR_STAGE_SAME'],
  ])('%s → %s with a signed agreement: %s', (from, to, expected) => {
    expect(refuseStageMove(from, to, signed)).toBe(expected);
  });

  it('refuses going live without a signed agreement', () => {
    expect(refuseStageMove('onboarding', 'live', unsigned)).toBe('ERR_STAGE_NEEDS_AGREEMENT');
    expect(refuseStageMove('exiting', 'live', unsigned)).toBe('ERR_STAGE_NEEDS_AGREEMENT');
  });

  it('needs a registered organisation from onboarding on', () => {
    expect(refuseStageMove('negotiating', 'onboarding', unregistered)).toBe('ERR_STAGE_NEEDS_ORGANISATION');
    expect(refuseStageMove('negotiating', 'onboarding', unsigned)).toBeNull();
    expect(refuseStageMove('prospect', 'interested', unregistered)).toBeNull();
    expect(refuseStageMove('negotiating', 'left', unregistered)).toBeNull();
  });

  it('reaches left after live only through exiting', () => {
    for (const from of PARTNERSHIP_STAGES) {
      if (from === 'exiting' || from === 'left') continue;
      const allowed = refuseStageMove(from, 'left', signed) === null;
      expect(allowed).toBe(['prospect', 'interested', 'negotiating', 'onboarding'].includes(from));
    }
  });
});

describe('nextStages', () => {
  it('offers only what the context allows', () => {
    expect(nextStages('onboarding', unsigned)).toEqual(['negotiating', 'left']);
    expect(nextStages('onboarding', signed)).toEqual(['live', 'negotiating', 'left']);
  });
});

/**
 * The slow obvious model: stages in order, a move forward is exactly one step, a move back is one
 * step before live or from exiting to live, and left is reached from before live or from exiting,
 * and left only goes back to prospect.
 */
function allowedByModel(from: PartnershipStage, to: PartnershipStage): boolean {
  const at = (stage: PartnershipStage) => PARTNERSHIP_STAGES.indexOf(stage);
  const live = at('live');
  if (from === to) return false;
  if (from === 'left') return to === 'prospect';
  if (to === 'left') return at(from) < live || from === 'exiting';
  if (at(to) === at(from) + 1) return true;
  if (at(to) === at(from) - 1) return at(from) < live ? at(from) > 0 : from === 'exiting';
  return false;
}

describe('properties', () => {
  const stage = fc.constantFrom(...PARTNERSHIP_STAGES);
  const context = fc.record({ hasOrganisation: fc.boolean(), hasSignedAgreement: fc.boolean() });

  it('allows exactly the moves of the reference model, given a signed agreement', () => {
    fc.assert(
      fc.property(stage, stage, (from, to) => {
        expect(refuseStageMove(from, to, signed) === null).toBe(allowedByModel(from, to));
      }),
    );
  });

  it('never reaches live from prospect without passing every step, whatever is known', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(stage, context), { maxLength: 40 }), (attempts) => {
        let at: PartnershipStage = 'prospect';
        const visited = new Set<PartnershipStage>([at]);
        for (const [to, known] of attempts) {
          if (refuseStageMove(at, to, known) !== null) continue;
          if (to === 'live') {
            expect(known.hasSignedAgreement && known.hasOrganisation).toBe(true);
            expect(['interested', 'negotiating', 'onboarding'].every((s) => visited.has(s as PartnershipStage))).toBe(true);
          }
          if (to === 'prospect') visited.clear();
          at = to;
          visited.add(at);
        }
      }),
    );
  });

  it('offers as next stages exactly those it would allow', () => {
    fc.assert(
      fc.property(stage, context, (from, known) => {
        const offered = nextStages(from, known);
        for (const to of PARTNERSHIP_STAGES)
          expect(offered.includes(to)).toBe(refuseStageMove(from, to, known) === null);
      }),
    );
  });
});
