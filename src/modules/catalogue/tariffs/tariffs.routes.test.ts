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

describe('the prices page', () => {
  it('imports prices pasted as CSV, or lists every wrong line and imports nothing', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    await manager.get('/catalogue/tariffs');
    const csv =
      'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,,0.90,2026-01-01,\nPRT-POST,BWF,abc,2032-01-01,\n';
    const bad = await manager.post('/catalogue/tariffs/import', { csv });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('Line 2: Those dates overlap another price');
    expect(summary).toContain('Line 3: Enter the unit price in pounds');
    const good = await manager.post('/catalogue/tariffs/import', {
      csv: 'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,BWF,0.80,2032-01-01,\n',
    });
    expect(good.statusCode).toBe(303);
    const page = await manager.get(good.headers.location as string);
    expect(page.body).toContain('1 prices imported');
  });
});
