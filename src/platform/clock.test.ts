import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { fixedNowFrom, now, setFixedNow } from './clock.js';

afterEach(() => setFixedNow(undefined));

describe('the clock', () => {
  it('is the real one unless TANDEM_NOW fixes it', () => {
    expect(fixedNowFrom({})).toBeUndefined();
    expect(fixedNowFrom({ TANDEM_NOW: '  ' })).toBeUndefined();
    expect(fixedNowFrom({ TANDEM_NOW: '2026-03-27T17:00:00+01:00' })?.toISOString()).toBe(
      '2026-03-27T16:00:00.000Z',
    );
    const before = Date.now();
    const real = now().getTime();
    expect(real).toBeGreaterThanOrEqual(before);
    expect(real).toBeLessThanOrEqual(Date.now());
  });

  it('stands still at a fixed instant, handing out copies', () => {
    setFixedNow(new Date('2026-03-27T16:00:00Z'));
    const first = now();
    first.setUTCFullYear(1999);
    expect(now().toISOString()).toBe('2026-03-27T16:00:00.000Z');
  });

  it('refuses to start on a TANDEM_NOW that is not an instant, saying what it should be', () => {
    for (const value of ['yesterday', '2026-03-27', '2026-03-27T16:00:00', '2026-02-30T16:00:00Z']) {
      expect(() => loadConfig({ TANDEM_NOW: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TANDEM_NOW: value })).toThrow(
        /TANDEM_NOW must be an ISO instant with a zone/,
      );
    }
    expect(loadConfig({ TANDEM_NOW: '2026-03-27T16:00:00Z' }).fixedNow?.toISOString()).toBe(
      '2026-03-27T16:00:00.000Z',
    );
    expect(loadConfig({}).fixedNow).toBeUndefined();
  });
});
