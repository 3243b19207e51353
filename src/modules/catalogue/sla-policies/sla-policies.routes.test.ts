import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** The text of the GOV.UK error summary, or '' when there is none. */
function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

describe('SLA policy pages', () => {
  it('adds an SLA policy through its form, with errors shown', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    await manager.get('/catalogue/sla-policies/new');
    const policy: Record<string, string | string[]> = {
      serviceLine: 'PRINT',
      code: 'PRINT-ROOM',
      name: 'Print room hours',
      calendar: 'MCC-OFFICE',
      warningPercent: '80',
      pauseStates: ['on_hold'],
    };
    for (const p of ['critical', 'high', 'medium', 'low']) {
      Object.assign(policy, {
        [`${p}-response-value`]: '30',
        [`${p}-response-unit`]: 'working_minutes',
        [`${p}-resolution-value`]: '2',
        [`${p}-resolution-unit`]: 'working_days',
      });
    }
    const badPolicy = await manager.post('/catalogue/sla-policies', {
      ...policy,
      warningPercent: '150',
      'low-response-value': '-1',
    });
    expect(badPolicy.statusCode).toBe(400);
    const summary = errorSummary(badPolicy.body);
    expect(summary).toContain('Enter a whole number from 1 to 99');
    expect(summary).toContain('Enter the low priority’s response target as a whole number of at least 1');
    expect(badPolicy.body).toContain('href="#low-response-value"');
    const goodPolicy = await manager.post('/catalogue/sla-policies', policy);
    expect(goodPolicy.statusCode).toBe(303);
    const shownPolicy = await manager.get('/catalogue/sla-policies/PRINT-ROOM');
    expect(shownPolicy.body).toContain('Print room hours');
    expect((await manager.get('/catalogue/sla-policies/PRINT-ROOM/edit')).statusCode).toBe(200);
  });

  it('says "1 working day", never "1 working days", wherever targets are shown', async () => {
    const targets = (html: string) =>
      (/<table class="govuk-table" data-qa="sla-targets">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const policy = targets((await manager.get('/catalogue/sla-policies/IT-STANDARD')).body);
    expect(policy).toContain('Critical 30 working minutes 240 working minutes');
    expect(policy).toContain('Low 1 working day 10 working days');
    const fire = await signedInBrowser(t.app, 'requester@merciafire.example');
    const offering = targets((await fire.get('/catalogue/offerings/FIN-PAYSLIP')).body);
    expect(offering).toContain('Low 1 working day 10 working days');
    for (const text of [policy, offering]) expect(text).not.toMatch(/\b1 working (days|minutes)\b/);
  });
});
