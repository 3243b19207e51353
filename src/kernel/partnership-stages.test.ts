import { describe, expect, it } from 'vitest';
import {
  PARTNERSHIP_STAGES,
  nextStages,
  refuseStageMove,
  type PartnershipStage,
} from './partnership-stages.js';

const signed = { hasSignedAgreement: true };
const unsigned = { hasSignedAgreement: false };

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
