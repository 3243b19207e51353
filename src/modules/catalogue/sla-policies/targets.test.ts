import { describe, expect, it } from 'vitest';
import '../catalogue.messages.js';
import { describeTarget, targetRows } from './targets.js';

describe('SLA targets as people read them', () => {
  it.each([
    [{ value: 1, unit: 'working_days' }, '1 working day'],
    [{ value: 2, unit: 'working_days' }, '2 working days'],
    [{ value: 1, unit: 'working_minutes' }, '1 working minute'],
    [{ value: 30, unit: 'working_minutes' }, '30 working minutes'],
    [{ value: 525_600, unit: 'working_minutes' }, '525600 working minutes'],
  ] as const)('%o reads "%s"', (target, text) => {
    expect(describeTarget(target)).toBe(text);
  });

  it('lists the priorities highest first', () => {
    const day = { value: 1, unit: 'working_days' } as const;
    const rows = targetRows({
      critical: { response: { value: 15, unit: 'working_minutes' }, resolution: day },
      high: { response: day, resolution: day },
      medium: { response: day, resolution: day },
      low: { response: day, resolution: { value: 10, unit: 'working_days' } },
    });
    expect(rows.map((row) => row.priority)).toEqual(['critical', 'high', 'medium', 'low']);
    expect(rows[0]).toEqual({
      priority: 'critical',
      response: '15 working minutes',
      resolution: '1 working day',
    });
    expect(rows[3]!.resolution).toBe('10 working days');
  });
});
