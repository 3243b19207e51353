import { describe, expect, it } from 'vitest';
import { inputOf } from '../../../platform/api/index.js';
import { SlaPolicyBody, targetProblems, type Targets } from './sla-policies.schemas.js';

const targets = Object.fromEntries(
  ['critical', 'high', 'medium', 'low'].map((p) => [
    p,
    { response: { value: 30, unit: 'working_minutes' }, resolution: { value: 2, unit: 'working_days' } },
  ]),
) as Targets;
const reader = inputOf(SlaPolicyBody);
const policy = {
  serviceLine: 'IT',
  code: 'IT-P',
  name: 'P',
  calendar: 'C1',
  warningPercent: 75,
  pauseStates: ['on_hold'],
  targets,
};

describe('SLA policies', () => {
  it('accepts targets per priority, and codes by their format', () => {
    expect(reader.check(policy).errors).toBeUndefined();
    expect(reader.check({ ...policy, code: 'P' }).errors).toEqual({ code: 'catalogue.errors.codeFormat.32' });
  });

  it('names each wrong field: warning, states, a target', () => {
    expect(
      reader.check({
        ...policy,
        warningPercent: 100,
        pauseStates: ['sleeping'],
        targets: {
          ...targets,
          low: { response: { value: 0, unit: 'working_days' }, resolution: targets.low.resolution },
        },
      }).errors,
    ).toEqual({
      warningPercent: 'catalogue.errors.warningRange',
      pauseStates: 'catalogue.errors.pauseStateUnknown',
      'targets.low.response': 'catalogue.errors.targetInvalid',
    });
  });

  it('refuses a resolution shorter than the response, and more than a year of days', () => {
    expect(
      targetProblems({
        ...targets,
        low: {
          response: { value: 2, unit: 'working_days' },
          resolution: { value: 60, unit: 'working_minutes' },
        },
        high: {
          response: { value: 1, unit: 'working_days' },
          resolution: { value: 366, unit: 'working_days' },
        },
      }),
    ).toEqual({
      'targets.high.resolution': 'catalogue.errors.targetInvalid',
      'targets.low.resolution': 'catalogue.errors.resolutionBeforeResponse',
    });
  });
});
